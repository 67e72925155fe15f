"""Whose voice each span is: attributions -> statements with named speakers -> spans marked
``author`` or ``attributed`` (pure functions).

A technique span is *attributed* when at least half of its characters lie inside an
attribution's content: the words are someone else's, reported, and the speaker is that
attribution's source. Where several contents hold parts of it, the one holding most wins
(ties: the earlier). Otherwise it is the article's own voice (*author*).

Only attributions with a source or a cue count: a content the head found with neither is
too weak a sign that the words are someone else's. A source that is a lone function word
("a", "the", "which": the head cut a phrase short) is no source.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from ._analysis import Range, Span, Statement
from ._roles import Attribution
from ._speakers import speakers

FUNCTION_WORDS = frozenset("a an the this that these those which who whom what there here".split())


def _hull(fragments: Sequence[Range]) -> Range | None:
    return (fragments[0][0], fragments[-1][1]) if fragments else None


def _source(text: str, fragments: Sequence[Range]) -> Range | None:
    """The source's range, unless it is only a function word."""
    hull = _hull(sorted(fragments))
    if hull is not None and text[hull[0] : hull[1]].strip().lower() in FUNCTION_WORDS:
        return None
    return hull


def statements(text: str, found: Sequence[Attribution]) -> tuple[Statement, ...]:
    """The statements of ``text``, ordered by content, each with its speaker resolved
    (contents that are empty or outside the text are left out).

    A cue or source of several fragments is read as one range from its first fragment's
    start to its last one's end (the head gives one fragment each).

    Example:
        >>> text = "Nicolas Maduro spoke. Maduro said: no."
        >>> (st,) = statements(text, [Attribution(((35, 37),), ((29, 33),), ((22, 28),))])
        >>> st.speaker, st.cue_text, st.content_text
        ('Nicolas Maduro', 'said', 'no')
    """
    kept = [a for a in found if a.content and all(0 <= s < e <= len(text) for s, e in a.content)]
    kept.sort(key=lambda a: a.content)
    sources = [_source(text, a.source) for a in kept]
    named = speakers(text, sources, [a.content for a in kept])
    out = []
    for a, source, speaker in zip(kept, sources, named, strict=True):
        cue = _hull(sorted(a.cue))
        out.append(
            Statement(
                content=a.content,
                cue=cue,
                source=source,
                speaker=speaker,
                content_text=" … ".join(text[s:e] for s, e in a.content),
                cue_text=None if cue is None else text[cue[0] : cue[1]],
                source_text=None if source is None else text[source[0] : source[1]],
            )
        )
    return tuple(out)


def _inside(span: Span, statement: Statement) -> int:
    return sum(max(0, min(e, span.end) - max(s, span.start)) for s, e in statement.content)


def attribute(spans: Sequence[Span], found: Sequence[Statement]) -> list[Span]:
    """``spans`` with their attribution set: the statement whose content holds at least
    half of the span's characters, most of them when several do (ties: the earlier).

    Example:
        >>> st = Statement(((10, 30),), (5, 9), (0, 4), "Ann Lee", "x" * 20)
        >>> [s.voice for s in attribute([Span(12, 20, "Doubt", .5), Span(0, 4, "Doubt", .5)],
        ...                             [st])]
        ['attributed', 'author']
    """
    ordered = sorted(
        (st for st in found if st.source is not None or st.cue is not None),
        key=lambda st: st.start,
    )
    starts = [st.start for st in ordered]
    # A content is at most this long, so one ending inside a span starts no earlier.
    longest = max((st.end - st.start for st in ordered), default=0)
    out = []
    for span in spans:
        best, most = None, 0
        lo = bisect.bisect_left(starts, span.start - longest)
        for st in ordered[lo : bisect.bisect_left(starts, span.end)]:
            inside = _inside(span, st)
            if inside > most:
                best, most = st, inside
        if best is not None and 2 * most >= span.end - span.start:
            out.append(replace(span, attribution=best))
        else:
            out.append(span)
    return out
