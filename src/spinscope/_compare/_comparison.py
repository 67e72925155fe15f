"""Two analyses of the same story side by side (value objects and a pure function):
techniques with counts and shares, each article's top fragments, the sentences that say
the same thing and how each frames them, and the quotes both report.

:func:`compare` takes the sentence vectors as given (``_embed`` computes them with the
model), so it runs no model and is the same for any vectors. Every part is laid out as a
pair ``a``/``b``, and :meth:`Comparison.swapped` exchanges them: ``compare(b, a)`` is
``compare(a, b).swapped()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .._errors import InputError
from .._pipeline import Analysis, Span, Statement
from .._techniques import TECHNIQUES, get_technique
from ._align import Vectors, cosine_similarity, greedy_pairs, overlaps


@dataclass(frozen=True)
class CompareOptions:
    """How two articles are compared.

    Attributes:
        similarity: Least cosine similarity of two sentences' mean token states for them
            to be aligned (see ``_embed`` for how the default was chosen).
        overlap: Least share of words (Jaccard) two quotes must have in common.
        top: How many of each article's most confident fragments to show.
    """

    similarity: float = 0.75
    overlap: float = 0.5
    top: int = 3

    def __post_init__(self) -> None:
        """Refuse thresholds outside their range.

        Raises:
            InputError: for a similarity outside [0, 1], an overlap outside [0, 1] or a
                negative ``top``.
        """
        if not 0.0 <= self.similarity <= 1.0:
            raise InputError(f"similarity {self.similarity} is not between 0 and 1")
        if not 0.0 <= self.overlap <= 1.0:
            raise InputError(f"overlap {self.overlap} is not between 0 and 1")
        if self.top < 0:
            raise InputError(f"top {self.top} is negative")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form.

        Example:
            >>> CompareOptions(top=5).to_dict()
            {'similarity': 0.75, 'overlap': 0.5, 'top': 5}
        """
        return {"similarity": self.similarity, "overlap": self.overlap, "top": self.top}


@dataclass(frozen=True)
class Side:
    """One of the two articles: where it came from, its analysis and its top fragments."""

    source: str
    analysis: Analysis
    top: tuple[Span, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the figures of the analysis and the top fragments as the spans
        of ``spinscope analyze -f json`` (with who says them, when looked for)."""
        a = self.analysis
        voices = a.attributions is not None
        return {
            "source": self.source,
            "model": a.model_id,
            "threshold": a.threshold,
            "score": round(a.summary.score, 4),
            "coverage": round(a.summary.coverage, 4),
            "spans": a.summary.n_spans,
            "sentences": len(a.sentences),
            "summary": a.summary.line(),
            "top": [s.to_dict(a.text, voices) for s in self.top],
            "warnings": list(a.warnings),
            "length": len(a.text),
        }


@dataclass(frozen=True)
class TechniqueShare:
    """A technique's fragments in each article: how many, and their share of its fragments."""

    technique: str
    counts: tuple[int, int]
    shares: tuple[float, float]

    def swapped(self) -> TechniqueShare:
        """The same figures with ``b``'s first."""
        return TechniqueShare(self.technique, self.counts[::-1], self.shares[::-1])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the technique, its title, and ``count`` and ``share`` per side.

        Example:
            >>> TechniqueShare("Doubt", (1, 0), (0.5, 0.0)).to_dict()["a"]
            {'count': 1, 'share': 0.5}
        """
        sides = {
            k: {"count": c, "share": s}
            for k, c, s in zip("ab", self.counts, self.shares, strict=True)
        }
        return {"technique": self.technique, "title": get_technique(self.technique).title, **sides}


@dataclass(frozen=True)
class Passage:
    """A sentence of one article and the techniques found in it."""

    index: int
    start: int
    end: int
    text: str
    techniques: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; ``sentence`` is its index among the article's sentences."""
        return {
            "sentence": self.index,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "techniques": list(self.techniques),
        }


@dataclass(frozen=True)
class AlignedSentences:
    """Two sentences, one from each article, that say the same thing."""

    a: Passage
    b: Passage
    similarity: float

    def swapped(self) -> AlignedSentences:
        """The same pair with ``b``'s sentence first."""
        return AlignedSentences(self.b, self.a, self.similarity)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the similarity and each side's sentence."""
        return {"similarity": self.similarity, "a": self.a.to_dict(), "b": self.b.to_dict()}


@dataclass(frozen=True)
class Quote:
    """A statement's content in one article, and who says it there."""

    start: int
    end: int
    text: str
    speaker: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the content's offsets and text, and its speaker."""
        return {"start": self.start, "end": self.end, "text": self.text, "speaker": self.speaker}


@dataclass(frozen=True)
class SharedQuote:
    """A statement both articles report, with the share of words their contents share."""

    a: Quote
    b: Quote
    overlap: float

    def swapped(self) -> SharedQuote:
        """The same pair with ``b``'s quote first."""
        return SharedQuote(self.b, self.a, self.overlap)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the word overlap and each side's quote."""
        return {"overlap": self.overlap, "a": self.a.to_dict(), "b": self.b.to_dict()}


@dataclass(frozen=True)
class Comparison:
    """Two articles of the same story compared (see :func:`compare`).

    Attributes:
        a, b: The two articles.
        techniques: Each technique found in either, most fragments in both first.
        sentences: Aligned sentence pairs, in the order of article ``a``.
        quotes: Statements both report, in the order of article ``a``; ``None`` when a
            model without an attribution head analyzed either (nothing was looked for).
        options: The thresholds used.
    """

    a: Side
    b: Side
    techniques: tuple[TechniqueShare, ...]
    sentences: tuple[AlignedSentences, ...]
    quotes: tuple[SharedQuote, ...] | None
    options: CompareOptions

    def swapped(self) -> Comparison:
        """The same comparison with ``b`` first: what comparing them the other way gives."""
        quotes = None if self.quotes is None else _quote_order(q.swapped() for q in self.quotes)
        return replace(
            self,
            a=self.b,
            b=self.a,
            techniques=tuple(t.swapped() for t in self.techniques),
            sentences=tuple(sorted((s.swapped() for s in self.sentences), key=_by_a)),
            quotes=quotes,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; what ``spinscope compare -f json`` prints.

        Example:
            >>> import numpy as np
            >>> from spinscope._pipeline import build_analysis
            >>> x = build_analysis("Rain.", [], "m", 0.3)
            >>> vectors = np.ones((1, 2))
            >>> sorted(compare(x, x, vectors, vectors).to_dict())
            ['a', 'b', 'options', 'quotes', 'sentences', 'techniques']
        """
        return {
            "a": self.a.to_dict(),
            "b": self.b.to_dict(),
            "options": self.options.to_dict(),
            "techniques": [t.to_dict() for t in self.techniques],
            "sentences": [s.to_dict() for s in self.sentences],
            "quotes": None if self.quotes is None else [q.to_dict() for q in self.quotes],
        }


def _by_a(pair: AlignedSentences) -> int:
    return pair.a.index


def _quote_order(quotes: Iterable[SharedQuote]) -> tuple[SharedQuote, ...]:
    return tuple(sorted(quotes, key=lambda q: (q.a.start, q.a.end, q.b.start, q.b.end)))


def top_fragments(analysis: Analysis, n: int) -> tuple[Span, ...]:
    """The ``n`` most confident spans (ties: the earlier).

    Example:
        >>> from spinscope._pipeline import build_analysis
        >>> spans = [Span(0, 4, "Doubt", 0.4), Span(5, 9, "Slogans", 0.8)]
        >>> [s.technique for s in top_fragments(build_analysis("Lies Lies", spans, "m", .3), 1)]
        ['Slogans']
    """
    ranked = sorted(analysis.spans, key=lambda s: (-s.confidence, s.start, s.end, s.technique))
    return tuple(ranked[: max(0, n)])


def technique_shares(a: Analysis, b: Analysis) -> tuple[TechniqueShare, ...]:
    """Each technique of either article: fragments in each and their share of its
    fragments; most fragments in both first, then in the order of the inventory.

    Example:
        >>> from spinscope._pipeline import build_analysis
        >>> x = build_analysis("Lies Lies", [Span(0, 4, "Doubt", .5)], "m", .3)
        >>> y = build_analysis("Lies Lies", [Span(0, 4, "Doubt", .5), Span(5, 9, "Slogans", .5)],
        ...                    "m", .3)
        >>> [(t.technique, t.counts, t.shares) for t in technique_shares(x, y)]
        [('Doubt', (1, 1), (1.0, 0.5)), ('Slogans', (0, 1), (0.0, 0.5))]
    """
    ca, cb = a.summary.counts, b.summary.counts
    na, nb = a.summary.n_spans, b.summary.n_spans
    order = {t.name: k for k, t in enumerate(TECHNIQUES)}
    names = sorted(set(ca) | set(cb), key=lambda t: (-ca.get(t, 0) - cb.get(t, 0), order[t]))
    return tuple(
        TechniqueShare(
            t,
            (ca.get(t, 0), cb.get(t, 0)),
            (_share(ca.get(t, 0), na), _share(cb.get(t, 0), nb)),
        )
        for t in names
    )


def _share(count: int, total: int) -> float:
    return round(count / total, 4) if total else 0.0


def _passage(analysis: Analysis, index: int) -> Passage:
    s = analysis.sentences[index]
    return Passage(index, s.start, s.end, analysis.text[s.start : s.end], s.techniques)


def aligned_sentences(
    a: Analysis, b: Analysis, vectors_a: Vectors, vectors_b: Vectors, threshold: float
) -> tuple[AlignedSentences, ...]:
    """The sentence pairs whose vectors' cosine similarity reaches ``threshold`` (and is
    above 0), one-to-one.

    Example:
        >>> import numpy as np
        >>> from spinscope._pipeline import build_analysis
        >>> x, y = build_analysis("Rain. Sun.", [], "m", .3), build_analysis("Sun!", [], "m", .3)
        >>> [(p.a.text, p.b.text) for p in aligned_sentences(
        ...     x, y, np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.1, 1.0]]), 0.9)]
        [('Sun.', 'Sun!')]
    """
    scores = cosine_similarity(vectors_a, vectors_b)
    return tuple(
        AlignedSentences(_passage(a, i), _passage(b, j), score)
        for i, j, score in greedy_pairs(scores, threshold)
        if score > 0  # a sentence without tokens (a zero vector) says nothing to align
    )


def _quote(statement: Statement) -> Quote:
    return Quote(statement.start, statement.end, statement.content_text, statement.speaker)


def shared_quotes(
    a: Sequence[Statement], b: Sequence[Statement], threshold: float
) -> tuple[SharedQuote, ...]:
    """The statements of ``a`` and ``b`` whose contents share at least ``threshold`` of
    their words (Jaccard), one-to-one, in the order of ``a``.

    Example:
        >>> st = Statement(((0, 9),), None, None, "Ann Lee", "We lied.")
        >>> other = Statement(((5, 14),), None, None, "Lee", "“we LIED”")
        >>> [(q.a.speaker, q.b.speaker, q.overlap) for q in shared_quotes([st], [other], 0.5)]
        [('Ann Lee', 'Lee', 1.0)]
    """
    scores = overlaps([s.content_text for s in a], [s.content_text for s in b])
    found = (
        SharedQuote(_quote(a[i]), _quote(b[j]), score)
        for i, j, score in greedy_pairs(scores, threshold)
        if score > 0  # a threshold of 0 must not pair quotes without a word in common
    )
    return _quote_order(found)


def compare(
    a: Analysis,
    b: Analysis,
    vectors_a: Vectors,
    vectors_b: Vectors,
    options: CompareOptions | None = None,
    sources: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Compare two analyses, given a vector per sentence of each (``analysis.sentences``
    order; :func:`~._embed.sentence_vectors` gives the model's).

    Raises:
        ValueError: when a vector count differs from its analysis's sentence count.

    Example:
        >>> import numpy as np
        >>> from spinscope._pipeline import build_analysis
        >>> x = build_analysis("They lie. Rain.", [Span(5, 8, "Loaded_Language", .9)], "m", .3)
        >>> y = build_analysis("Rain! They lie.", [], "m", .3)
        >>> c = compare(x, y, np.eye(2), np.eye(2)[::-1])
        >>> [(p.a.text, p.b.text, p.a.techniques, p.b.techniques) for p in c.sentences]
        [('They lie.', 'They lie.', ('Loaded_Language',), ()), ('Rain.', 'Rain!', (), ())]
    """
    options = options or CompareOptions()
    for name, analysis, vectors in (("a", a, vectors_a), ("b", b, vectors_b)):
        if len(vectors) != len(analysis.sentences):
            raise ValueError(
                f"{name}: {len(vectors)} vectors for {len(analysis.sentences)} sentences"
            )
    quotes = None
    if a.attributions is not None and b.attributions is not None:
        quotes = shared_quotes(a.attributions, b.attributions, options.overlap)
    return Comparison(
        Side(sources[0], a, top_fragments(a, options.top)),
        Side(sources[1], b, top_fragments(b, options.top)),
        technique_shares(a, b),
        aligned_sentences(a, b, vectors_a, vectors_b, options.similarity),
        quotes,
        options,
    )
