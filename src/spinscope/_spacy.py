"""The spaCy component: ``nlp.add_pipe("spinscope")`` puts every fragment the model finds
into ``doc.spans["spinscope"]``, one span per fragment, labelled with its technique.

spaCy finds the factory through the ``spacy_factories`` entry point (``pyproject.toml``),
which imports this module; it is the only module that imports spaCy, and nothing in
spinscope imports it, so ``import spinscope`` stays fast and works without spaCy.

spaCy keys a span's extension values by its character offsets only, so two fragments on
the same tokens (one phrase, two techniques) would overwrite each other's confidence.
The component therefore gives each span an id (``span.id_``, ``"<spans_key>:<start>:<end>"``
with the fragment's exact offsets) and keeps each fragment's figures in ``doc.user_data``
under its id and technique; the extensions are getters that read them there:

- ``span._.spinscope_confidence``: the calibrated confidence;
- ``span._.spinscope_start`` and ``span._.spinscope_end``: the fragment's exact offsets;
- ``span._.spinscope_snapped``: ``True`` when the fragment began or ended inside a token,
  so that the span was widened to whole tokens (``doc.char_span(alignment_mode="expand")``);
- ``span._.spinscope_voice``, ``span._.spinscope_speaker``, ``span._.spinscope_cue``:
  whose words the fragment is (``author`` or ``attributed``), resolved to a name, and the
  reporting verb; ``None`` when the model has no attribution head.

Spans made elsewhere read ``None`` (``False`` for ``snapped``). The figures are plain
values, so they survive ``doc.to_bytes()`` and a ``DocBin`` that stores user data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.tokens import Span as SpacySpan

from ._errors import InputError
from ._pipeline import Analysis, Model
from ._settings import Settings

FACTORY = "spinscope"
USER_DATA = "spinscope"
"""The first part of the ``doc.user_data`` keys that hold the fragments' figures."""
FIELDS = ("confidence", "start", "end", "voice", "speaker", "cue")
"""The span extensions, ``spinscope_<field>``, that read a fragment's stored figure."""
SNAPPED = "spinscope_snapped"


@Language.factory(
    FACTORY,
    default_config={"model": None, "spans_key": "spinscope", "threshold": None, "techniques": None},
    assigns=["doc.spans"],
)
def make_spinscope(
    nlp: Language,
    name: str,
    model: str | None,
    spans_key: str,
    threshold: float | None,
    techniques: list[str] | None,
) -> SpinscopeComponent:
    """The component behind ``nlp.add_pipe("spinscope", config={...})``.

    Args:
        model: A model directory; ``SPINSCOPE_MODEL``, else the shipped model, when ``None``.
        spans_key: The ``doc.spans`` key of the fragments.
        threshold: Minimum confidence; the model's tuned default when ``None``.
        techniques: Keep only these techniques (labels, parts or titles).

    Example:
        >>> import spacy
        >>> nlp = spacy.blank("en")
        >>> # nlp.add_pipe("spinscope", config={"spans_key": "propaganda"})
    """
    loaded = Model.load(None if model is None else Path(model), Settings.from_env())
    return SpinscopeComponent(loaded, spans_key, threshold, techniques)


class SpinscopeComponent:
    """Finds the fragments of each doc's text with one :class:`Model`, loaded once.

    Example:
        >>> # nlp.add_pipe("spinscope"); nlp("They are traitors!").spans["spinscope"]
    """

    def __init__(
        self,
        model: Model,
        spans_key: str = "spinscope",
        threshold: float | None = None,
        techniques: list[str] | None = None,
    ) -> None:
        register_extensions()
        self.model = model
        self.spans_key = spans_key
        self.threshold = threshold
        self.techniques = techniques

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one doc (what ``nlp(text)`` calls)."""
        (done,) = self.pipe([doc])
        return done

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        """Annotate docs in order through :meth:`Model.pipe_results` (what ``nlp.pipe``
        calls): one stream for all of them, so the next doc encodes while the last one
        is decoded, and each doc gets the spans that ``nlp(text)`` would give it.

        ``batch_size`` is spaCy's count of docs a batch; it changes nothing here, since
        the model reads the texts lazily and batches by encoder windows. A doc with no
        text to analyze (empty or whitespace) gets an empty span group.

        Example:
            >>> # for doc in nlp.pipe(texts): print(len(doc.spans["spinscope"]))
        """
        waiting: deque[Doc] = deque()

        def texts() -> Iterator[str]:
            # The model reads ahead of its results; the docs wait here for theirs.
            for doc in docs:
                waiting.append(doc)
                yield doc.text

        results = self.model.pipe_results(texts(), None, self.threshold, self.techniques)
        for result in results:
            doc = waiting.popleft()
            annotate(doc, None if isinstance(result, InputError) else result, self.spans_key)
            yield doc


def register_extensions() -> None:
    """Register the span extensions, once: again is a no-op (every component calls it).

    Example:
        >>> register_extensions(); register_extensions()
        >>> SpacySpan.has_extension("spinscope_confidence")
        True
    """
    for field in FIELDS:
        name = f"spinscope_{field}"
        if not SpacySpan.has_extension(name):
            SpacySpan.set_extension(name, getter=_reader(field))
    if not SpacySpan.has_extension(SNAPPED):
        SpacySpan.set_extension(SNAPPED, getter=snapped)


def _reader(field: str) -> Callable[[SpacySpan], Any]:
    def read(span: SpacySpan) -> Any:
        found = fragment_of(span)
        return None if found is None else found[field]

    return read


def fragment_of(span: SpacySpan) -> dict[str, Any] | None:
    """The figures stored for a span the component made, else ``None``.

    Example:
        >>> import spacy
        >>> fragment_of(spacy.blank("en")("Lies!")[0:1]) is None
        True
    """
    found = _user_data(span.doc).get((USER_DATA, span.id_, span.label_))
    return found if isinstance(found, dict) else None


def _user_data(doc: Doc) -> dict[Any, Any]:
    # spaCy's stubs say string keys, but spaCy itself keys extension values by tuples,
    # which doc.to_bytes() keeps.
    return doc.user_data


def snapped(span: SpacySpan) -> bool:
    """Whether a span the component made is wider than its fragment (which began or
    ended inside a token).

    Example:
        >>> import spacy
        >>> snapped(spacy.blank("en")("Lies!")[0:1])
        False
    """
    found = fragment_of(span)
    return found is not None and (span.start_char, span.end_char) != (
        found["start"],
        found["end"],
    )


def annotate(doc: Doc, analysis: Analysis | None, spans_key: str = "spinscope") -> Doc:
    """Put an analysis of ``doc.text`` into ``doc.spans[spans_key]`` with each fragment's
    figures; ``None`` (nothing to analyze) gives an empty group.

    Example:
        >>> import spacy
        >>> from spinscope._pipeline._analysis import Span, build_analysis
        >>> doc = spacy.blank("en")("They are traitors!")
        >>> a = build_analysis(doc.text, [Span(9, 13, "Name_Calling,Labeling", 0.8)], "m", 0.3)
        >>> (span,) = annotate(doc, a).spans["spinscope"]
        >>> span.text, span._.spinscope_start, span._.spinscope_end, span._.spinscope_snapped
        ('traitors', 9, 13, True)
    """
    register_extensions()
    spans = [] if analysis is None else _spans(doc, analysis, spans_key)
    group = SpanGroup(doc, name=spans_key, spans=spans)
    if analysis is not None:
        # Group attributes are serialized with the doc: which model found the spans, and how.
        group.attrs.update(model=analysis.model_id, threshold=analysis.threshold)
    doc.spans[spans_key] = group
    return doc


def _spans(doc: Doc, analysis: Analysis, spans_key: str) -> list[SpacySpan]:
    voices = analysis.attributions is not None
    found = []
    for s in analysis.spans:
        span_id = f"{spans_key}:{s.start}:{s.end}"
        span = token_span(doc, s.start, s.end, s.technique, span_id)
        _user_data(doc)[(USER_DATA, span_id, s.technique)] = {
            "confidence": s.confidence,
            "start": s.start,
            "end": s.end,
            "voice": s.voice if voices else None,
            "speaker": s.speaker if voices else None,
            "cue": s.cue if voices else None,
        }
        found.append(span)
    return found


def token_span(doc: Doc, start: int, end: int, label: str, span_id: str = "") -> SpacySpan:
    """The span of the tokens that ``[start, end)`` touches: never ``None``, never empty.

    Example:
        >>> import spacy
        >>> doc = spacy.blank("en")("They are traitors!")
        >>> token_span(doc, 10, 12, "Doubt").text, token_span(doc, 8, 9, "Doubt").text
        ('traitors', 'are')
    """
    span = doc.char_span(start, end, label=label, alignment_mode="expand", span_id=span_id)
    # The offsets come from an analysis of doc.text, so each falls on a token or on the
    # whitespace after one: expanding always finds a token.
    assert span is not None
    if len(span) > 0:
        return span
    # Only whitespace that trails a token (spaCy keeps it on that token, not as a token of
    # its own) expands to nothing; the fragment then goes to the token it follows.
    return SpacySpan(doc, span.start - 1, span.start, label=label, span_id=span_id)
