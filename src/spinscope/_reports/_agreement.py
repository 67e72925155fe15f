"""How far a model agrees with people (``spinscope agreement``): its stored spans scored
against the human labels of the articles people labelled, with the SemEval-2020 Task 11
scorer of :mod:`spinscope._semeval`.

The human labels are the gold and the model's spans the prediction, so precision is the
share of what the model flags that people flag too, and recall the share of what people
flag that the model finds; both with the scorer's partial-overlap credit, per technique
(a span counts only against labels of its technique), micro- and macro-averaged, and for
span identification (any technique). Only articles with both human labels and an analysis
matching the filters count; an article labelled with no span at all counts too (every
model span there is a false positive).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._errors import InputError
from .._semeval import Label, SpanScore, TechniqueScores, score_e2e, score_si

if TYPE_CHECKING:
    from .._pipeline import Span
    from .._store import Filters, HumanLabel, HumanView, Store

_NONE = SpanScore(0.0, 0.0, 0, 0)


def score_dict(score: SpanScore) -> dict[str, Any]:
    """A score's figures as JSON: precision, recall, F1 and the spans on each side (as the
    scorer counts them: overlapping spans of one side merged).

    Example:
        >>> score_dict(SpanScore(1.0, 0.5, 2, 1))
        {'human': 1, 'model': 2, 'precision': 0.5, 'recall': 0.5, 'f1': 0.5}
    """
    return {
        "human": score.n_gold,
        "model": score.n_pred,
        "precision": round(score.precision, 4),
        "recall": round(score.recall, 4),
        "f1": round(score.f1, 4),
    }


@dataclass(frozen=True)
class Agreement:
    """A model's spans scored against human labels.

    Attributes:
        filters: The filters, their model filled in.
        articles: Labelled articles compared (with an analysis matching the filters).
        labelled: Articles with human labels in the whole store.
        si: Span identification: the spans, whatever their technique.
        e2e: Per technique, and micro-averaged over them.
    """

    filters: Filters
    articles: int
    labelled: int
    si: SpanScore
    e2e: TechniqueScores

    def to_dict(self) -> dict[str, Any]:
        """Every figure as a JSON-ready dict."""
        return {
            "model": self.filters.model_id,
            "filters": self.filters.to_dict(),
            "articles": self.articles,
            "labelled": self.labelled,
            "span_identification": score_dict(self.si),
            "micro": score_dict(self.e2e.micro),
            "macro_f1": round(self.e2e.macro_f1, 4),
            "techniques": [
                {"technique": name} | score_dict(s)
                for name, s in sorted(self.e2e.per_technique.items())
            ],
        }


def _labels(key: str, found: tuple[HumanLabel, ...] | tuple[Span, ...]) -> list[Label]:
    return [Label(key, s.start, s.end, s.technique) for s in found]


def agreement(store: Store, filters: Filters) -> Agreement:
    """The agreement of the analyses matching ``filters`` (by the latest stored model when
    they name none) with the human labels of their articles.

    The scorer's sums are added article by article, which is what scoring them all at
    once adds up to, so memory stays one page of articles.

    Raises:
        InputError: when the store holds no human labels, or none of the labelled
            articles has an analysis matching the filters.

    Example:
        >>> from spinscope._store import Filters, Store
        >>> agreement(Store.open("sqlite://"), Filters())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: the store holds no human labels: ...
    """
    from .._store import annotated_count, iter_annotated, resolve

    labelled = annotated_count(store)
    if not labelled:
        raise InputError(
            "the store holds no human labels: add them with spinscope import PATH -f FORMAT "
            "--db STORE"
        )
    f = resolve(store, filters)
    n, si, micro = 0, _NONE, _NONE
    per: dict[str, SpanScore] = {}
    for row in iter_annotated(store, f):
        n += 1
        gold, pred = _labels(row.key, row.labels), _labels(row.key, row.spans)
        si = si + score_si(gold, pred)
        scores = score_e2e(gold, pred)
        micro = micro + scores.micro
        for name, s in scores.per_technique.items():
            per[name] = per.get(name, _NONE) + s
    if not n:
        raise InputError(
            f"none of the {labelled:,} labelled articles has an analysis by model "
            f"{f.model_id or '(none stored)'} matching the filters"
        )
    return Agreement(f, n, labelled, si, TechniqueScores(micro, per))


def agreement_json(result: Agreement | HumanView) -> str:
    """``result`` as indented JSON: the agreement's figures, or one article's labels and
    spans with the article's own figures (:func:`view_dict`).

    Example:
        >>> from spinscope._store import HumanView
        >>> v = HumanView("7", "Lies!", "brat", "a", "t", (), None, None, ())
        >>> json.loads(agreement_json(v))["agreement"]["f1"]
        0.0
    """
    doc = result.to_dict() if isinstance(result, Agreement) else view_dict(result)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def view_scores(view: HumanView) -> TechniqueScores:
    """One article's model spans scored against its human labels.

    Example:
        >>> from spinscope._store import HumanLabel, HumanView
        >>> v = HumanView("7", "Lies!", "brat", "a", "t", (HumanLabel(0, 4, "Doubt"),),
        ...               None, None, ())
        >>> view_scores(v).micro.recall
        0.0
    """
    return score_e2e(_labels(view.key, view.labels), _labels(view.key, view.spans))


def view_dict(view: HumanView) -> dict[str, Any]:
    """One article's labels and spans (:meth:`HumanView.to_dict`) with its agreement.

    Example:
        >>> from spinscope._pipeline import Span
        >>> from spinscope._store import HumanLabel, HumanView
        >>> v = HumanView("7", "Lies!", "brat", "a", "t", (HumanLabel(0, 4, "Doubt"),),
        ...               "m", 0.3, (Span(0, 4, "Doubt", 0.9),))
        >>> view_dict(v)["agreement"]["f1"]
        1.0
    """
    return view.to_dict() | {"agreement": score_dict(view_scores(view).micro)}


def article_view(store: Store, key: str, model_id: str | None = None) -> HumanView:
    """The human labels of the article ``key`` beside its spans by ``model_id`` (the
    latest analysis when ``None``).

    Raises:
        InputError: when the article has no human labels.

    Example:
        >>> from spinscope._store import Store
        >>> article_view(Store.open("sqlite://"), "7")
        Traceback (most recent call last):
        ...
        spinscope._errors.InputError: 7: no human labels stored for this article
    """
    from .._store import human_view

    view = human_view(store, key, model_id)
    if view is None:
        raise InputError(f"{key}: no human labels stored for this article")
    return view
