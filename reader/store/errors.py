"""What can go wrong with the cache, as types the screen and the command line
can tell apart (never by the text of a message, which differs between SQLite
builds). Every method of the Library raises these, never sqlite3's errors."""

from __future__ import annotations


class StoreError(Exception):
    """The cache could not answer; the message says why, in a user's words."""


class NotIndexed(StoreError):
    """No index is open yet: only a refresh builds one."""


class SearchInterrupted(StoreError):
    """A newer search stopped this one (Library.interrupt)."""


class CacheBusy(StoreError):
    """Another process holds the cache locked."""


class CacheDamaged(StoreError):
    """The cache is damaged: forget it (Library.forget_cache) and refresh."""


class CacheUnusable(StoreError):
    """The cache cannot be kept (not writable, locked, damaged beyond a
    rebuild): the library goes on with a temporary one."""
