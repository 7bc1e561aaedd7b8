"""Front matter text -> plain Python values, on PyYAML's C safe loader.

The C loader (libyaml) scans, parses and composes the document into nodes;
this module turns the nodes into values. It builds only what YAML's safe
schema allows (None, bool, int, float, str, datetime/date, list, dict),
the same values ``yaml.load(text, Loader=CSafeLoader)`` gives for front
matter, at about half the cost, since PyYAML's constructor is pure Python
and most of the parse time. Tags that would build Python objects are never
acted on: their node's plain value is kept and the tag is reported.

Aliases give back the value already built for their anchor (shared, as
PyYAML does), so a "billion laughs" document costs memory in proportion to
its text, not to its expansion.
"""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from datetime import date, datetime, timedelta, timezone
from typing import Any

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAG = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _TAG + "str", _TAG + "map", _TAG + "seq"
# Integers are kept as text past this length: Python's int() is quadratic in
# the digits for sexagesimal ("1:2:3...") and str() refuses huge values. The
# safe schema's patterns are not even tried on longer plain scalars: the int
# pattern takes memory in proportion to the colons of "1:59:59...".
MAX_INT_CHARS = 1_000
# Each node costs a few hundred bytes of Python objects while the document is
# composed (a 2 MB flow list of one-letter items takes about 300 MB), so the
# count of nodes, not the size of the text, is what is bounded. Aliases are
# not nodes of their own. Real front matter has about a hundred.
MAX_NODES = 250_000
# Plain texts whose resolved tag is remembered (per process): short ones, up
# to a bounded number.
KNOWN_CHARS = 64
KNOWN_TEXTS = 10_000
_KNOWN_TAGS: dict[str, str] = {}


class LOADER(_BASE):  # type: ignore[valid-type,misc]
    """PyYAML's C safe loader, with its per-node resolver hooks made lean.

    The loader calls three Python methods for every node. Front matter
    never uses path resolvers, so the two path hooks do nothing, and
    ``resolve`` is the safe schema's own lookup (the same implicit
    resolvers, the same tags) without the path-resolver branch.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any, _scalar: Any = yaml.ScalarNode,
                _get: Any = _BASE.yaml_implicit_resolvers.get, _known: dict[str, str] = _KNOWN_TAGS) -> str:
        if kind is _scalar:
            if not implicit[0]:
                return _STR
            # A plain scalar's tag depends on its text alone, and the same
            # short texts (the field names above all) come back in every
            # file: they are looked up once per process, not matched again.
            tag = _known.get(value)
            if tag is not None:
                return tag
            tag = _STR
            if len(value) <= MAX_INT_CHARS:
                for name, regexp in _get(value[0] if value else "", ()):
                    if regexp.match(value):
                        tag = name
                        break
            if len(value) <= KNOWN_CHARS and len(_known) < KNOWN_TEXTS:
                _known[value] = tag
            return tag
        return _SEQ if kind is yaml.SequenceNode else _MAP



class COUNTING_LOADER(LOADER):
    """LOADER that stops a document with too many nodes.

    A node takes some text: at worst, in flow collections such as "[:,:]",
    three nodes come from two characters. So only text longer than a
    quarter of MAX_NODES can hold too many, and shorter text (all real
    front matter) is composed by LOADER without paying for the count.
    """

    nodes_left = MAX_NODES

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        self.nodes_left -= 1
        if self.nodes_left < 0:
            raise yaml.YAMLError(f"more than {MAX_NODES} values; not read")
        return None


_BOOLS = {
    "yes": True, "Yes": True, "YES": True, "true": True, "True": True, "TRUE": True, "on": True, "On": True, "ON": True,
    "no": False, "No": False, "NO": False, "false": False, "False": False, "FALSE": False, "off": False, "Off": False, "OFF": False,
}
_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"
    r"(?:(?:[Tt]|[ \t]+)(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]*))?"
    r"(?:[ \t]*(?P<tz>Z|(?P<tz_sign>[-+])(?P<tz_hour>[0-9]{1,2})(?::(?P<tz_minute>[0-9]{2}))?))?)?$"
)


# Merge keys ("<<") are the one place where the builder copies: a short
# file can merge one big mapping into many others. Past this many copied
# fields the document is refused.
MAX_MERGED = 100_000


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The document's value, and (line, tag) for every tag that was not applied.

    Raises yaml.YAMLError for text that is not YAML.
    """
    _, value, ignored_tags = load_nodes(text)
    return value, ignored_tags


def load_nodes(text: str) -> tuple[yaml.Node | None, Any, list[tuple[int, str]]]:
    """As ``load``, with the document's root node too (it knows each value's line)."""
    node = yaml.compose(text, Loader=COUNTING_LOADER if len(text) > MAX_NODES // 4 else LOADER)
    if node is None:
        return None, None, []
    builder = _Builder(text)
    return node, builder.value(node), builder.ignored_tags


class _Builder:
    """Nodes to values without recursion.

    libyaml refuses text nested over 1000 levels, but anchors can chain
    values deeper than that, and a recursive walk would fail (or not) by how
    deep the caller's stack already is. Containers are made empty, put in
    their parent, and filled from an explicit stack.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.done: dict[int, Any] = {}
        self.ignored_tags: list[tuple[int, str]] = []
        self.merged = 0
        # [node, container, next index, merge sources]; the top one is filled first
        self.stack: list[list[Any]] = []

    def value(self, root: yaml.Node) -> Any:
        result = self.child(root)
        stack = self.stack
        child = self.child
        scalar, text, merge = yaml.ScalarNode, _STR, _TAG + "merge"
        while stack:
            frame = stack[-1]
            node, into, at = frame[0], frame[1], frame[2]
            items = node.value
            count = len(items)
            # Fill this container until it is full or one of its items is a
            # new container (which is on top of the stack now, filled first).
            # Plain text, the common item, is taken without a call.
            if into.__class__ is list:
                while at < count:
                    item = items[at]
                    at += 1
                    if item.__class__ is scalar and item.tag == text:
                        into.append(item.value)
                        continue
                    depth = len(stack)
                    into.append(child(item))
                    if len(stack) != depth:
                        break
            else:
                while at < count:
                    key_node, value_node = items[at]
                    at += 1
                    depth = len(stack)
                    if key_node.tag == merge:
                        frame[3].append(child(value_node))
                    else:
                        name = key_node.value if key_node.__class__ is scalar and key_node.tag == text else self.key(key_node)
                        if value_node.__class__ is scalar and value_node.tag == text:
                            into[name] = value_node.value
                            continue
                        into[name] = child(value_node)
                    if len(stack) != depth:
                        break
            frame[2] = at
            if at == count and stack[-1] is frame:
                stack.pop()
                if frame[3]:
                    self.merge(node, into, frame[3])
        return result

    def child(self, node: yaml.Node, _scalar: type = yaml.ScalarNode) -> Any:
        """The node's value; a new container is returned empty and filled later."""
        if node.__class__ is _scalar:
            # Scalars are values, not containers: built each time they are met
            # (an alias to a scalar costs no more than the scalar itself).
            if node.tag == _STR:
                return node.value
            return self.scalar(node)
        key = id(node)
        if key in self.done:
            return self.done[key]
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, _SEQ, _TAG + "set", _TAG + "omap", _TAG + "pairs")
            result: Any = []
        else:
            self.check_tag(node, _MAP, _TAG + "set", _TAG + "omap")
            result = {}
        self.done[key] = result
        self.stack.append([node, result, 0, []])
        return result

    def key(self, node: yaml.Node) -> Any:
        """A mapping key: a scalar's value, or the text of a list or mapping key."""
        if isinstance(node, yaml.ScalarNode):
            name = self.child(node)
            try:
                hash(name)
            except TypeError:  # pragma: no cover - scalars are hashable
                name = str(name)
            return name
        # A list or mapping used as a key cannot be a dict key; its text is
        # kept instead (the text, not the value, so an alias cannot blow it up).
        self.child(node)  # tags are still checked, once
        start, end = node.start_mark.index, node.end_mark.index
        return " ".join(self.text[start : min(end, start + 200)].split())

    def merge(self, node: yaml.Node, into: dict[Any, Any], sources: list[Any]) -> None:
        for source in sources:
            for part in source if isinstance(source, list) else [source]:
                if not isinstance(part, dict) or part is into:
                    continue
                self.merged += len(part)
                if self.merged > MAX_MERGED:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"merge keys (<<) copy more than {MAX_MERGED} fields", node.start_mark
                    )
                for name, item in part.items():
                    into.setdefault(name, item)

    def check_tag(self, node: yaml.Node, *allowed: str) -> None:
        if node.tag not in allowed:
            self.ignored_tags.append((node.start_mark.line, node.tag))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        # The C loader has already resolved each plain scalar's tag from its
        # text (YAML 1.1, as PyYAML's safe schema); quoted ones are str.
        text = node.value
        tag = node.tag
        if tag == _STR:
            return text
        convert = _SCALARS.get(tag)
        if convert is None:
            self.ignored_tags.append((node.start_mark.line, tag))
            return text
        try:
            return convert(text)
        except (ValueError, OverflowError, IndexError, KeyError, binascii.Error):
            return text


def _int(text: str) -> int:
    if len(text) > MAX_INT_CHARS:
        raise ValueError("too many digits; kept as text")
    value = text.replace("_", "")
    sign = 1
    if value[0] == "-":
        sign, value = -1, value[1:]
    elif value[0] == "+":
        value = value[1:]
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value[0] == "0":
        return sign * int(value, 8)
    if ":" in value:
        total = 0
        for part in value.split(":"):
            total = total * 60 + int(part)
        return sign * total
    return sign * int(value)


def _float(text: str) -> float:
    value = text.replace("_", "").lower()
    sign = 1.0
    if value[0] == "-":
        sign, value = -1.0, value[1:]
    elif value[0] == "+":
        value = value[1:]
    if value == ".inf":
        return sign * float("inf")
    if value == ".nan":
        return float("nan")
    if ":" in value:
        total = 0.0
        for part in value.split(":"):
            total = total * 60 + float(part)
        return sign * total
    return sign * float(value)


def _timestamp(text: str) -> date | datetime:
    match = _TIMESTAMP.match(text)
    if match is None:
        raise ValueError(text)
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    if match["hour"] is None:
        return date(year, month, day)
    fraction = 0
    if match["fraction"]:
        digits = match["fraction"][:6]
        fraction = int(digits + "0" * (6 - len(digits)))
    tz = None
    if match["tz"]:
        if match["tz"] == "Z":
            tz = timezone.utc
        else:
            offset = timedelta(hours=int(match["tz_hour"]), minutes=int(match["tz_minute"] or 0))
            tz = timezone(-offset if match["tz_sign"] == "-" else offset)
    return datetime(year, month, day, int(match["hour"]), int(match["minute"]), int(match["second"]), fraction, tzinfo=tz)


def _binary(text: str) -> bytes:
    return b64decode(text.encode("ascii", "ignore"))


_SCALARS = {
    _TAG + "null": lambda text: None,
    _TAG + "bool": lambda text: _BOOLS[text],
    _TAG + "int": _int,
    _TAG + "float": _float,
    _TAG + "timestamp": _timestamp,
    _TAG + "binary": _binary,
}
