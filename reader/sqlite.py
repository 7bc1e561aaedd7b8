"""The SQLite module every part of reader uses.

pysqlite3 (the pysqlite3-binary wheel) brings a newer SQLite than the one
Python bundles (3.51 against 3.40 for Python 3.11), and that FTS5 ranks a
common word's matches a fifth to a third faster: the difference between a
search that keeps up with typing and one that lags. Where it is not installed
(it has wheels for Linux on x86-64 only), Python's own sqlite3 serves,
with the same interface. (Python's module is not even imported beside it:
that alone costs 5-15 ms of every start.)

One copy for the whole process: two copies of SQLite with the same file open
can release each other's locks (https://sqlite.org/howtocorrupt.html, 2.2.1),
so no module imports sqlite3 directly.
"""

from __future__ import annotations

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # not installed: Python's own
    import sqlite3  # type: ignore[no-redef]

__all__ = ["sqlite3"]
