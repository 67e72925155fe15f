"""The articles of a fine-tune and its figures (no torch): which corrected articles are
fitted and which held out, which of the original corpus's articles are mixed in, and both
models scored side by side on the same articles.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from .._pipeline import Model, ModelConfig
from .._semeval import Corpus, Report, evaluate, validation_ids
from ._finetune_card import (
    FIGURES,
    HELD_OUT,
    ORIGINAL_VALIDATION,
    FinetuneOptions,
    FinetuneResult,
)

__all__ = [
    "HELD_OUT",
    "ORIGINAL_VALIDATION",
    "Plan",
    "compare",
    "new_id",
    "scored_sets",
    "validation_figures",
]


@dataclass(frozen=True)
class Plan:
    """Which articles fit, which validate, which come from the original corpus."""

    fit: Corpus
    val: Corpus
    corrected_ids: list[str]
    mixed_ids: list[str]

    @classmethod
    def of(cls, corrections: Corpus, mix: Corpus | None, seed: int) -> Plan:
        """Every 5th corrected article by id held out; with ``mix``, as many of its
        training articles (not its validation ones, nor any corrected id) as corrected
        articles fit, drawn with ``seed``.

        Example:
            >>> c = Corpus({str(i): "x" for i in range(10)}, [])
            >>> plan = Plan.of(c, Corpus({"90": "y", "91": "z"}, []), 1)
            >>> sorted(plan.val.articles), len(plan.corrected_ids), len(plan.mixed_ids)
            (['4', '9'], 8, 2)
        """
        val_ids = validation_ids(corrections.articles)
        fit_ids = sorted(set(corrections.articles) - set(val_ids))
        mixed: list[str] = []
        if mix is not None:
            pool = sorted(set(mix.articles) - set(validation_ids(mix.articles)))
            pool = [a for a in pool if a not in corrections.articles]
            mixed = sorted(random.Random(seed).sample(pool, min(len(fit_ids), len(pool))))
        fit = corrections.subset(fit_ids)
        if mixed:
            extra = mix.subset(mixed) if mix is not None else Corpus({}, [])
            fit = Corpus({**fit.articles, **extra.articles}, fit.labels + extra.labels)
        return cls(fit, corrections.subset(val_ids), fit_ids, mixed)


def new_id(source: ModelConfig, plan: Plan, o: FinetuneOptions) -> str:
    """The source's id, the date and a digest of what the model was fitted on and how:
    two teams' models, or two rounds of one team's, do not share an id (and so do not share
    analyses in a store) unless they were made alike.

    Example:
        >>> plan = Plan.of(Corpus({"1": "Lies."}, []), None, 13)
        >>> new_id(ModelConfig("old"), plan, FinetuneOptions()).startswith("old-ft")
        True
    """
    digest = hashlib.sha256()
    for corpus in (plan.fit, plan.val):
        for aid in sorted(corpus.articles):
            digest.update(f"{aid}\0{corpus.articles[aid]}\0".encode())
        digest.update(json.dumps([asdict(lb) for lb in corpus.labels]).encode())
    how = (o.epochs, o.lr, o.seed, o.max_steps, o.retune_min, o.device)
    digest.update(repr(how).encode())
    return f"{source.model_id}-ft{date.today():%Y%m%d}-{digest.hexdigest()[:8]}"


def scored_sets(plan: Plan, corrections: Corpus, o: FinetuneOptions) -> dict[str, Corpus]:
    """The articles both models are scored on: the held-out corrections and the original
    corpus's validation articles (those not corrected).

    Example:
        >>> plan = Plan.of(Corpus({str(i): "x" for i in range(5)}, []), None, 13)
        >>> sets = scored_sets(plan, plan.val, FinetuneOptions())
        >>> {name: sorted(corpus.articles) for name, corpus in sets.items()}
        {'held-out corrections': ['4']}
    """
    sets = {HELD_OUT: plan.val}
    if o.original is not None:
        held = validation_ids(o.original.articles)
        kept = [a for a in held if a not in corrections.articles]
        sets[ORIGINAL_VALIDATION] = o.original.subset(kept)
    return sets


def _figures(report: Report) -> dict[str, float]:
    figures = report.to_dict()
    values = (figures["si"]["f1"], figures["tc_micro_f1"], figures["e2e_micro"]["f1"])
    return dict(zip(FIGURES, (*values, figures["e2e_macro_f1"]), strict=True))


def compare(
    original: Model, new: Model, sets: dict[str, Corpus]
) -> tuple[dict[str, Any], dict[str, Report]]:
    """Both models scored on each named set of articles (the sets without articles left
    out): ``{name: {"articles": n, "original": figures, "new": figures}}``, and the new
    model's full reports.

    Example:
        >>> # figures, _ = compare(Model.load(a), Model.load(b), {"held-out": val})
    """
    figures: dict[str, Any] = {}
    reports: dict[str, Report] = {}
    for name, corpus in sets.items():
        if not corpus.articles:
            continue
        reports[name] = evaluate(new, corpus)
        figures[name] = {
            "articles": len(corpus.articles),
            "original": _figures(evaluate(original, corpus)),
            "new": _figures(reports[name]),
        }
    return figures, reports


def validation_figures(result: FinetuneResult, plan: Plan) -> dict[str, Any]:
    """``config.validation`` of the new model: its figures on the held-out corrections, the
    original model's own figures, and the new model's on the original corpus.

    Example:
        >>> from pathlib import Path
        >>> plan = Plan.of(Corpus({"1": "x"}, []), None, 13)
        >>> r = FinetuneResult(Path("o"), "new", "old", {"si_f1": 0.4}, {}, 1)
        >>> validation_figures(r, plan)["original_model"]
        {'model_id': 'old', 'si_f1': 0.4}
    """
    figures: dict[str, Any] = {
        "split": f"every 5th corrected article by id ({len(plan.val.articles)} articles)"
    }
    if HELD_OUT in result.comparison:
        figures.update(result.comparison[HELD_OUT]["new"])
    figures["original_model"] = {"model_id": result.source_id, **result.source_validation}
    if ORIGINAL_VALIDATION in result.comparison:
        on = result.comparison[ORIGINAL_VALIDATION]
        figures["original_corpus"] = {
            "split": f"every 5th article by id, not corrected ({on['articles']} articles)",
            **on["new"],
            "original_model": on["original"],
        }
    return figures
