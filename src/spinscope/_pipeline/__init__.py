"""The analysis pipeline: text -> pieces -> windows -> encoder -> spans -> Analysis."""

from ._analysis import Analysis, Sentence, Span, Summary, build_analysis
from ._config import ModelConfig
from ._decode import B_TAG, I_TAG, chars_to_token_span, join_nearby, merge_overlapping
from ._features import N_FEATURES, ArticleIndex, span_features
from ._model import Model, choose_techniques, default_model_path
from ._tokens import encode_article, pack_windows, prepare_tokenizer
from ._windows import plan_windows, span_window

__all__ = [
    "B_TAG",
    "I_TAG",
    "N_FEATURES",
    "Analysis",
    "ArticleIndex",
    "Model",
    "ModelConfig",
    "Sentence",
    "Span",
    "Summary",
    "build_analysis",
    "chars_to_token_span",
    "choose_techniques",
    "default_model_path",
    "encode_article",
    "join_nearby",
    "merge_overlapping",
    "pack_windows",
    "plan_windows",
    "prepare_tokenizer",
    "span_features",
    "span_window",
]
