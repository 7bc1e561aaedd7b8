"""TRANSITIONAL SHIM (being replaced by the real store package this session)."""
from reader.index import IndexBusy as NotIndexed, Library, RefreshStats  # noqa: F401
from reader.sqlite import sqlite3

StoreError = sqlite3.Error
CacheBusy = sqlite3.OperationalError
CacheDamaged = sqlite3.DatabaseError
SearchInterrupted = sqlite3.OperationalError
