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
                _get: Any = _BASE.yaml_implicit_resolvers.get) -> str:
        if kind is _scalar:
            if implicit[0]:
                for tag, regexp in _get(value[0] if value else "", ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

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


def load(text: str) -> tuple[Any, list[tuple[int, str]]]:
    """The document's value, and (line, tag) for every tag that was not applied.

    Raises yaml.YAMLError for text that is not YAML.
    """
    node = yaml.compose(text, Loader=LOADER)
    if node is None:
        return None, []
    builder = _Builder()
    return builder.value(node), builder.ignored_tags


class _Builder:
    def __init__(self) -> None:
        self.done: dict[int, Any] = {}
        self.ignored_tags: list[tuple[int, str]] = []

    def value(self, node: yaml.Node, _scalar: type = yaml.ScalarNode) -> Any:
        if node.__class__ is _scalar:
            # Scalars are values, not containers: built each time they are met
            # (an alias to a scalar costs no more than the scalar itself).
            if node.tag == _STR:
                return node.value
            return self.scalar(node)
        key = id(node)
        if key in self.done:
            return self.done[key]
        if isinstance(node, yaml.ScalarNode):
            result = self.scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            result = []
            self.done[key] = result
            self.check_tag(node, _SEQ, _TAG + "set", _TAG + "omap", _TAG + "pairs")
            result.extend(self.value(item) for item in node.value)
            return result
        else:
            result = {}
            self.done[key] = result
            self.check_tag(node, _MAP, _TAG + "set", _TAG + "omap")
            merged: list[dict[Any, Any]] = []
            for key_node, value_node in node.value:
                if key_node.tag == _TAG + "merge":
                    source = self.value(value_node)
                    merged.extend(s for s in (source if isinstance(source, list) else [source]) if isinstance(s, dict))
                    continue
                name = self.value(key_node)
                try:
                    hash(name)
                except TypeError:
                    name = str(name)
                result[name] = self.value(value_node)
            for source in merged:
                for name, item in source.items():
                    result.setdefault(name, item)
            return result
        self.done[key] = result
        return result

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
