"""Grouping articles into stories: the same news from several outlets.

Three steps, none of which compares every pair:

1. **Blocking.** Each article's rarest headline words (by how many articles
   of the library hold them) are looked up in an inverted index, only among
   articles published within the window of it. Links give pairs too: the
   same page (canonical links equal) and a related item pointing at another
   article of the library.
2. **Scoring.** A candidate pair scores the cosine of its words weighted by
   rarity (headline words count double an excerpt's, numbers more), raised
   when one article names the other among its related items.
3. **Joining, strongest pairs first,** under average linkage: two groups
   join only when, in the joined group, every member is close on average
   to all the others. One close neighbour is not enough, so A like B and
   B like C does not pull in an A unlike C. A story also spans at most the
   window in time.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, NamedTuple, Sequence

from reader.stories.features import Features

DAY = 86_400
WINDOW = 3 * DAY

KEY_WORDS = 4  # the rarest headline words each article is looked up by
RARE_AT_LEAST = 20  # a word in this many articles may still be a key word, however small the library
SCAN = 30  # at most this many neighbours in time per word and direction
RELATED_WORDS = 0.1  # the least score from words that makes a related link decide alone
FLOOR = 0.12  # pairs scoring less are not kept (taken as 0 when groups are weighed)


@dataclass(frozen=True, slots=True)
class Tuning:
    pair: float = 0.5  # the least score of a pair that starts or grows a story
    member: float = 0.25  # each member's least mean score to the others of its story
    related: float = 0.3  # added when one names the other among its related items
    excerpt: float = 0.5  # an excerpt word's weight beside a headline word's
    number: float = 1.5  # a number's weight beside a word's
    max_size: int = 64  # no story grows past this
    power: float = 1.5  # rarity's weight is idf to this power (2 lets rare words outweigh the rest more)


class Member(NamedTuple):
    when: int | None  # seconds since the epoch
    features: Features


@dataclass(slots=True)
class Weights:
    """Rarity of words: how many articles of the library hold each."""

    counts: dict[str, int]
    total: int
    headlines: dict[str, int] = field(default_factory=dict)  # how many headlines hold each (blocking's key words)
    _cache: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, members: Iterable[Features]) -> "Weights":
        counts: Counter[str] = Counter()
        headlines: Counter[str] = Counter()
        total = 0
        for f in members:
            total += 1
            counts.update(set(f"{f.title} {f.excerpt}".split()))  # counted in C
            headlines.update(set(f.title.split()))
        return cls(dict(counts), total, dict(headlines))

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def in_headlines(self, word: str) -> int:
        return self.headlines.get(word, 0)

    def idf(self, word: str) -> float:
        value = self._cache.get(word)
        if value is None:
            value = math.log((self.total + 1) / (self.counts.get(word, 0) + 1)) + 1.0
            self._cache[word] = value
        return value


def terms_of(f: Features) -> list[str]:
    return f.title.split() + f.excerpt.split() if f.excerpt else f.title.split()


def vector(f: Features, weights: Weights, tuning: Tuning, table: dict[str, float] | None = None) -> tuple[dict[str, float], float]:
    """The article's words weighted by rarity, and the vector's length
    (``table``: each word's weight, worked out once for many articles)."""
    out: dict[str, float] = {}
    power = tuning.power
    if table is None:
        table = {}
    get = table.get
    for word in f.excerpt.split():
        w = get(word)
        out[word] = (w if w is not None else weights.idf(word) ** power) * tuning.excerpt
    for word in f.title.split():
        w = get(word)
        out[word] = w if w is not None else weights.idf(word) ** power
    for word in out:
        if word[0].isdigit():
            out[word] *= tuning.number
    norm = math.sqrt(sum(v * v for v in out.values())) or 1.0
    return out, norm


def group(
    members: Sequence[Member],
    weights: Weights | None = None,
    *,
    window: int = WINDOW,
    tuning: Tuning = Tuning(),
) -> list[list[int]]:
    """The stories among ``members``: lists of their indexes, each list in
    the order given, every index in exactly one list."""
    n = len(members)
    if weights is None:
        weights = Weights.of(m.features for m in members)
    scorer = _Scorer(members, weights, tuning)
    pairs = _candidates(members, weights, window)
    scored = []
    titles = [frozenset(m.features.title.split()) for m in members]
    for i, j in pairs:
        if len(titles[i] & titles[j]) < 2 and not scorer.linked(i, j):
            continue  # one headline word in common: not the same news, however rare the word
        s = scorer.score(i, j)
        if s >= FLOOR:
            scored.append((s, i, j))
    return _join(members, scored, window, tuning, n)


class _Scorer:
    def __init__(self, members: Sequence[Member], weights: Weights, tuning: Tuning) -> None:
        self.members = members
        self.weights = weights
        self.tuning = tuning
        self._vectors: dict[int, tuple[dict[str, float], float]] = {}
        self._links: dict[int, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self._table: dict[str, float] | None = None

    def _vector(self, i: int) -> tuple[dict[str, float], float]:
        v = self._vectors.get(i)
        if v is None:
            if self._table is None:
                # every word's weight at once: a plain lookup per word after
                total, power = self.weights.total + 1, self.tuning.power
                self._table = {w: (math.log(total / (c + 1)) + 1.0) ** power for w, c in self.weights.counts.items()}
            v = self._vectors[i] = vector(self.members[i].features, self.weights, self.tuning, self._table)
        return v

    def _link_sets(self, i: int) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        s = self._links.get(i)
        if s is None:
            f = self.members[i].features
            s = self._links[i] = (
                frozenset(f.links.split("\n")) if f.links else frozenset(),
                frozenset(f.related_links.split("\n")) if f.related_links else frozenset(),
                frozenset(f.related_titles.split("\n")) if f.related_titles else frozenset(),
            )
        return s

    def linked(self, i: int, j: int) -> bool:
        """The same page, or one names the other among its related items."""
        own_i, rel_i, rtitle_i = self._link_sets(i)
        own_j, rel_j, rtitle_j = self._link_sets(j)
        fi, fj = self.members[i].features, self.members[j].features
        return bool(
            (own_i & own_j) or (rel_i & own_j) or (rel_j & own_i)
            or (fj.title_key and fj.title_key in rtitle_i) or (fi.title_key and fi.title_key in rtitle_j)
        )

    def score(self, i: int, j: int) -> float:
        own_i, rel_i, rtitle_i = self._link_sets(i)
        own_j, rel_j, rtitle_j = self._link_sets(j)
        if own_i & own_j:
            return 1.0  # the same page
        a, na = self._vector(i)
        b, nb = self._vector(j)
        small, big = (a, b) if len(a) <= len(b) else (b, a)
        dot = sum(w * big[t] for t, w in small.items() if t in big)
        s = dot / (na * nb)
        fi, fj = self.members[i].features, self.members[j].features
        ni, nj = _figures(fi.title), _figures(fj.title)
        if ni and nj and not ni & nj:
            s *= 0.5  # both headlines give figures, and none agree: another quarter, another count
        if self._other_actors(a, b, fi.title, fj.title):
            s *= 0.4  # "Nvidia shares jump 8%" and "AMD shares jump 8%": the same news about someone else
        if (rel_i & own_j) or (rel_j & own_i) or (fj.title_key and fj.title_key in rtitle_i) or (fi.title_key and fi.title_key in rtitle_j):
            # One names the other among its related items: with some words
            # in common as well, enough on its own (a related item may also
            # be merely related news: two market reports, say).
            s = max(s + self.tuning.related, self.tuning.pair) if s >= RELATED_WORDS else s + self.tuning.related
        return min(s, 1.0)


    def _other_actors(self, a: dict[str, float], b: dict[str, float], title_a: str, title_b: str) -> bool:
        """Whether each headline's subject (its first telling word) is missing
        from the other article and is at least as rare as anything they share."""
        subject_a, subject_b = title_a.split(" ", 1)[0], title_b.split(" ", 1)[0]
        if not subject_a or not subject_b or subject_a in b or subject_b in a:
            return False
        shared = [self.weights.idf(t) for t in a if t in b and not t[0].isdigit()]  # words, not figures
        if not shared:
            return False
        rarest = max(shared)
        return self.weights.idf(subject_a) >= rarest and self.weights.idf(subject_b) >= rarest


def _candidates(members: Sequence[Member], weights: Weights, window: int) -> set[tuple[int, int]]:
    """Pairs worth scoring: sharing a rare headline word within the window
    of each other, or a link."""
    order = sorted((m.when, i) for i, m in enumerate(members) if m.when is not None)
    times = [t for t, _ in order]
    titles = [set(members[i].features.title.split()) for _, i in order]
    postings: dict[str, list[int]] = {}  # word -> positions in ``order``
    for pos, words in enumerate(titles):
        for word in words:
            found = postings.get(word)
            if found is None:
                postings[word] = [pos]
            else:
                found.append(pos)
    # A word in more articles than this is no key: it names no one event
    # (at 100k articles, one in 2,000).
    common = max(RARE_AT_LEAST, len(order) // 2000)
    size = {w: len(p) for w, p in postings.items() if 1 < len(p) <= common}
    pairs: set[tuple[int, int]] = set()
    for pos, (when, i) in enumerate(order):
        keys = sorted([(size[w], w) for w in titles[pos] if w in size])[:KEY_WORDS]
        if not keys:
            continue
        keys = [w for _, w in keys]
        for word in keys:
            plist = postings[word]
            at = bisect_left(plist, pos)
            for step in range(1, SCAN + 1):  # earlier
                k = at - step
                if k < 0 or when - times[plist[k]] > window:
                    break
                j = order[plist[k]][1]
                pairs.add((j, i) if j < i else (i, j))
            for step in range(1, SCAN + 1):  # later
                k = at + step
                if k >= len(plist) or times[plist[k]] - when > window:
                    break
                j = order[plist[k]][1]
                pairs.add((j, i) if j < i else (i, j))
    # Links: the same page, or a related item that is another article here.
    by_link: dict[str, list[int]] = {}
    for i, m in enumerate(members):
        for link in m.features.links.split("\n") if m.features.links else ():
            by_link.setdefault(link, []).append(i)
    for same in by_link.values():
        for a in range(len(same)):
            for b in range(a + 1, min(len(same), a + 1 + SCAN)):
                i, j = same[a], same[b]
                pairs.add((i, j) if i < j else (j, i))
    for i, m in enumerate(members):
        for link in m.features.related_links.split("\n") if m.features.related_links else ():
            for j in by_link.get(link, ())[:SCAN]:
                if j != i and _near(members[i].when, members[j].when, window):
                    pairs.add((i, j) if i < j else (j, i))
    return pairs


def _figures(title: str) -> set[str]:
    return {w for w in title.split() if w[0].isdigit()}


def _near(a: int | None, b: int | None, window: int) -> bool:
    return a is not None and b is not None and abs(a - b) <= window


def _join(members: Sequence[Member], scored: list[tuple[float, int, int]], window: int, tuning: Tuning, n: int) -> list[list[int]]:
    """Average-linkage joining, strongest pairs first."""
    sim: dict[tuple[int, int], float] = {}
    for s, i, j in scored:
        sim[(i, j)] = s
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    story = list(range(n))  # index -> its group's id
    groups: dict[int, list[int]] = {}
    span: dict[int, tuple[int | None, int | None]] = {}

    def pair(i: int, j: int) -> float:
        return sim.get((i, j) if i < j else (j, i), 0.0)

    for s, i, j in scored:
        if s < tuning.pair:
            break
        gi, gj = story[i], story[j]
        if gi == gj:
            continue
        a = groups.get(gi, [gi])
        b = groups.get(gj, [gj])
        if len(a) + len(b) > tuning.max_size:
            continue
        same_page = s >= 1.0
        lo_a, hi_a = span.get(gi, (members[gi].when, members[gi].when))
        lo_b, hi_b = span.get(gj, (members[gj].when, members[gj].when))
        lo, hi = _bounds(lo_a, lo_b, min), _bounds(hi_a, hi_b, max)
        if not same_page and lo is not None and hi is not None and hi - lo > window:
            continue
        joined = a + b
        if len(joined) > 2 and not same_page:
            # every member close to the story as a whole (mean over the others)
            ok = True
            others = len(joined) - 1
            for x in joined:
                scores = [pair(x, y) for y in joined if y != x]
                # close on average, and akin to more than half of the others
                if sum(scores) / others < tuning.member or 2 * sum(1 for v in scores if v > 0) <= others:
                    ok = False
                    break
            if not ok:
                continue
        keep, drop = (gi, gj) if len(a) >= len(b) else (gj, gi)
        for x in joined:
            story[x] = keep
        groups[keep] = joined
        groups.pop(drop, None)
        span[keep] = (lo, hi)
        span.pop(drop, None)
    out: dict[int, list[int]] = {}
    for index in range(n):
        out.setdefault(story[index], []).append(index)
    return list(out.values())


def _bounds(a: int | None, b: int | None, pick: Callable[[int, int], int]) -> int | None:
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)
