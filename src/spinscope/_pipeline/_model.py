"""The runtime model: the fine-tuned network as ONNX, run with onnxruntime (no torch).

:class:`Model` only orchestrates; the stages are modules of their own, in the order a
text goes through them:

1. ``_loading``: a model directory -> a :class:`~._loading.Network` (config, tokenizer
   and the sessions, opened by ``_session.open_session``);
2. ``_encoder``: pieces of text -> windows -> tagger runs -> per-token BIO probabilities
   and token states;
3. ``_candidates``: BIO probabilities -> word-snapped character spans, and ``_heads``:
   the technique heads' probabilities for them; when the model has an attribution head,
   ``_attrhead`` reads the same token states for who says what (``_roles`` decodes it);
4. ``_choose``: candidates -> spans with calibrated confidences -> :class:`Analysis`, and
   ``_voices``: statements with named speakers (``_speakers``), each span's voice.

``_stream`` runs stages 2-3 over many articles at once (:meth:`Model.pipe`);
``_reading`` keeps or reads states for training and evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tokenizers import Tokenizer

from .._errors import InputError
from .._settings import Settings
from ._analysis import Analysis, Span
from ._attrhead import AttributionHead
from ._choose import Candidate, Request, choose_techniques, make_request, text_error, to_analysis
from ._config import ModelConfig
from ._heads import Heads
from ._loading import Network, load_network, model_folder
from ._members import Member
from ._reading import (
    Forward,
    forward,
    forward_attributions,
    forward_candidates,
    forward_span_inputs,
    technique_probs,
)
from ._session import InferenceSession
from ._span_filter import SpanFilter
from ._stacker import TechniqueStacker
from ._stream import find_candidates

PACK_ARTICLES = False
"""Default of ``Model.pipe``: batch each article on its own, so every result is the one
``Model.analyze`` gives. Packing articles was no faster on news articles (their windows
are already full) and moved spans in 84 of 100 (see ``_stream``)."""


class Model:
    """A loaded spinscope model. Thread-safe: analyzing reads but never mutates it.

    Example:
        >>> # model = Model.load(); model.analyze("They are traitors!").summary.line()
    """

    def __init__(
        self,
        path: Path,
        config: ModelConfig,
        tokenizer: Tokenizer,
        tagger: InferenceSession,
        span_head: InferenceSession,
        e2e_head: InferenceSession | None,
        settings: Settings,
        pool: Executor | None = None,
        attribution_head: AttributionHead | None = None,
        stacker: TechniqueStacker | None = None,
        span_filter: SpanFilter | None = None,
        members: Sequence[Member] = (),
    ) -> None:
        self.path = path
        heads = Heads(span_head, e2e_head)
        self._network = Network(
            tokenizer,
            config,
            tagger,
            heads,
            settings,
            pool,
            attribution_head,
            None,
            stacker,
            span_filter,
            tuple(members),
        )

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        settings: Settings | None = None,
        tagger_file: str = "tagger.onnx",
    ) -> Model:
        """Load a model directory (the shipped model when ``path`` is ``None``);
        ``tagger_file`` picks another tagger file of it (training compares fp32 and int8).

        Raises:
            ModelError: when a file is missing or unreadable.
        """
        settings = settings or Settings()
        folder = model_folder(path, settings)
        return cls._of(folder, load_network(folder, settings, tagger_file))

    @classmethod
    def _of(cls, path: Path, net: Network) -> Model:
        # A loaded network already holds every part (evidence, stacker, span filter), so
        # the model wraps it rather than building another from the parts.
        model = cls.__new__(cls)
        model.path = path
        model._network = net
        return model

    def with_config(self, config: ModelConfig) -> Model:
        """The same network under another decoding configuration (sessions are shared)."""
        return Model._of(self.path, replace(self._network, config=config))

    @property
    def config(self) -> ModelConfig:
        return self._network.config

    @property
    def tokenizer(self) -> Tokenizer:
        return self._network.tokenizer

    @property
    def settings(self) -> Settings:
        return self._network.settings

    @property
    def model_id(self) -> str:
        return self.config.model_id

    @property
    def span_filter(self) -> SpanFilter | None:
        """The span filter of the model directory (``None``: every candidate is kept)."""
        return self._network.span_filter

    @property
    def attribution_head(self) -> AttributionHead | None:
        """The head that finds who says what, or ``None``: the model directory has none."""
        return self._network.attribution_head

    # -- analysis ---------------------------------------------------------------------

    def analyze(
        self,
        text: str | Forward,
        threshold: float | None = None,
        techniques: list[str] | None = None,
    ) -> Analysis:
        """Analyze one article.

        Args:
            text: The article's plain text; offsets refer to it unchanged. Or its
                :class:`Forward` from this model's network (:meth:`forward`): its kept
                states are decoded again, no inference; the same analysis as from the text
                while windows run one at a time (``settings.batch_windows`` 1, the default).
            threshold: Minimum confidence; the model's tuned default when ``None``.
            techniques: Keep only these techniques (labels, parts or titles).

        Raises:
            InputError: for empty or whitespace-only text, a threshold outside [0, 1] or an
                unknown technique.

        Example:
            >>> # model.analyze("They lie.").spans; model.analyze(model.forward(text)).spans
        """
        error = text_error(text if isinstance(text, str) else text.text)
        if error is not None:
            raise error
        request = make_request(self.config, threshold, techniques)
        if isinstance(text, Forward):
            net = self._network
            found = forward_candidates(net, text, self.config.span_threshold)
            said = forward_attributions(net, text)
            return to_analysis(text.text, found, self.config, request, said, net.evidence)
        (result,) = self._analyses([text], request, self.settings.batch_windows, False)
        assert isinstance(result, Analysis)
        return result

    def pipe(
        self,
        texts: Iterable[str],
        batch_size: int | None = None,
        threshold: float | None = None,
        techniques: list[str] | None = None,
        pack_articles: bool = PACK_ARTICLES,
    ) -> Iterator[Analysis]:
        """Analyze many articles, yielding their analyses in input order as they are done.

        Like :meth:`pipe_results`, but the first text that cannot be analyzed (empty or only
        whitespace) raises its :class:`InputError` there, after the analyses before it.

        Example:
            >>> # for analysis in model.pipe(texts): print(analysis.summary.line())
        """
        results = self.pipe_results(texts, batch_size, threshold, techniques, pack_articles)
        return _raise_errors(results)

    def pipe_results(
        self,
        texts: Iterable[str],
        batch_size: int | None = None,
        threshold: float | None = None,
        techniques: list[str] | None = None,
        pack_articles: bool = PACK_ARTICLES,
    ) -> Iterator[Analysis | InputError]:
        """Analyze many articles; yield, in input order, each one's :class:`Analysis`, or
        the :class:`InputError` of a text that cannot be analyzed, and go on.

        ``texts`` is read lazily, a bounded way ahead, so memory stays bounded; with a list
        of inputs, ``zip(inputs, model.pipe_results(text_of(i) for i in inputs))`` pairs
        each with its result.

        Args:
            batch_size: Encoder windows per run (``settings.batch_windows`` when ``None``).
            threshold, techniques: As for :meth:`analyze`; checked once, at the call.
            pack_articles: Fill encoder runs with windows of several articles, sorted by
                length within a bounded lookahead. Faster on many short articles, but the
                int8 tagger's numbers then depend slightly on the neighbouring articles;
                off, every result is the one :meth:`analyze` gives.

        Raises:
            InputError: at the call, for a threshold outside [0, 1] or an unknown technique.

        Example:
            >>> # results = model.pipe_results(["They lie!", ""]); next(results).spans
        """
        request = make_request(self.config, threshold, techniques)
        size = self.settings.batch_windows if batch_size is None else batch_size
        items = (_checked(text) for text in texts)
        return self._analyses(items, request, size, pack_articles)

    def _analyses(
        self, items: Iterable[str | InputError], request: Request, batch_size: int, pack: bool
    ) -> Iterator[Analysis | InputError]:
        threshold = self.config.span_threshold
        for found in find_candidates(self._network, items, threshold, batch_size, pack):
            if isinstance(found, InputError):
                yield found
            else:
                yield to_analysis(
                    found.text,
                    found.candidates,
                    self.config,
                    request,
                    found.attributions,
                    self._network.evidence,
                )

    # -- the stages' outputs, for training and evaluation ----------------------------

    def predict(self, text: str) -> list[Span]:
        """All spans the model finds, with calibrated confidences, before any threshold."""
        return choose_techniques(self.candidates(text), self.config)

    def candidates(
        self, source: Forward | str, span_threshold: float | None = None
    ) -> list[Candidate]:
        """Decode spans and give each its technique probabilities; from a :class:`Forward`
        its kept states are decoded again (no inference)."""
        threshold = self.config.span_threshold if span_threshold is None else span_threshold
        if isinstance(source, Forward):
            return forward_candidates(self._network, source, threshold)
        batch = self.settings.batch_windows
        (found,) = find_candidates(self._network, [source], threshold, batch)
        assert not isinstance(found, InputError)  # only checked texts can fail
        return found.candidates

    def forward(self, text: str) -> Forward:
        """Run the encoder over ``text`` and keep its states, to decode them again cheaply."""
        return forward(self._network, text)

    def span_inputs(
        self, forward: Forward, spans: list[tuple[int, int]]
    ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        """Head inputs and classification probabilities of ``spans`` from kept states."""
        return forward_span_inputs(self._network, forward, spans)

    def technique_probs(
        self, text: str | Forward, spans: list[tuple[int, int]], stacked: bool = True
    ) -> npt.NDArray[np.float32]:
        """Technique probabilities ``(len(spans), 14)`` for given character spans (the TC
        task); ``stacked=False`` skips the technique stacker (the span head's own). From a
        :class:`Forward` its kept states are read again (no inference).

        Raises:
            InputError: for a span outside the text or covering no token.
        """
        return technique_probs(self._network, text, spans, stacked)


def _checked(text: str) -> str | InputError:
    return text_error(text) or text


def _raise_errors(results: Iterator[Analysis | InputError]) -> Iterator[Analysis]:
    for result in results:
        if isinstance(result, InputError):
            raise result
        yield result
