"""The analysis pipeline: text -> pieces -> windows -> encoder -> spans -> Analysis.

:class:`Model` runs it (``_model``); the stages are ``_loading`` (model directory ->
sessions, through ``_session``), ``_encoder`` (windows -> token states), ``_candidates``
and ``_heads`` (spans and their technique probabilities) and ``_choose`` (-> Analysis);
``_stream`` runs them over many articles at once.
"""

from ._analysis import Analysis, Sentence, Span, Summary, build_analysis
from ._choose import Candidate, calibrate, choose_techniques
from ._config import ModelConfig
from ._decode import B_TAG, I_TAG, chars_to_token_span, join_nearby, merge_overlapping
from ._features import N_FEATURES, ArticleIndex, span_features
from ._loading import MODEL_FILES, default_model_path
from ._model import Model
from ._reading import Forward
from ._session import InferenceSession, open_session
from ._tokens import encode_article, pack_windows, prepare_tokenizer
from ._windows import plan_windows, span_window

__all__ = [
    "B_TAG",
    "I_TAG",
    "MODEL_FILES",
    "N_FEATURES",
    "Analysis",
    "ArticleIndex",
    "Candidate",
    "Forward",
    "InferenceSession",
    "Model",
    "ModelConfig",
    "Sentence",
    "Span",
    "Summary",
    "build_analysis",
    "calibrate",
    "chars_to_token_span",
    "choose_techniques",
    "default_model_path",
    "encode_article",
    "join_nearby",
    "merge_overlapping",
    "open_session",
    "pack_windows",
    "plan_windows",
    "prepare_tokenizer",
    "span_features",
    "span_window",
]
