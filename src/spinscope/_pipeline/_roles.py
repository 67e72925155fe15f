"""Attributions as data, and the way between role spans and per-token tags (pure functions).

(Here in ``_pipeline`` rather than ``_attribution`` because ``Model.analyze`` decodes the
attribution head's tags; ``_attribution`` re-exports these names.)

A token tagger marks each token with one of seven BIO tags over three roles (source, cue,
content). :func:`tag_tokens` turns gold spans into those tags (training); decoding goes
back: tags -> whole words -> role spans (:func:`decode_spans`) -> attributions
(:func:`group`), by these rules:

- a word takes the tag of its first token, so a span never starts or ends inside a word;
- each content joins the nearest cue in the paragraphs the content touches (an article's
  paragraphs are its lines), and the source nearest that cue in the cue's paragraph;
- contents that chose the same cue are one attribution with several fragments
  (``"A," he said, "B."``), as PolNeAR writes a quote broken by its cue.

:func:`quote_baseline` is the trivial comparison: every quotation within a line is content.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Fragments = tuple[tuple[int, int], ...]
RoleSpan = tuple[str, int, int]
"""A decoded span: its role (``source``, ``cue`` or ``content``) and character range."""

ROLES = ("source", "cue", "content")
TAGS = ("O", "B-Source", "I-Source", "B-Cue", "I-Cue", "B-Content", "I-Content")
_NEWLINE = re.compile("\n")
_QUOTES = re.compile(r"“[^”\n]+”|\"[^\"\n]+\"")


@dataclass(frozen=True)
class Attribution:
    """Who (source) says (cue) what (content): each role as sorted character ranges."""

    content: Fragments
    cue: Fragments = ()
    source: Fragments = ()


@dataclass(frozen=True)
class Decoding:
    """How role spans are grouped into attributions.

    Attributes:
        merge_by_cue: Contents choosing the same cue become one attribution.
        reach: A content with no cue in its paragraphs looks this many paragraphs further
            on each side.
    """

    merge_by_cue: bool = True
    reach: int = 0


def tag_tokens(offsets: Sequence[tuple[int, int]], spans: Iterable[RoleSpan]) -> list[int]:
    """Per-token tag indices into :data:`TAGS` for role spans (a token in a span overlaps it).

    Where spans overlap, cues win over sources and sources over contents (PolNeAR hardly
    nests attributions, so this rarely matters); each span starts with its ``B`` tag.

    Example:
        >>> offsets = [(0, 2), (3, 7), (8, 11), (12, 15)]
        >>> [TAGS[t] for t in tag_tokens(offsets, [("source", 0, 2), ("content", 8, 15)])]
        ['B-Source', 'O', 'B-Content', 'I-Content']
    """
    tags = [0] * len(offsets)
    starts = [a for a, _ in offsets]
    for role, start, end in sorted(spans, key=lambda s: (-ROLES.index(s[0]), s[1])):
        first = max(0, bisect.bisect_right(starts, start) - 1)
        if first < len(offsets) and offsets[first][1] <= start:
            first += 1
        last = bisect.bisect_left(starts, end)
        begin = 1 + 2 * ROLES.index(role)
        for t in range(first, last):
            tags[t] = begin if t == first else begin + 1
    return tags


def words(text: str, offsets: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges ``[first, last)`` of whole words: touching tokens with letters or
    digits on both sides of their seam are one word (``"Clin" "##ton"``).

    Example:
        >>> words("Clinton said.", [(0, 4), (4, 7), (8, 12), (12, 13)])
        [(0, 2), (2, 3), (3, 4)]
    """
    found: list[tuple[int, int]] = []
    for t, (start, _) in enumerate(offsets):
        seam = t > 0 and offsets[t - 1][1] == start and start > 0
        if seam and text[start - 1].isalnum() and text[start].isalnum():
            found[-1] = (found[-1][0], t + 1)
        else:
            found.append((t, t + 1))
    return found


def decode_spans(
    text: str, offsets: Sequence[tuple[int, int]], tags: Sequence[int]
) -> list[RoleSpan]:
    """Role spans from per-token tags, whole words only; an ``I`` tag after another role
    (or ``O``) starts a span, as a ``B`` would.

    Example:
        >>> text = "Clinton said it"
        >>> offsets = [(0, 4), (4, 7), (8, 12), (13, 15)]
        >>> decode_spans(text, offsets, [1, 0, 3, 6])
        [('source', 0, 7), ('cue', 8, 12), ('content', 13, 15)]
    """
    spans: list[RoleSpan] = []
    role, start, end = None, 0, 0
    for first, last in words(text, offsets):
        tag = tags[first]
        new_role = ROLES[(tag - 1) // 2] if tag else None
        if role is not None and (new_role != role or tag % 2 == 1):
            spans.append((role, start, end))
            role = None
        if new_role is not None and role is None:
            role, start = new_role, offsets[first][0]
        end = offsets[last - 1][1]
    if role is not None:
        spans.append((role, start, end))
    return spans


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, b[0] - a[1], a[0] - b[1])


def _nearest(
    to: tuple[int, int], spans: Sequence[tuple[int, int]], paras: Sequence[int], allowed: range
) -> int | None:
    """Index of the span nearest ``to`` among those whose paragraph is in ``allowed``."""
    ok = [i for i, p in enumerate(paras) if p in allowed]
    return min(ok, key=lambda i: (_gap(to, spans[i]), i)) if ok else None


def group(
    text: str, spans: Sequence[RoleSpan], decoding: Decoding = Decoding()
) -> list[Attribution]:
    """Attributions from role spans, one per content (or per cue shared by contents).

    Example:
        >>> text = "Trump said it.\\n“Wrong,” Clinton said, “all wrong.”"
        >>> spans = [("source", 0, 5), ("cue", 6, 10), ("content", 11, 13),
        ...          ("content", 15, 23), ("source", 24, 31), ("cue", 32, 36),
        ...          ("content", 38, 50)]
        >>> [(a.content, a.cue, a.source) for a in group(text, spans)]
        [(((11, 13),), ((6, 10),), ((0, 5),)), (((15, 23), (38, 50)), ((32, 36),), ((24, 31),))]
    """
    # Only the line breaks among the spans matter (paragraphs are compared, never
    # counted from the start), so a piece of a long text costs the piece, not the text.
    lo = min((s for _, s, _ in spans), default=0)
    hi = max((e for _, _, e in spans), default=0)
    breaks = [m.start() for m in _NEWLINE.finditer(text, lo, hi)]

    def para(pos: int) -> int:
        return bisect.bisect_left(breaks, pos)

    by_role = {r: [(s, e) for role, s, e in spans if role == r] for r in ROLES}
    cue_paras = [para(s) for s, _ in by_role["cue"]]
    source_paras = [para(s) for s, _ in by_role["source"]]
    groups: list[tuple[int | None, list[tuple[int, int]]]] = []
    by_cue: dict[int, int] = {}
    for content in by_role["content"]:
        lo, hi = para(content[0]), para(content[1] - 1)
        cue = _nearest(content, by_role["cue"], cue_paras, range(lo, hi + 1))
        if cue is None and decoding.reach:
            wider = range(lo - decoding.reach, hi + decoding.reach + 1)
            cue = _nearest(content, by_role["cue"], cue_paras, wider)
        if decoding.merge_by_cue and cue is not None and cue in by_cue:
            groups[by_cue[cue]][1].append(content)
            continue
        if cue is not None:
            by_cue[cue] = len(groups)
        groups.append((cue, [content]))
    found = []
    for cue, contents in groups:
        if cue is None:
            found.append(Attribution(tuple(contents)))
            continue
        cue_span = by_role["cue"][cue]
        p = cue_paras[cue]
        source = _nearest(cue_span, by_role["source"], source_paras, range(p, p + 1))
        source_frag = (by_role["source"][source],) if source is not None else ()
        found.append(Attribution(tuple(sorted(contents)), (cue_span,), source_frag))
    return found


def decode_attributions(
    text: str,
    offsets: Sequence[tuple[int, int]],
    tags: Sequence[int],
    decoding: Decoding = Decoding(),
) -> list[Attribution]:
    """Attributions from per-token tags: :func:`decode_spans`, then :func:`group`.

    Example:
        >>> decode_attributions("Clinton said it", [(0, 4), (4, 7), (8, 12), (13, 15)],
        ...                     [1, 0, 3, 5])
        [Attribution(content=((13, 15),), cue=((8, 12),), source=((0, 7),))]
    """
    return group(text, decode_spans(text, offsets, tags), decoding)


def quote_baseline(text: str) -> list[Attribution]:
    """The trivial extractor: each quotation within one line, marks included, is content.

    Example:
        >>> [a.content for a in quote_baseline('He said “no way” and "never".')]
        [((8, 16),), ((21, 28),)]
    """
    return [Attribution(((m.start(), m.end()),)) for m in _QUOTES.finditer(text)]
