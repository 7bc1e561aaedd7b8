"""Finding the article files of a library: every *.md / *.markdown under its
roots, hidden entries skipped, each folder entered once (symlink loops).

An unchanged folder is recognised by a digest of its article files' names,
sizes and modification times, computed as the folder is read, so a warm
refresh keeps no listing in memory: at 100k files in one folder a listing
and the cache's copy of it cost 40 MB, the digest nothing. A folder whose
digest changed is listed again to be compared file by file.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from stat import S_ISDIR, S_ISREG
from typing import Iterable, Iterator

from reader.model import Problem

SUFFIXES = (".md", ".markdown")

Listing = list[tuple[str, int, int]]  # (name, size, mtime_ns)
MASK = (1 << 63) - 1  # digests are kept in SQLite's signed 64-bit integers


def is_article_name(name: str) -> bool:
    """Whether a file of this name is an article (hidden files are not)."""
    return name[:1] != "." and (name.endswith(SUFFIXES) or name.lower().endswith(SUFFIXES))


def entry_digest(name: str, size: int, mtime: int) -> int:
    data = b"%s\0%d\0%d" % (name.encode("utf-8", "surrogatepass"), size, mtime)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def digest(listing: Iterable[tuple[str, int, int]]) -> int:
    """A folder's digest: the same for the same files whatever their order."""
    return sum(entry_digest(*item) for item in listing) & MASK


@dataclass(slots=True)
class Folder:
    """One folder met by the walk."""

    path: str
    digest: int  # of its article files (see digest())
    count: int  # how many there are
    whole: bool  # False for a root that is a file: the folder stands for that file alone
    files: Listing | None = None  # its article files, when the walk was asked to keep them (listed=True)


def walk_folders(roots: Iterable[os.PathLike[str] | str], problems: list[Problem], listed: bool = False) -> Iterator[Folder]:
    """Every folder of the library with the digest of its article files; with
    ``listed``, their listing too. What cannot be read is added to ``problems``.

    A root that is a file yields its folder with only that file (not whole).
    Folders are identified by (device, inode), so a symlink loop is entered once.
    """
    seen: set[tuple[int, int]] = set()
    for root in roots:
        path = os.fspath(root)
        try:
            info = os.stat(path)
        except OSError as exc:
            problems.append(Problem(path, os_reason(exc), skipped=True))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk_dir(path, info, problems, seen, listed)
        elif stat.S_ISREG(info.st_mode):
            folder, name = os.path.split(path)
            item = (name, info.st_size, info.st_mtime_ns)
            yield Folder(folder, digest([item]), 1, False, [item])
        else:
            problems.append(Problem(path, "not a file or folder", skipped=True))


def list_folder(folder: str) -> Listing:
    """The article files of one folder now (problems are the walk's to report)."""
    files: Listing = []
    _read(folder, [], files, [], keep=True)
    files.sort()
    return files


def os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or folder"
    if isinstance(exc, PermissionError):
        return "cannot be read: permission denied"
    if exc.errno == 40:  # ELOOP
        return "symbolic link loop"
    return f"cannot be read: {exc.strerror or exc}"


def _walk_dir(
    top: str, info: os.stat_result, problems: list[Problem], seen: set[tuple[int, int]], listed: bool
) -> Iterator[Folder]:
    stack = [(top, info)]
    while stack:
        folder, folder_info = stack.pop()
        key = (folder_info.st_dev, folder_info.st_ino)
        if key in seen:
            continue
        seen.add(key)
        files: Listing = []
        subfolders: list[tuple[str, os.stat_result]] = []
        found = _read(folder, problems, files, subfolders, keep=listed)
        if found is None:
            continue
        total, count = found
        if listed:
            files.sort()
        yield Folder(folder, total, count, True, files if listed else None)
        stack.extend(reversed(subfolders))


def _read(
    folder: str, problems: list[Problem], files: Listing, subfolders: list[tuple[str, os.stat_result]], keep: bool
) -> tuple[int, int] | None:
    """Read one folder: its digest and article count (None if it cannot be
    read); its article files go to ``files`` when ``keep``, its subfolders to
    ``subfolders``. Entries are taken as the folder is read, not kept."""
    total = count = 0
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                name = entry.name
                if name[0] == ".":
                    continue
                # The common entry is an article file: one stat, no other checks.
                article = name.endswith(SUFFIXES) or name.lower().endswith(SUFFIXES)
                try:
                    if not article:
                        if entry.is_dir():
                            subfolders.append((entry.path, entry.stat()))
                        continue
                    st = entry.stat()
                except OSError as exc:
                    if article or entry.is_symlink():
                        reason = "broken symbolic link" if isinstance(exc, FileNotFoundError) else os_reason(exc)
                        problems.append(Problem(entry.path, reason, skipped=True))
                    continue
                mode = st.st_mode
                if S_ISREG(mode):
                    size, mtime = st.st_size, st.st_mtime_ns
                    total += entry_digest(name, size, mtime)
                    count += 1
                    if keep:
                        files.append((name, size, mtime))
                elif S_ISDIR(mode):  # a folder named like an article
                    subfolders.append((entry.path, st))
    except OSError as exc:
        problems.append(Problem(folder, f"folder {os_reason(exc)}", skipped=True))
        return None
    return total & MASK, count
