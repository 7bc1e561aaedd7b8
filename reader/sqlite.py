"""The SQLite module every part of reader uses.

pysqlite3 (the pysqlite3-binary wheel) brings a newer SQLite than the one
Python bundles (3.51 against 3.40 for Python 3.11), and that FTS5 ranks a
common word's matches a fifth to a third faster: the difference between a
search that keeps up with typing and one that lags. Where it is not installed
(it has wheels for Linux on x86-64 only), or bundles an older SQLite than
Python's, Python's own sqlite3 serves, with the same interface.

One copy for the whole process: two copies of SQLite with the same file open
can release each other's locks (https://sqlite.org/howtocorrupt.html, 2.2.1),
so no module imports sqlite3 directly.
"""

from __future__ import annotations

import sqlite3 as _bundled

sqlite3 = _bundled
try:
    from pysqlite3 import dbapi2 as _newer
except ImportError:  # not installed: Python's own
    pass
else:
    if _newer.sqlite_version_info > _bundled.sqlite_version_info:
        sqlite3 = _newer  # type: ignore[misc]

__all__ = ["sqlite3"]
