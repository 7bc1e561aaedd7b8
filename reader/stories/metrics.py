"""How well a grouping matches known stories (for the tests and bench/).

B-cubed scores each article by the overlap of its found group and its true
group, then averages over articles, so one big story does not outweigh
many small ones. Pairwise scores count the pairs put together.
"""

from __future__ import annotations

from collections import Counter
from typing import Hashable, Mapping, NamedTuple


class Scores(NamedTuple):
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def bcubed(found: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]) -> Scores:
    """``found`` and ``truth`` map each article to its group's label."""
    items = list(truth)
    if not items:
        return Scores(1.0, 1.0)
    both = Counter((found[i], truth[i]) for i in items)
    f_size = Counter(found[i] for i in items)
    t_size = Counter(truth[i] for i in items)
    precision = recall = 0.0
    for i in items:
        common = both[(found[i], truth[i])]
        precision += common / f_size[found[i]]
        recall += common / t_size[truth[i]]
    return Scores(precision / len(items), recall / len(items))


def pairwise(found: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]) -> Scores:
    """Of the pairs put together, the share truly together (precision); of
    the pairs truly together, the share put together (recall)."""
    items = list(truth)
    both = Counter((found[i], truth[i]) for i in items)
    f_pairs = sum(n * (n - 1) // 2 for n in Counter(found[i] for i in items).values())
    t_pairs = sum(n * (n - 1) // 2 for n in Counter(truth[i] for i in items).values())
    common = sum(n * (n - 1) // 2 for n in both.values())
    return Scores(common / f_pairs if f_pairs else 1.0, common / t_pairs if t_pairs else 1.0)
