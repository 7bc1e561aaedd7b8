"""Words of a headline as grouping compares them.

Lower case, accents dropped, common words left out, and the plural and
verb endings a headline changes between outlets ("confirms", "confirmed",
"confirm") cut off, so two wordings of one piece of news share their words.
Numbers are kept as they are: "53%" and "$13.8 million" are the words that
tell one report from another.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[^\W_]+(?:[.,][0-9]+)*", re.UNICODE)

# Words that say nothing about which news it is: function words, and the
# words of headline style ("says", "report", "new").
STOP = frozenset(
    """
    a about above after again against ago all also am an and any are aren as at be been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on
    once only or other our ours out over own same she should so some such than that the their theirs them then
    there these they this those through to too under until up upon very via vs was we were what when where which
    while who whom why will with would you your yours
    new says said say saying report reports reported reporting according amid per like get gets got make makes
    made one two first last year years week weeks day days today yesterday tomorrow now latest update updated
    news live video watch photos here's what's how's it's here heres whats
    """.split()
)


def fold(text: str) -> str:
    """Lower case without accents ("Émile" -> "emile")."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def stem(word: str) -> str:
    """A light suffix cut: plurals, -ing, -ed (not a full stemmer: it must
    never join two different words, only two forms of one)."""
    n = len(word)
    if n <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and n > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "as", "os")):
        return word
    if word.endswith("es") and n > 4 and word[-3] in "sxz":
        return word[:-2]
    if word.endswith("s") and n > 3:
        return word[:-1]
    if word.endswith("ing") and n > 6:
        return word[:-3]
    if word.endswith("ied") and n > 5:
        return word[:-3] + "y"
    if word.endswith("ed") and n > 5 and word[-3] not in "e":
        return word[:-2]
    return word


_KEPT: dict[str, str] = {}  # a raw word -> the word kept for it ("" for none): words repeat, stemming them once is enough
_KEPT_MAX = 200_000


def raw_words(text: str | None) -> list[str]:
    """Every word of ``text`` as written, lower case, accents dropped."""
    return _WORD.findall(fold(text).replace("’", "'")) if text else []


def kept(raw: str) -> str:
    """The telling word a raw word (from raw_words) counts as; "" for none."""
    word = _KEPT.get(raw)
    if word is None:
        if raw in STOP or (len(raw) < 2 and not raw.isdigit()):
            word = ""
        else:
            word = stem(raw)
            if word in STOP:
                word = ""
        _KEPT[raw] = word
    return word


def words(text: str | None, limit: int | None = None) -> list[str]:
    """The telling words of ``text`` in order, each once (the first ``limit``)."""
    if not text:
        return []
    seen: dict[str, None] = {}
    if len(_KEPT) > _KEPT_MAX:
        _KEPT.clear()
    known = _KEPT.get
    for raw in raw_words(text):
        word = known(raw)
        if word is None:
            word = kept(raw)
        if word:
            seen[word] = None
            if limit is not None and len(seen) >= limit:
                break
    return list(seen)


def title_key(title: str | None) -> str:
    """A headline with case, accents, punctuation and spacing ignored: equal
    keys are the same headline (as the usual dedupe compares them)."""
    if not title:
        return ""
    return " ".join(_WORD.findall(fold(title)))
