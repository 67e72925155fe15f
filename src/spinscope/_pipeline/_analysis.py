"""The result of analyzing one article: spans, sentence scores and a summary (value objects)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._techniques import get_technique
from ._decode import merge_overlapping
from ._text import split_sentences


@dataclass(frozen=True, order=True)
class Span:
    """A fragment of the article that uses one technique.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset one past the last character.
        technique: The technique's SemEval label.
        confidence: Calibrated probability that the fragment uses this technique.
    """

    start: int
    end: int
    technique: str
    confidence: float

    def to_dict(self, text: str) -> dict[str, Any]:
        """JSON-ready form, with the fragment and the technique's definition."""
        tech = get_technique(self.technique)
        return {
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "technique": self.technique,
            "title": tech.title,
            "definition": tech.definition,
            "confidence": round(self.confidence, 4),
        }


@dataclass(frozen=True)
class Sentence:
    """One sentence and how likely it is to use at least one technique."""

    start: int
    end: int
    score: float
    techniques: tuple[str, ...]


@dataclass(frozen=True)
class Summary:
    """Article-level figures.

    Attributes:
        score: Length-weighted mean of the sentence scores, in ``[0, 1]``.
        coverage: Share of the article's characters inside at least one span.
        counts: Number of spans per technique, most frequent first.
    """

    score: float
    coverage: float
    counts: dict[str, int]

    @property
    def n_spans(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        """A one-line human summary.

        Example:
            >>> Summary(0.42, 0.1, {"Loaded_Language": 3}).line()  # doctest: +NORMALIZE_WHITESPACE
            '3 fragments using 1 technique (Loaded language 3); 10.0% of the text covered;
            overall score 0.42'
        """
        n_tech = len(self.counts)
        top = ", ".join(f"{get_technique(k).title} {v}" for k, v in list(self.counts.items())[:3])
        s_frag = "fragment" if self.n_spans == 1 else "fragments"
        s_tech = "technique" if n_tech == 1 else "techniques"
        found = f"{self.n_spans} {s_frag} using {n_tech} {s_tech}" + (f" ({top})" if top else "")
        return f"{found}; {self.coverage:.1%} of the text covered; overall score {self.score:.2f}"


@dataclass(frozen=True)
class Analysis:
    """Everything spinscope found in one article.

    Build one with :func:`spinscope.analyze`; narrow it with :meth:`filtered`.
    """

    text: str
    spans: tuple[Span, ...]
    sentences: tuple[Sentence, ...]
    summary: Summary
    model_id: str
    threshold: float
    warnings: tuple[str, ...] = field(default=())
    passages: tuple[tuple[int, int], ...] = field(default=())
    """Propaganda passages whatever their technique (the SemEval SI task's answer)."""

    def filtered(
        self, threshold: float | None = None, techniques: Iterable[str] | None = None
    ) -> Analysis:
        """A new analysis keeping spans at or above ``threshold`` and of ``techniques``."""
        threshold = self.threshold if threshold is None else threshold
        wanted = None if techniques is None else {get_technique(t).name for t in techniques}
        spans = [
            s
            for s in self.spans
            if s.confidence >= threshold and (wanted is None or s.technique in wanted)
        ]
        return build_analysis(
            self.text, spans, self.model_id, threshold, self.warnings, self.passages
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; what ``spinscope analyze --format json`` prints.

        Example:
            >>> a = build_analysis("Lies!", [Span(0, 4, "Loaded_Language", 0.9)], "m", 0.3)
            >>> a.to_dict()["spans"][0]["text"]
            'Lies'
        """
        return {
            "model": self.model_id,
            "threshold": self.threshold,
            "summary": {
                "score": round(self.summary.score, 4),
                "coverage": round(self.summary.coverage, 4),
                "spans": self.summary.n_spans,
                "techniques": self.summary.counts,
                "text": self.summary.line(),
            },
            "spans": [s.to_dict(self.text) for s in self.spans],
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "score": round(s.score, 4),
                    "techniques": list(s.techniques),
                }
                for s in self.sentences
            ],
            "passages": [{"start": a, "end": b} for a, b in self.passages],
            "warnings": list(self.warnings),
            "length": len(self.text),
            "text": self.text,
        }


def spans_by_sentence(
    sentences: Sequence[tuple[int, int]], ordered: Sequence[Span]
) -> Iterator[list[Span]]:
    """For each sentence, the spans that overlap it, in ``ordered``'s order.

    A sweep: ``sentences`` are sorted and disjoint, ``ordered`` is sorted by start, and a
    span leaves the active list once a sentence begins at or after its end. The work is
    the size of the answer, so a long text costs linear time, not spans times sentences.

    Example:
        >>> spans = [Span(0, 9, "Doubt", 0.5), Span(4, 5, "Slogans", 0.5)]
        >>> found = spans_by_sentence([(0, 3), (4, 8), (9, 12)], spans)
        >>> [[s.technique for s in inside] for inside in found]
        [['Doubt'], ['Doubt', 'Slogans'], []]
    """
    active: list[Span] = []
    i = 0
    for a, b in sentences:
        j = i
        while j < len(ordered) and ordered[j].start < b:
            j += 1
        # A new list each time: the lists already yielded stay as they were.
        active = [s for s in (*active, *ordered[i:j]) if s.end > a]
        i = j
        yield active


def build_analysis(
    text: str,
    spans: Sequence[Span],
    model_id: str,
    threshold: float,
    warnings: Sequence[str] = (),
    passages: Sequence[tuple[int, int]] = (),
) -> Analysis:
    """Score sentences and the article from its spans.

    A sentence's score is the chance that at least one of its overlapping spans is right,
    ``1 - prod(1 - confidence)``.

    Example:
        >>> a = build_analysis("Fine. Awful lies!", [Span(6, 11, "Loaded_Language", 0.5)], "m", 0.3)
        >>> [round(s.score, 2) for s in a.sentences]
        [0.0, 0.5]
    """
    ordered = tuple(sorted(spans))
    sentences = []
    ranges = split_sentences(text)
    for (a, b), inside in zip(ranges, spans_by_sentence(ranges, ordered), strict=True):
        miss = 1.0
        for s in inside:
            miss *= 1.0 - s.confidence
        names = tuple(dict.fromkeys(s.technique for s in inside))
        sentences.append(Sentence(a, b, 1.0 - miss, names))
    total = sum(s.end - s.start for s in sentences)
    score = sum(s.score * (s.end - s.start) for s in sentences) / total if total else 0.0
    covered = sum(b - a for a, b in merge_overlapping([(s.start, s.end) for s in ordered]))
    counts = dict(Counter(s.technique for s in ordered).most_common())
    summary = Summary(score, covered / len(text) if text else 0.0, counts)
    return Analysis(
        text,
        ordered,
        tuple(sentences),
        summary,
        model_id,
        threshold,
        tuple(warnings),
        tuple(passages),
    )
