"""Attributions: who (source) says (cue) what (content) in an article.

A small tagger head reads the token states the propaganda tagger already computed
(``_head``), its tags are decoded into role spans and grouped into attributions
(``_decode``), and ``_score`` measures them against PolNeAR (read by ``_polnear``).
Not yet part of ``Analysis``.
"""

from ._decode import (
    ROLES,
    TAGS,
    Attribution,
    Decoding,
    decode_attributions,
    decode_spans,
    group,
    quote_baseline,
    tag_tokens,
    words,
)
from ._head import CONFIG_FILE, HEAD_FILE, AttributionHead, owners, token_states
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
