"""Attributions: who (source) says (cue) what (content) in an article.

``_polnear`` reads PolNeAR and ``_score`` measures extracted attributions against it. The
run-time parts live in ``_pipeline`` because ``Model.analyze`` runs them (the head over
the tagger's token states, the decoding of its tags, speaker names); they are re-exported
here, so training and benchmarks find everything about attributions in one place.
"""

from .._pipeline import (
    CONFIG_FILE,
    HEAD_FILE,
    ROLES,
    TAGS,
    Attribution,
    AttributionHead,
    Decoding,
    decode_attributions,
    decode_spans,
    group,
    owners,
    quote_baseline,
    tag_tokens,
    token_states,
    words,
)
from ._polnear import Document, annotation_files, parse_ann, parse_fragments, read_split
from ._score import Counts, Scores, chars, count, score_corpus, scores

__all__ = [
    "CONFIG_FILE",
    "HEAD_FILE",
    "ROLES",
    "TAGS",
    "Attribution",
    "AttributionHead",
    "Counts",
    "Decoding",
    "Document",
    "Scores",
    "annotation_files",
    "chars",
    "count",
    "decode_attributions",
    "decode_spans",
    "group",
    "owners",
    "parse_ann",
    "parse_fragments",
    "quote_baseline",
    "read_split",
    "score_corpus",
    "scores",
    "tag_tokens",
    "token_states",
    "words",
]
