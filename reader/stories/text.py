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
    million billion trillion thousand percent usd us$ deal worth
    """.split()
)


def fold(text: str) -> str:
    """Lower case without accents ("Émile" -> "emile")."""
    text = text.casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_VOWELS = frozenset("aeiouy")


def _short(word: str) -> bool:
    """Consonant, vowel, consonant at the end of a one-syllable stem ("rais",
    "fil", "hir"): the stem of "raised", "filed", "hired" takes an e back."""
    if len(word) < 3 or word[-1] in "wxy" or word[-1] in _VOWELS or word[-2] not in _VOWELS:
        return False
    syllables = sum(1 for i, c in enumerate(word) if c in _VOWELS and (i == 0 or word[i - 1] not in _VOWELS))
    return syllables == 1


def _undo_ending(word: str) -> str:
    """What is left once -ed or -ing is cut, put right: "rais" -> "raise",
    "plann" -> "plan", "launch" as it is."""
    if word.endswith(("at", "bl", "iz")):
        return word + "e"
    if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "lsz" and word[-1] not in _VOWELS:
        return word[:-1]
    if _short(word):
        return word + "e"
    return word


def stem(word: str) -> str:
    """A light suffix cut: plurals, -ing, -ed (not a full stemmer: it must
    never join two different words, only two forms of one: "raises",
    "raised", "raising" and "raise" all give "raise")."""
    n = len(word)
    if n <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and n > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ss", "us", "is", "as", "os")):
        return word
    if word.endswith(("ches", "shes", "xes", "zes")) and n > 4:
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    if word.endswith("ing") and n > 5 and any(c in _VOWELS for c in word[:-3]):
        return _undo_ending(word[:-3])
    if word.endswith("ied") and n > 4:
        return word[:-3] + "y"
    if word.endswith("eed"):
        return word[:-1] if n > 4 else word  # agreed -> agree
    if word.endswith("ed") and n > 4 and any(c in _VOWELS for c in word[:-2]):
        return _undo_ending(word[:-2])
    return word


# Figures written the ways outlets write them: "6,000" and "6000", "$1.2bn"
# and "$1.2 billion", "78m", "80K" (the words they give then agree).
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_SCALE = re.compile(r"(\d+(?:\.\d+)?)\s?(bn|b|billion|mln|mn|m|million|k|thousand|tn|trillion)\b")
_SCALE_WORD = {"bn": "billion", "b": "billion", "billion": "billion", "mln": "million", "mn": "million", "m": "million",
               "million": "million", "k": "thousand", "thousand": "thousand", "tn": "trillion", "trillion": "trillion"}


def _figures(text: str) -> str:
    if not any(c.isdigit() for c in text):
        return text
    text = _THOUSANDS.sub("", text)
    return _SCALE.sub(_scaled, text)


def _scaled(match: re.Match[str]) -> str:
    number, scale = match.group(1), _SCALE_WORD[match.group(2)]
    if scale == "thousand" and number.isdigit():
        return f"{int(number) * 1000}"  # "80K" is "80000"
    return f"{number} {scale}"


_KEPT: dict[str, str] = {}  # a raw word -> the word kept for it ("" for none): words repeat, stemming them once is enough
_KEPT_MAX = 200_000


def raw_words(text: str | None) -> list[str]:
    """Every word of ``text`` as written, lower case, accents dropped, with
    figures written one way ("6,000" as "6000", "$78m" as "78 million")."""
    return _WORD.findall(_figures(fold(text).replace("’", "'"))) if text else []


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
