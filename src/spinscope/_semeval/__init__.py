"""The SemEval-2020 Task 11 corpus format, its official scoring, and evaluation of a model."""

from ._corpus import (
    Corpus,
    Label,
    article_id,
    format_labels,
    parse_labels,
    read_articles,
    read_labels,
    validation_ids,
)
from ._cv import CVReport, cross_validate, format_cv, load_cv_folder
from ._evaluate import Report, classify_labels, evaluate, format_scores, predict_labels
from ._folds import cv_folds, near_duplicate_groups
from ._scorer import SpanScore, TechniqueScores, score_e2e, score_si, score_tc

__all__ = [
    "CVReport",
    "Corpus",
    "Label",
    "Report",
    "SpanScore",
    "TechniqueScores",
    "article_id",
    "classify_labels",
    "cross_validate",
    "cv_folds",
    "evaluate",
    "format_cv",
    "format_labels",
    "format_scores",
    "load_cv_folder",
    "near_duplicate_groups",
    "parse_labels",
    "predict_labels",
    "read_articles",
    "read_labels",
    "score_e2e",
    "score_si",
    "score_tc",
    "validation_ids",
]
