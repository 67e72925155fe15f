"""``spinscope evaluate``: score a prediction file, or the model on a labelled corpus, and
print the figures."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from .._errors import InputError
from .._semeval import (
    Corpus,
    TechniqueScores,
    cross_validate,
    format_cv,
    format_scores,
    load_cv_folder,
    read_labels,
    score_e2e,
    score_si,
    score_tc,
    validation_ids,
)
from .._semeval import evaluate as evaluate_model
from .._settings import Settings
from .._techniques import get_technique
from . import _util

if TYPE_CHECKING:
    from .._pipeline import Model


class Task(StrEnum):
    si = "si"
    tc = "tc"
    e2e = "e2e"
    all = "all"


def _technique_table(title: str, scores: TechniqueScores) -> Table:
    table = Table(title=title, show_edge=False)
    for col in ("technique", "gold", "pred", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "technique" else "right")
    for name, s in scores.per_technique.items():
        table.add_row(
            get_technique(name).title,
            str(s.n_gold),
            str(s.n_pred),
            f"{s.precision:.4f}",
            f"{s.recall:.4f}",
            f"{s.f1:.4f}",
        )
    return table


def evaluate_files(
    gold_path: Path, pred_path: Path, task: str, console: Console
) -> dict[str, float]:
    """Score a prediction file against a gold file; print the figures; return the main ones."""
    gold = read_labels(gold_path)
    pred = read_labels(pred_path)
    figures: dict[str, float] = {}
    if task in ("si", "all"):
        si = score_si(gold, pred)
        console.print(
            f"SI  F1 {si.f1:.4f}  precision {si.precision:.4f}  recall {si.recall:.4f}  "
            f"(pred {si.n_pred}, gold {si.n_gold} after merging)",
            highlight=False,
        )
        figures["si_f1"] = si.f1
    if task in ("tc", "e2e", "all") and any(lb.technique is None for lb in gold + pred):
        raise InputError(f"task {task} needs a technique in every line of both files")
    if task == "tc":
        tc = score_tc(gold, pred)
        console.print(
            f"TC  micro-F1 {tc.micro.f1:.4f}  ({int(tc.micro.precision_sum)} of "
            f"{tc.micro.n_gold} gold spans labelled right)",
            highlight=False,
        )
        console.print(_technique_table("TC per technique", tc))
        figures["tc_micro_f1"] = tc.micro.f1
    if task in ("e2e", "all"):
        e2e = score_e2e(gold, pred)
        console.print(
            f"E2E micro-F1 {e2e.micro.f1:.4f}  precision {e2e.micro.precision:.4f}  "
            f"recall {e2e.micro.recall:.4f}  macro-F1 {e2e.macro_f1:.4f}",
            highlight=False,
        )
        console.print(_technique_table("End to end per technique", e2e))
        figures["e2e_micro_f1"] = e2e.micro.f1
        figures["e2e_macro_f1"] = e2e.macro_f1
    return figures


def evaluate_corpus(
    model: Model, folder: Path, console: Console, as_json: bool, validation_only: bool = False
) -> None:
    """Run the model over a PTC-format folder and print SI, TC and end-to-end figures.

    With ``validation_only``, only the fixed validation split (every 5th article by id) is
    scored, and the baseline's most frequent technique comes from the other articles.
    """
    corpus = Corpus.load(folder)
    if validation_only:
        val = validation_ids(corpus.articles)
        rest = corpus.subset(set(corpus.articles) - set(val))
        report = evaluate_model(model, corpus.subset(val), rest.labels)
    else:
        report = evaluate_model(model, corpus)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_scores(report) + "\n")


def evaluate_cv(cv_folder: Path, corpus_folder: Path, settings: Settings, as_json: bool) -> None:
    """Score each fold model of ``cv_folder`` on its held-out articles of ``corpus_folder``;
    print pooled and per-fold figures (mean and spread), per technique too."""
    from .._pipeline import Model

    folds, dirs = load_cv_folder(cv_folder)
    corpus = Corpus.load(corpus_folder)
    report = cross_validate(corpus, folds, lambda k: Model.load(dirs[k], settings))
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    else:
        sys.stdout.write(format_cv(report) + "\n")


def evaluate(
    gold: Annotated[Path | None, typer.Option(help="Gold labels (SemEval format).")] = None,
    pred: Annotated[Path | None, typer.Option(help="Predicted labels (SemEval format).")] = None,
    task: Annotated[Task, typer.Option(help="si, tc, e2e, or all (si and e2e).")] = Task.all,
    corpus: Annotated[
        Path | None, typer.Option(help="Run the model on a PTC folder and score it.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="With --corpus: print JSON.")] = False,
    validation: Annotated[
        bool,
        typer.Option(
            "--validation", help="With --corpus: score only the validation split (every 5th id)."
        ),
    ] = False,
    cv: Annotated[
        Path | None,
        typer.Option(
            "--cv",
            help="With --corpus: cross-validate; a folder of folds.json and fold0/, fold1/, ... "
            "models, each scored on the articles of its fold.",
        ),
    ] = None,
    model: _util.ModelOption = None,
) -> None:
    """Score predictions (--gold/--pred) or the model itself on a labelled corpus (--corpus)."""
    console, _ = _util.consoles()
    if cv is not None and corpus is not None:
        evaluate_cv(cv, corpus, Settings.from_env(), as_json)
    elif cv is not None:
        raise InputError("--cv needs --corpus, the labelled articles the folds divide")
    elif corpus is not None:
        evaluate_corpus(_util.load_model(model), corpus, console, as_json, validation)
    elif gold is not None and pred is not None:
        evaluate_files(gold, pred, task.value, console)
    else:
        raise InputError("give --gold and --pred, or --corpus")
