"""The model's side of a comparison: sentence vectors from the tagger's token states, and
two texts analyzed and compared.

A sentence's vector is the mean of its tokens' states, each read from the window where
the token sits furthest from an edge (:func:`spinscope._pipeline.token_states`, the
states the attribution head reads). ``Model.analyze`` drops the states once a piece is
decoded, so they are computed again here by one more encoder run per article
(:meth:`Model.forward`); for a news article that is a few tens of milliseconds, and the
pipeline stays as it is.

The default alignment threshold, a cosine of 0.75, was measured with the shipped model on
20 pairs of different articles of the PTC training split: 0.13% of their sentence pairs
reach it (0.03% reach 0.8), while the same sentence set among other sentences, so read
in another context, reaches it 90% of the time (76% at 0.8). The tagger was trained to
find propaganda, not meaning, so its states score a paraphrase lower than a repeat: two
reports' rewordings of one fact scored 0.79 and 0.82, and unrelated sentences of one
story up to 0.74.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .._errors import InputError
from .._pipeline import Analysis, token_states
from ._align import pool_sentences
from ._comparison import CompareOptions, Comparison, compare

if TYPE_CHECKING:
    from .._pipeline import Model


def sentence_vectors(model: Model, analysis: Analysis) -> npt.NDArray[np.float32]:
    """One vector per sentence of ``analysis``: the mean of its tokens' states.

    Example:
        >>> # sentence_vectors(model, model.analyze(text)).shape == (len(sentences), 384)
    """
    states, offsets = token_states(model.forward(analysis.text).pieces)
    return pool_sentences(states, offsets, [(s.start, s.end) for s in analysis.sentences])


def compare_analyses(
    model: Model,
    a: Analysis,
    b: Analysis,
    options: CompareOptions | None = None,
    sources: tuple[str, str] = ("A", "B"),
) -> Comparison:
    """Compare two analyses, their sentence vectors read by ``model`` (the one that
    analyzed them, so that the techniques and the states agree).

    Example:
        >>> # compare_analyses(model, model.analyze(a), model.analyze(b)).sentences
    """
    vectors = sentence_vectors(model, a), sentence_vectors(model, b)
    return compare(a, b, *vectors, options=options, sources=sources)


def analyze_side(model: Model, text: str, source: str, threshold: float | None) -> Analysis:
    """``model.analyze(text)``, an error naming ``source`` (``a: the text is empty``).

    Raises:
        InputError: for an empty text or a threshold outside [0, 1].

    Example:
        >>> # analyze_side(model, "", "a", None)  # InputError: a: the text is empty
    """
    try:
        return model.analyze(text, threshold)
    except InputError as exc:
        # The same class (TooLargeError stays a 413), the message names the side.
        raise type(exc)(f"{source}: {exc}") from None


def compare_texts(
    model: Model,
    text_a: str,
    text_b: str,
    options: CompareOptions | None = None,
    sources: tuple[str, str] = ("A", "B"),
    threshold: float | None = None,
) -> Comparison:
    """Analyze two texts with ``model`` (spans at ``threshold``, the model's default
    when ``None``) and compare them.

    Raises:
        InputError: for an empty text (naming its source) or a bad threshold.

    Example:
        >>> # compare_texts(spinscope.load_model(), text_a, text_b).to_dict()["quotes"]
    """
    a = analyze_side(model, text_a, sources[0], threshold)
    b = analyze_side(model, text_b, sources[1], threshold)
    return compare_analyses(model, a, b, options, sources)
