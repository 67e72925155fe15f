"""Comparing two articles of the same story: their techniques side by side, the sentences
that say the same thing (aligned by the encoder's sentence similarity) with the
techniques each uses there, and the quotes both report, with each one's speaker.

``_align`` pairs sentences and quotes (pure functions), ``_comparison`` builds the
:class:`Comparison` from two analyses and their sentence vectors, ``_embed`` runs the
model for the vectors (and the analyses), and ``_terminal`` draws a comparison as tables.
"""

from ._align import cosine_similarity, greedy_pairs, jaccard, overlaps, pool_sentences, words
from ._comparison import (
    AlignedSentences,
    CompareOptions,
    Comparison,
    Passage,
    Quote,
    SharedQuote,
    Side,
    TechniqueShare,
    aligned_sentences,
    compare,
    shared_quotes,
    technique_shares,
    top_fragments,
)
from ._embed import analyze_side, compare_analyses, compare_texts, sentence_vectors
from ._terminal import print_comparison, render_comparison

__all__ = [
    "AlignedSentences",
    "CompareOptions",
    "Comparison",
    "Passage",
    "Quote",
    "SharedQuote",
    "Side",
    "TechniqueShare",
    "aligned_sentences",
    "analyze_side",
    "compare",
    "compare_analyses",
    "compare_texts",
    "cosine_similarity",
    "greedy_pairs",
    "jaccard",
    "overlaps",
    "pool_sentences",
    "print_comparison",
    "render_comparison",
    "sentence_vectors",
    "shared_quotes",
    "technique_shares",
    "top_fragments",
    "words",
]
