"""The SQLite cache of a library and everything asked of it.

    walk.py     the article files under the roots (digests of unchanged folders)
    records.py  one batch of files -> the cache's rows (in worker processes)
    schema.py   the tables
    db.py       the cache file and the one connection policy
    refresh.py  diff the walk against the cache; parse and write what changed
    sql.py      a Query and an order -> SQL (pure)
    library.py  the Library facade the app and the command line call
    errors.py   what can go wrong, as types
"""

from reader.store.errors import CacheBusy, CacheDamaged, NotIndexed, SearchInterrupted, StoreError
from reader.store.library import FIRST_PAGE, Library, find_article
from reader.store.records import article_uid
from reader.store.refresh import RefreshStats

__all__ = [
    "FIRST_PAGE",
    "CacheBusy",
    "CacheDamaged",
    "Library",
    "NotIndexed",
    "RefreshStats",
    "SearchInterrupted",
    "StoreError",
    "article_uid",
    "find_article",
]
