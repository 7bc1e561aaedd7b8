"""A web page's bytes as text, decoded as a browser would decode them.

The charset of the Content-Type header wins, then a byte order mark, then
an XML declaration or a <meta charset> / <meta http-equiv="Content-Type">
in the first 8 KB, then UTF-8. Labels are read as the WHATWG Encoding
Standard reads them (a page labelled iso-8859-1 is windows-1252, one
labelled shift_jis is Microsoft's cp932), and only encodings a web page
may be in are used: a label naming another Python codec is ignored.
"""

from __future__ import annotations

import codecs
import re

META_BYTES = 8192  # how far into the page a <meta charset> is looked for


def decode_html(body: bytes, content_type: str | None) -> str:
    """``body`` as text: by the Content-Type's charset, else a byte order mark,
    else an XML declaration or <meta> near the top, else UTF-8; undecodable
    bytes become U+FFFD, and so does NUL (as an HTML parser reads it)."""
    codec = _codec(_header_charset(content_type))
    start = 0
    if codec is None:
        codec, start = _bom(body)
    if codec is None:
        found = _meta_charset(body[:META_BYTES])
        # A page that can be read as ASCII to find its <meta> is not UTF-16.
        codec = "utf-8" if found and found.startswith("utf-16") else found
    text = body[start:].decode(codec or "utf-8", errors="replace")
    return text.replace("\x00", "\ufffd")


# Labels browsers read as another encoding than Python would (the WHATWG
# Encoding Standard): pages labelled latin-1 are written in windows-1252, and so on.
_LABELS = {
    **dict.fromkeys(
        ("ascii", "us-ascii", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1",
         "cp819", "ibm819", "iso-ir-100", "csisolatin1", "x-cp1252", "iso_8859-1:1987"), "cp1252"),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "iso_8859-9", "latin5", "l5", "iso-ir-148"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "iso8859-11", "dos-874", "windows-874"), "cp874"),
    **dict.fromkeys(("gb2312", "gbk", "x-gbk", "chinese", "csgb2312", "iso-ir-58", "gb_2312-80"), "gb18030"),
    **dict.fromkeys(
        ("shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "ms932", "windows-31j", "csshiftjis"), "cp932"),
    **dict.fromkeys(("euc-kr", "ks_c_5601-1987", "korean", "cseuckr", "windows-949", "ksc5601"), "cp949"),
    **dict.fromkeys(("big5", "big5-hkscs", "cn-big5", "x-x-big5", "csbig5"), "big5hkscs"),
    **dict.fromkeys(("unicode-1-1-utf-8", "utf8", "unicode11utf8", "x-unicode20utf8"), "utf-8"),
    **dict.fromkeys(("macintosh", "mac", "x-mac-roman", "csmacintosh"), "mac-roman"),
    **dict.fromkeys(("x-mac-cyrillic", "x-mac-ukrainian"), "mac-cyrillic"),
}

# The encodings a web page may be in. Python knows more codecs, some of them
# hostile here (unicode_escape turns "\x1b" in a page into a real escape;
# utf-7 hides markup from filters): a label naming one of those is ignored.
_WEB_CODECS = frozenset(
    codecs.lookup(name).name
    for name in (
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp866", "koi8-r", "koi8-u", "mac-roman", "mac-cyrillic",
        "cp874", "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258",
        "iso8859-2", "iso8859-3", "iso8859-4", "iso8859-5", "iso8859-6", "iso8859-7", "iso8859-8",
        "iso8859-10", "iso8859-13", "iso8859-14", "iso8859-15", "iso8859-16",
        "gb18030", "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949",
    )
)

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9_.:+-]+)""", re.IGNORECASE)


def _codec(label: str | None) -> str | None:
    """The Python codec a page's charset label means, or None when it names none we read."""
    if not label:
        return None
    name = label.strip().lower()
    name = _LABELS.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return codec if codec in _WEB_CODECS else None


def _header_charset(content_type: str | None) -> str | None:
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def _bom(body: bytes) -> tuple[str | None, int]:
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8", 3
    if body.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", 2
    if body.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", 2
    return None, 0


def _meta_charset(head: bytes) -> str | None:
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        if found:
            codec = _codec(found.group(1).decode("ascii"))
            if codec is not None:
                return codec
    return None
