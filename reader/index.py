"""Transitional: the old name of reader.store, kept while the screen moves over."""

from reader.store import Library, NotIndexed as IndexBusy, RefreshStats, article_uid  # noqa: F401
from reader.model import ListRow as Row  # noqa: F401
from reader.store.records import parse_rows  # noqa: F401
