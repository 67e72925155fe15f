"""Cross-validation folds of a corpus that keep near-duplicate articles together.

Some PTC articles are reprints or near copies of others; splitting such a pair across
folds would let a fold network see its held-out article at training time. Articles are
grouped by shared 8-word shingles (union-find), and whole groups are dealt to folds.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping

SHINGLE_WORDS = 8
NEAR_DUPLICATE_SHARE = 0.3

_WORD = re.compile(r"\w+")


def _id_key(article_id: str) -> tuple[int, str]:
    """Numeric ids in numeric order (as the corpus's validation split sorts them)."""
    return (len(article_id), article_id)


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    """The set of ``size``-word shingles of ``text`` (lowercased ``\\w+`` tokens).

    Example:
        >>> sorted(shingles("A b, c. D", size=3))
        [('a', 'b', 'c'), ('b', 'c', 'd')]
    """
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + size]) for i in range(len(words) - size + 1))


def near_duplicate_groups(
    articles: Mapping[str, str], share: float = NEAR_DUPLICATE_SHARE
) -> list[list[str]]:
    """Groups of article ids joined by near duplication, each sorted, every id in one group.

    A is a near duplicate of B when more than ``share`` of A's shingles occur in B (either
    direction joins them); groups are the connected components. Texts with fewer words
    than a shingle have no shingles and stay alone.
    """
    ids = sorted(articles, key=_id_key)
    sets = {a: shingles(articles[a]) for a in ids}
    holders: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for a in ids:
        for sh in sets[a]:
            holders[sh].append(a)
    parent = {a: a for a in ids}

    def root(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a in ids:
        shared: Counter[str] = Counter()
        for sh in sets[a]:
            shared.update(b for b in holders[sh] if b != a)
        for b, n in shared.items():
            if n > share * len(sets[a]):
                ra, rb = root(a), root(b)
                if ra != rb:
                    parent[max(ra, rb, key=_id_key)] = min(ra, rb, key=_id_key)
    groups: dict[str, list[str]] = defaultdict(list)
    for a in ids:
        groups[root(a)].append(a)
    return [groups[r] for r in sorted(groups, key=_id_key)]


def cv_folds(articles: Mapping[str, str], k: int = 5) -> dict[str, int]:
    """Assign every article (id -> text) to one of ``k`` folds, near duplicates together.

    Deterministic: groups are taken largest first (ties: smallest id first) and each goes
    to the fold with the fewest articles so far (ties: lowest fold index). The result does
    not depend on the mapping's order.

    Example:
        >>> same = "one two three four five six seven eight nine ten"
        >>> texts = {"1": same, "2": same + " eleven", "3": "a b c", "4": "d e f"}
        >>> cv_folds(texts, k=2)
        {'1': 0, '2': 0, '3': 1, '4': 1}
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    groups = near_duplicate_groups(articles)
    groups.sort(key=lambda g: (-len(g), _id_key(g[0])))
    sizes = [0] * k
    folds: dict[str, int] = {}
    for group in groups:
        fold = min(range(k), key=lambda f: (sizes[f], f))
        sizes[fold] += len(group)
        for a in group:
            folds[a] = fold
    return {a: folds[a] for a in sorted(folds, key=_id_key)}


if __name__ == "__main__":  # pragma: no cover - a report on a corpus folder
    import sys
    from pathlib import Path

    from ._corpus import read_articles

    texts = read_articles(Path(sys.argv[1]))
    found = [g for g in near_duplicate_groups(texts) if len(g) > 1]
    print(f"{len(found)} near-duplicate groups (size > 1): {found}")
    assigned = cv_folds(texts)
    print("fold sizes:", sorted(Counter(assigned.values()).items()))
