"""One file in, one Article (with warnings) or one Problem out.

All coercion of front-matter fields lives here. Each field is coerced on
its own: a wrong type costs a warning and the nearest sensible value, never
the article. A file is skipped only when it has no usable front matter
mapping.

Longer than the house's 500 lines on purpose: one coercion function per
field, each short, all of them the one place where a file's values are
judged. Split by field they would only scatter that one job.
"""

from __future__ import annotations

import codecs
import math
import os
import re
import stat
from datetime import date, datetime, timezone
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from reader import yamldata
from reader.model import KNOWN_FIELDS, Article, Image, Number, Problem, Provider, Related
from reader.text import kind_of

# python-frontmatter's boundary between front matter and body; the front
# matter itself is read by PyYAML's C safe loader (see yamldata).
_BOUNDARY = YAMLHandler.FM_BOUNDARY

MAX_FILE_BYTES = 16 * 1024 * 1024
MAX_EXTRA_NODES = 5_000
MAX_EXTRA_DEPTH = 40
MAX_EXTRA_CHARS = 1_000_000
# YAML aliases let a short file repeat one related article, or one list of
# images, many times over; these bound what one file can make.
MAX_ITEMS = 1_000  # related articles and images, in all
MAX_TOPICS = 1_000
MAX_WARNINGS = 500
# SQLite keeps integers in 64 bits.
_BIGGEST_INT = 2**63 - 1
# Line breaks to libyaml besides "\n" (carriage returns are gone by then).
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")
# Opened without blocking, so a named pipe cannot hang the read.
_OPEN_FLAGS = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class _Warnings:
    """Collects field warnings; lines are looked up only when there are some.

    Also holds what is left of the allowance for related articles and
    images: ``room`` characters of text and ``items`` objects.
    """

    def __init__(self, room: int = 0) -> None:
        self.items: list[tuple[tuple[Any, ...], str]] = []
        self.dropped = 0
        self.room = room
        self.left = MAX_ITEMS
        self.full = False

    def add(self, where: tuple[Any, ...], reason: str, always: bool = False) -> None:
        """Note a warning; past MAX_WARNINGS only counted, unless it says that data was cut."""
        if len(self.items) >= MAX_WARNINGS and not always:
            self.dropped += 1
            return
        self.items.append((where, reason))

    def take(self, cost: int, where: tuple[Any, ...]) -> bool:
        """Spend ``cost`` characters on one more item; False once it is all spent."""
        if self.full:
            return False
        self.room -= cost
        self.left -= 1
        if self.room < 0 or self.left < 0:
            self.full = True
            self.add(where[:1], f"{_name(where[:1])}: too many related articles or images (over {MAX_ITEMS}, or repeated with YAML aliases); kept in part", always=True)
            return False
        return True


def parse_file(path: str, display: str | None = None) -> tuple[Article | None, list[Problem]]:
    """Read and parse one file. ``display`` is the path used in messages."""
    shown = display or path
    try:
        with open(path, "rb", buffering=0, opener=_open) as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(info.st_mode):
                # A pipe, a device (/dev/zero never ends) or a socket.
                return None, [Problem(shown, "not a regular file", skipped=True)]
            data = _read_some(handle, info.st_size, MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, [Problem(shown, "is a folder, not a file", skipped=True)]
    except PermissionError:
        return None, [Problem(shown, "cannot be read: permission denied", skipped=True)]
    except FileNotFoundError:
        return None, [Problem(shown, "disappeared while being read", skipped=True)]
    except OSError as exc:
        return None, [Problem(shown, f"cannot be read: {_printable(exc.strerror or str(exc))}", skipped=True)]
    except ValueError:  # a NUL in the path
        return None, [Problem(shown, "cannot be read: the path is not valid", skipped=True)]
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return None, [Problem(shown, f"too large to read (over {limit} MB)", skipped=True)]
    return parse_bytes(data, shown)


def _open(path: str, flags: int) -> int:
    return os.open(path, flags | _OPEN_FLAGS)


def _read_some(handle: Any, size: int, limit: int) -> bytes:
    """Up to ``limit`` bytes, however the file changes while it is read.

    The first read asks for the size fstat gave plus one byte, so an
    unchanged file is read in one go without a big buffer per file.
    """
    parts = []
    got = 0
    want = min(size + 1, limit)
    while got < limit:
        asked = max(1, min(want, limit - got))
        chunk = handle.read(asked)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
        if len(chunk) < asked and want == size + 1:
            break  # a regular file read short of what fstat promised: its end
        want = 1 << 20
    return b"".join(parts)


def parse_bytes(data: bytes, path: str) -> tuple[Article | None, list[Problem]]:
    text, problem = _decode(data, path)
    if problem is not None:
        return None, [problem]
    assert text is not None
    return _parse(text, path, [])


def _decode(data: bytes, path: str) -> tuple[str | None, Problem | None]:
    if not data.strip():
        return None, Problem(path, "empty file", skipped=True)
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[3:].decode("utf-8"), None
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16"), None
    except UnicodeDecodeError as exc:
        if data.startswith(codecs.BOM_UTF8):
            line = data.count(b"\n", 0, exc.start + 3) + 1
            return None, Problem(path, f"not UTF-8 text (byte 0x{data[exc.start + 3]:02x})", line=line, skipped=True)
        return None, Problem(path, f"not valid UTF-16 text ({exc.reason})", skipped=True)
    if b"\x00" in data[:8192]:
        return None, Problem(path, "binary file, not text", skipped=True)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        return None, Problem(path, f"not UTF-8 text (byte 0x{byte:02x})", line=line, skipped=True)


def parse_text(text: str, path: str) -> tuple[Article | None, list[Problem]]:
    notes = []
    try:
        if not text.isascii():
            text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Lone surrogates: a str can hold them, no file or database can.
        line = text.count("\n", 0, exc.start) + 1
        text = text.encode("utf-8", "replace").decode("utf-8")
        notes.append(Problem(path, "text holds invalid characters (lone surrogates); shown as '?'", line=line))
    article, problems = _parse(text, path, notes)
    return article, problems


def _parse(text: str, path: str, notes: list[Problem]) -> tuple[Article | None, list[Problem]]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    stripped = text.lstrip()
    if not stripped:
        return None, [Problem(path, "empty file", skipped=True)]
    lead = text.count("\n", 0, len(text) - len(stripped))
    start = _BOUNDARY.match(stripped)
    if start is None or not stripped.startswith("---"):
        return None, [Problem(path, "no front matter: the file does not start with a '---' line", line=lead + 1, skipped=True)]
    # The closing line, found as the boundary regex would, but by jumping
    # from one "\n---" to the next instead of trying every line start.
    end = None
    pos = stripped.find("\n---", start.end() - 1)
    while pos != -1:
        end = _BOUNDARY.match(stripped, pos + 1)
        if end is not None:
            break
        pos = stripped.find("\n---", pos + 1)
    if end is None:
        return None, [Problem(path, "front matter is not closed by a second '---' line", line=lead + 1, skipped=True)]
    fm = stripped[start.end() : end.start()]
    body = stripped[end.end() :].strip("\n")
    offset = lead + stripped.count("\n", 0, start.end())
    try:
        root, meta, ignored_tags = yamldata.load_nodes(fm)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = offset + _line(fm, mark) + 1 if mark is not None else None
        reason = _printable(_one_line(exc.problem or exc.context or "invalid YAML"))
        return None, notes + [Problem(path, f"YAML error: {reason}", line=line, skipped=True)]
    except yaml.YAMLError as exc:
        return None, notes + [Problem(path, f"YAML error: {_printable(_one_line(exc))}", line=offset + 1, skipped=True)]
    except RecursionError:  # pragma: no cover - the builder does not recurse; kept as a guard
        return None, notes + [Problem(path, "YAML error: nested too deeply", line=offset + 1, skipped=True)]
    if meta is None:
        return None, notes + [Problem(path, "front matter is empty", line=offset + 1, skipped=True)]
    if not isinstance(meta, dict):
        kind = kind_of(meta)
        return None, notes + [Problem(path, f"front matter is {kind}, not a mapping of fields", line=offset + 1, skipped=True)]

    # Related articles and images may hold about as much text as the front
    # matter itself; more than that came from repeating it with aliases.
    warnings = _Warnings(room=2 * len(fm) + 4096)
    article = _build(meta, path, body, warnings)
    room = max(0, MAX_WARNINGS - len(warnings.items))
    problems = notes + [
        Problem(path, f"YAML tag {_printable(_one_line(tag)[:60])} is not supported; read as plain text", line=offset + line + 1)
        for line, tag in ignored_tags[:room]
    ]
    if warnings.items:
        locate = _Locator(root, fm, offset)
        problems += [Problem(path, reason, line=locate(where)) for where, reason in warnings.items]
    dropped = warnings.dropped + max(0, len(ignored_tags) - room)
    if dropped:
        problems.append(Problem(path, f"{dropped} more warnings not shown", line=offset + 1))
    return article, problems


def _line(fm: str, mark: Any) -> int:
    """The 0-based line of a libyaml mark, counting only "\n" as a line break."""
    if any(br in fm for br in _OTHER_BREAKS):
        return fm.count("\n", 0, max(0, mark.index))
    return mark.line


def _printable(text: str) -> str:
    """Text from a file made safe to show in a message: no control or format characters."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


# -- fields -----------------------------------------------------------------


def _build(meta: dict[Any, Any], path: str, body: str, w: _Warnings) -> Article:
    title = _text(meta, "title", w, ())
    if not title or not _visible(title):
        if "title" in meta and meta["title"] is not None and title is not None:
            w.add(("title",), "title is empty or shows nothing; using the file name")
        title = _title_from_path(path)
    extra: dict[str, Any] = {}
    budget = [MAX_EXTRA_NODES, MAX_EXTRA_CHARS]
    for key, value in meta.items():
        if not isinstance(key, str) or key not in KNOWN_FIELDS:
            name = _jsonable(key, budget)
            extra[name if isinstance(name, str) else str(name)] = _jsonable(value, budget)
    if budget[0] < 0 or budget[1] < 0:
        w.add((), "unknown fields are too large; kept in part", always=True)
    secured = meta.get("secured")
    return Article(
        path=path,
        title=title,
        excerpt=_text(meta, "excerpt", w, ()),
        category=_text(meta, "category", w, ()),
        published_at=_when(meta, "publishedDateTime", w, ()),
        original_url=_text(meta, "originalUrl", w, ()),
        web_url=_text(meta, "webUrl", w, ()),
        amp_web_url=_text(meta, "ampWebUrl", w, ()),
        cdn_amp_web_url=_text(meta, "cdnAmpWebUrl", w, ()),
        type=_text(meta, "type", w, ()),
        quality=_number(meta, "quality", w, ()),
        heat=_heat(meta, w),
        published=_flag(meta, "published", w, ()),
        provider=_provider(meta, "provider", w, ()),
        topics=_topics(meta, w),
        images=_images(meta, "images", w, ()),
        related=_related(meta, w),
        has_secured=secured is not None and secured != "",
        body=body,
        extra=extra,
    )


def _visible(text: str) -> bool:
    """Whether the text shows anything: not only spaces, controls or format characters."""
    return any(ch.isprintable() and not ch.isspace() for ch in text)


def _title_from_path(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", stem)
    words = stem.replace("_", " ").replace("-", " ").strip()
    if words and _visible(words):
        return words[:1].upper() + words[1:]
    name = os.path.basename(path.rstrip("/\\")) or path
    return name if _visible(name) else "(untitled)"


def _name(where: tuple[Any, ...]) -> str:
    out = ""
    for part in where:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


def _text(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    where = at + (key,)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    elif isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        w.add(where, f"{_name(where)}: expected text, got {kind_of(value)}; ignored")
        return None
    w.add(where, f"{_name(where)}: expected text, got {kind_of(value)}; read as {text!r}")
    return text


def _coerce_number(value: Any) -> Number | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if -_BIGGEST_INT <= value <= _BIGGEST_INT else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip().rstrip("%"))
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return int(number) if number.is_integer() and abs(number) <= _BIGGEST_INT else number
    return None


def _number(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> Number | None:
    value = meta.get(key)
    if value is None:
        return None
    number = _coerce_number(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number is not None:
        return number
    where = at + (key,)
    if number is None and isinstance(value, float):
        w.add(where, f"{_name(where)}: not a finite number; ignored")
    elif number is None and isinstance(value, int) and not isinstance(value, bool):
        w.add(where, f"{_name(where)}: number too large; ignored")
    elif number is None:
        w.add(where, f"{_name(where)}: expected a number, got {kind_of(value)}; ignored")
    else:
        w.add(where, f"{_name(where)}: expected a number, got text; read as {number}")
    return number


def _heat(meta: dict[Any, Any], w: _Warnings) -> Number | None:
    heat = _number(meta, "heat", w, ())
    return None if heat == -1 else heat


_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


def _flag(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> bool | None:
    value = meta.get(key)
    if value is None or isinstance(value, bool):
        return value
    where = at + (key,)
    flag: bool | None = None
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        flag = value.strip().lower() in _TRUE
    elif isinstance(value, (int, float)) and value in (0, 1):
        flag = bool(value)
    if flag is None:
        w.add(where, f"{_name(where)}: expected true or false, got {kind_of(value)}; ignored")
    else:
        w.add(where, f"{_name(where)}: expected true or false; read {value!r} as {str(flag).lower()}")
    return flag


def parse_when(value: Any) -> datetime | None:
    """A datetime in UTC from what YAML gave, or None."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[-1:] in "zZ":
            text = text[:-1] + "+00:00"
        try:
            return parse_when(datetime.fromisoformat(text))
        except ValueError:
            return None
    return None


def _when(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> datetime | None:
    value = meta.get(key)
    if value is None:
        return None
    when = None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            when = datetime.fromtimestamp(value, timezone.utc)
            where = at + (key,)
            w.add(where, f"{_name(where)}: a number, read as a Unix time ({when:%Y-%m-%d})")
            return when
        when = parse_when(value)
    except (ValueError, OverflowError, OSError):
        when = None
    if when is None:
        where = at + (key,)
        shown = _one_line(value)[:40] if isinstance(value, str) else kind_of(value)
        w.add(where, f"{_name(where)}: not a date ({shown!r}); ignored")
    return when


def _provider(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> Provider | None:
    value = meta.get(key)
    if value is None:
        return None
    where = at + (key,)
    if isinstance(value, str):
        name = value.strip()
        return Provider(name=name) if name else None
    if isinstance(value, dict):
        name = _text(value, "name", w, where)
        domain = _text(value, "domain", w, where)
        if name or domain:
            return Provider(name=name or None, domain=domain or None)
        return None
    w.add(where, f"{_name(where)}: expected a name and domain, got {kind_of(value)}; ignored")
    return None


def _topics(meta: dict[Any, Any], w: _Warnings) -> tuple[str, ...]:
    value = meta.get("topics")
    if value is None:
        return ()
    where = ("topics",)
    if isinstance(value, str):
        topics = tuple(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))
        w.add(where, f"topics: expected a list, got text; read as {list(topics)}")
        return topics
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        w.add(where, f"topics: expected a list, got {kind_of(value)}; read as [{value}]")
        return (str(value),)
    if not isinstance(value, list):
        w.add(where, f"topics: expected a list, got {kind_of(value)}; ignored")
        return ()
    out: dict[str, None] = {}
    for index, item in enumerate(value):
        if len(out) >= MAX_TOPICS:
            w.add(where, f"topics: more than {MAX_TOPICS}; kept the first {MAX_TOPICS}", always=True)
            break
        if isinstance(item, str):
            item = item.strip()
            if item:
                out[item] = None
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            out[str(item)] = None
        elif item is not None:
            w.add(where + (index,), f"topics[{index + 1}]: expected text, got {kind_of(item)}; ignored")
    return tuple(out)


def _items(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> list[tuple[int, Any]]:
    value = meta.get(key)
    if value is None:
        return []
    where = at + (key,)
    if isinstance(value, dict) or isinstance(value, str):
        return [(0, value)]
    if not isinstance(value, list):
        w.add(where, f"{_name(where)}: expected a list, got {kind_of(value)}; ignored")
        return []
    return list(enumerate(value))


def _size(value: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> int | None:
    number = _number(value, key, w, at)
    if number is None:
        return None
    if number < 0 or number > _BIGGEST_INT or number != int(number):
        w.add(at + (key,), f"{_name(at + (key,))}: expected a whole number of pixels; ignored")
        return None
    return int(number)


def _images(meta: dict[Any, Any], key: str, w: _Warnings, at: tuple[Any, ...]) -> tuple[Image, ...]:
    out = []
    for index, item in _items(meta, key, w, at):
        where = at + (key, index)
        if isinstance(item, str):
            if item.strip() and w.take(1 + len(item), where):
                out.append(Image(url=item.strip()))
            continue
        if not isinstance(item, dict):
            if item is not None:
                w.add(where, f"{_name(where)}: expected an image, got {kind_of(item)}; ignored")
            continue
        url = _text(item, "url", w, where)
        if not url:
            w.add(where, f"{_name(where)}: image without a url; ignored")
            continue
        cached = item.get("isCached")
        image = Image(
            url=url,
            width=_size(item, "width", w, where),
            height=_size(item, "height", w, where),
            title=_text(item, "title", w, where),
            is_cached=cached if isinstance(cached, bool) else None,
        )
        if not w.take(1 + len(url) + len(image.title or ""), where):
            break
        out.append(image)
    return tuple(out)


def _related(meta: dict[Any, Any], w: _Warnings) -> tuple[Related, ...]:
    out = []
    for index, item in _items(meta, "related", w, ()):
        where = ("related", index)
        if not isinstance(item, dict):
            if item is not None:
                w.add(where, f"{_name(where)}: expected an article, got {kind_of(item)}; ignored")
            continue
        if w.full:
            break
        related = Related(
            title=_text(item, "title", w, where),
            url=_text(item, "webUrl", w, where) or _text(item, "originalUrl", w, where),
            excerpt=_text(item, "excerpt", w, where),
            published_at=_when(item, "publishedDateTime", w, where),
            provider=_provider(item, "provider", w, where),
            quality=_number(item, "quality", w, where),
            type=_text(item, "type", w, where),
            amp_url=_text(item, "ampWebUrl", w, where),
            cdn_amp_url=_text(item, "cdnAmpWebUrl", w, where),
            images=_images(item, "images", w, where),
        )
        texts = (related.title, related.url, related.excerpt, related.type, related.amp_url, related.cdn_amp_url)
        cost = 1 + sum(len(t) for t in texts if t)
        if related.provider is not None:
            cost += len(related.provider.name or "") + len(related.provider.domain or "")
        kept = w.take(cost, where)
        if kept or related.images:  # the images it has were counted already
            out.append(related)
        if not kept:
            break
    return tuple(out)


def _jsonable(value: Any, budget: list[int], depth: int = 0) -> Any:
    """Unknown fields as plain JSON values, with a cap on their size and depth.

    YAML aliases can make a small file describe a huge or deep tree; the
    budget stops the walk instead of expanding it.
    """
    budget[0] -= 1
    if budget[0] < 0 or budget[1] < 0:
        return None
    if isinstance(value, str):
        # Aliases can repeat one long text many times: each copy counts.
        budget[1] -= len(value)
        return value if budget[1] >= 0 else None
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if depth >= MAX_EXTRA_DEPTH and isinstance(value, (dict, list, tuple, set, frozenset)):
        budget[0] = -1
        return None
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if budget[0] < 0 or budget[1] < 0:
                break
            name = _jsonable(k, budget, depth + 1)
            out[name if isinstance(name, str) else str(name)] = _jsonable(v, budget, depth + 1)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v, budget, depth + 1) for v in value if budget[0] >= 0 and budget[1] >= 0]
    return str(value)


# -- where a warning points ---------------------------------------------------


class _Locator:
    """File lines of fields, found in the document's nodes.

    Only made for files with warnings, so the common path pays nothing.
    """

    def __init__(self, root: yaml.Node | None, fm: str, offset: int) -> None:
        self.offset = offset
        self.fm = fm
        self.root = root

    def __call__(self, where: tuple[Any, ...]) -> int | None:
        if not where:
            return self.offset + 1
        node = self.root
        if node is None:
            return None
        line = None
        for part in where:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key, value in node.value:
                    if getattr(key, "value", None) == part:
                        line, node = _line(self.fm, key.start_mark), value
                        break
                else:
                    break
            elif isinstance(node, yaml.MappingNode) and part == 0 and type(part) is int:
                continue  # one image or related article given alone, not in a list
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = node.value[part]
                line = _line(self.fm, node.start_mark)
            else:
                break
        return None if line is None else self.offset + line + 1
