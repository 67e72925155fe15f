"""The result of analyzing one article: spans, sentence scores, attributions and a summary
(value objects)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._techniques import get_technique
from ._decode import merge_overlapping
from ._evidence import Evidence
from ._notebook import html_of, spans_frame
from ._targets import Target
from ._text import split_sentences

if TYPE_CHECKING:
    import pandas as pd

Range = tuple[int, int]


def _range(r: Range | None) -> list[int] | None:
    return None if r is None else [r[0], r[1]]


@dataclass(frozen=True)
class Statement:
    """An attribution found in the article: who (source) says (cue) what (content).

    Attributes:
        content: The content's character ranges, sorted; several when a quote is broken
            by its cue (``"A," he said, "B."``).
        cue: The reporting verb or phrase, or ``None`` when the head found none.
        source: Who says it, as the text names it, or ``None``.
        speaker: The source resolved to a name (see ``_speakers``), or ``None``.
        content_text: The content's fragments, joined by `` … ``.
        cue_text, source_text: The cue's and the source's text, exactly as in the article.
    """

    content: tuple[Range, ...]
    cue: Range | None
    source: Range | None
    speaker: str | None
    content_text: str
    cue_text: str | None = None
    source_text: str | None = None

    @property
    def start(self) -> int:
        return self.content[0][0]

    @property
    def end(self) -> int:
        return self.content[-1][1]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: each role's offsets and text, and the resolved speaker.

        Example:
            >>> st = Statement(((8, 12),), (3, 7), (0, 2), "Ann Lee", "rain", "said", "he")
            >>> st.to_dict()["content"], st.to_dict()["cue"]
            ({'start': 8, 'end': 12, 'text': 'rain', 'fragments': [[8, 12]]}, {'start': 3, 'end': 7, 'text': 'said'})
        """  # noqa: E501
        content = {"start": self.start, "end": self.end, "text": self.content_text}
        return {
            "speaker": self.speaker,
            "source": _role(self.source, self.source_text),
            "cue": _role(self.cue, self.cue_text),
            "content": {**content, "fragments": [list(f) for f in self.content]},
        }


def _role(where: Range | None, text: str | None) -> dict[str, Any] | None:
    return None if where is None else {"start": where[0], "end": where[1], "text": text}


@dataclass(frozen=True, order=True)
class Span:
    """A fragment of the article that uses one technique.

    Attributes:
        start: Offset of the first character in the original text.
        end: Offset one past the last character.
        technique: The technique's SemEval label.
        confidence: Calibrated probability that the fragment uses this technique.
        attribution: The attribution whose content holds at least half of the fragment,
            when there is one: the fragment is then someone else's words, reported.
            Not compared: it follows from the article, not from the span.
        evidence: Why it was flagged (similar annotated fragments, how often its text
            recurs), when the model has an evidence index. Not compared either.
        target: Whom the fragment aims at (a mention in the text), for the techniques
            aimed at someone (see ``_targets``); ``None`` when the text names no one
            near it. Not compared either.
    """

    start: int
    end: int
    technique: str
    confidence: float
    attribution: Statement | None = field(default=None, compare=False)
    evidence: Evidence | None = field(default=None, compare=False)
    target: Target | None = field(default=None, compare=False)

    @property
    def voice(self) -> str:
        """``attributed`` when the fragment lies in an attribution's content, else ``author``.

        Example:
            >>> Span(0, 4, "Doubt", 0.5).voice
            'author'
        """
        return "author" if self.attribution is None else "attributed"

    @property
    def speaker(self) -> str | None:
        """Who says the fragment, resolved to a name (``None`` for the author's voice)."""
        return None if self.attribution is None else self.attribution.speaker

    @property
    def cue(self) -> str | None:
        """The reporting verb or phrase of its attribution, whitespace collapsed."""
        cue = None if self.attribution is None else self.attribution.cue_text
        return None if cue is None else " ".join(cue.split())

    def to_dict(self, text: str, voices: bool = False) -> dict[str, Any]:
        """JSON-ready form, with the fragment and the technique's definition; with
        ``voices`` (the model has an attribution head) also who says it."""
        tech = get_technique(self.technique)
        doc: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "technique": self.technique,
            "title": tech.title,
            "definition": tech.definition,
            "confidence": round(self.confidence, 4),
        }
        if voices:
            doc.update(voice=self.voice, speaker=self.speaker, cue=self.cue)
            a = self.attribution
            if a is not None:
                doc["attribution"] = {
                    "source": _range(a.source),
                    "cue": _range(a.cue),
                    "content": [a.start, a.end],
                }
        if self.evidence is not None:
            doc["evidence"] = self.evidence.to_dict()
        doc["target"] = None if self.target is None else self.target.to_dict()
        return doc


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
    attributions: tuple[Statement, ...] | None = field(default=None)
    """Who says what in the article, by start; ``None`` when the model has no attribution
    head (nothing was looked for, and the outputs stay as they were without one)."""

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
            self.text,
            spans,
            self.model_id,
            threshold,
            self.warnings,
            self.passages,
            self.attributions,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; what ``spinscope analyze --format json`` prints.

        Example:
            >>> a = build_analysis("Lies!", [Span(0, 4, "Loaded_Language", 0.9)], "m", 0.3)
            >>> a.to_dict()["spans"][0]["text"]
            'Lies'
        """
        voices = self.attributions is not None
        doc: dict[str, Any] = {
            "model": self.model_id,
            "threshold": self.threshold,
            "summary": {
                "score": round(self.summary.score, 4),
                "coverage": round(self.summary.coverage, 4),
                "spans": self.summary.n_spans,
                "techniques": self.summary.counts,
                "text": self.summary.line(),
            },
            "spans": [s.to_dict(self.text, voices) for s in self.spans],
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
        }
        if self.attributions is not None:
            doc["attributions"] = [a.to_dict() for a in self.attributions]
        doc.update(warnings=list(self.warnings), length=len(self.text), text=self.text)
        return doc

    def to_pandas(self) -> pd.DataFrame:
        """The spans as a pandas data frame, one row per span: ``start``, ``end``, ``text``,
        ``technique``, ``title``, ``confidence``, ``voice``, ``speaker``, ``cue``, ``target`` (see
        :func:`~spinscope._pipeline._notebook.spans_frame`). Needs the ``notebook`` extra.

        Raises:
            MissingExtraError: when pandas is not installed.

        Example:
            >>> a = build_analysis("Vile lies!", [Span(5, 9, "Loaded_Language", 0.9)], "m", 0.3)
            >>> a.to_pandas()[["text", "technique", "confidence"]].to_dict("records")
            [{'text': 'lies', 'technique': 'Loaded_Language', 'confidence': 0.9}]
        """
        return spans_frame(self)

    def _repr_html_(self) -> str | None:
        """How Jupyter shows an analysis: the highlighted article and its legend, one HTML
        fragment escaped and marked up as in the HTML report. ``_formats`` draws it, through
        the registry in ``_notebook`` (this layer may not import that one)."""
        return html_of("analysis", self)


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
    attributions: Sequence[Statement] | None = None,
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
        None if attributions is None else tuple(attributions),
    )
