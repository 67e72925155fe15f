"""The model card of a fine-tuned model (``spinscope train --from``): where it started, what
it was fitted on, and its figures beside the original model's, on the same articles.

No torch here: the command line prints :func:`format_comparison` from these figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._semeval import Corpus, Report, format_scores

FIGURES = ("si_f1", "tc_micro_f1", "e2e_micro_f1", "e2e_macro_f1")
HEADINGS = ("SI F1", "TC micro", "e2e micro", "e2e macro")
# The names of the sets both models are scored on, as the card and the table say them.
HELD_OUT = "held-out corrections"
ORIGINAL_VALIDATION = "original corpus validation"


@dataclass(frozen=True)
class FinetuneOptions:
    """How :func:`spinscope.train.finetune` fine-tunes.

    Attributes:
        epochs: Passes over the fitted articles' windows.
        lr: Learning rate of the encoder (the heads: 5 times it).
        seed: Seed of the loop and of the draw of ``mix`` articles.
        max_steps: Stop after this many steps (0: no limit); for smoke runs.
        mix: The original corpus, to fit as many of its training articles as corrected ones
            beside them; ``mix_dir`` says where it was read (for the card).
        original: The original corpus, to score both models on its validation articles;
            ``original_dir`` says where it was read.
        retune_min: Decoding is re-tuned on the held-out corrections from this many
            articles; below, the original's settings are kept.
        command: The command line, for the card.
        device: Where torch fits: ``cpu`` or ``cuda``.
    """

    epochs: int = 2
    lr: float = 2e-5
    seed: int = 13
    max_steps: int = 0
    mix: Corpus | None = None
    mix_dir: str = ""
    original: Corpus | None = None
    original_dir: str = ""
    retune_min: int = 20
    command: str = ""
    device: str = "cpu"


@dataclass(frozen=True)
class FinetuneResult:
    """What :func:`spinscope.train.finetune` made and measured.

    Attributes:
        out: The new model directory.
        model_id: The new model's id.
        source_id: The id of the model it was fine-tuned from.
        source_validation: That model's own validation figures (its ``config.validation``).
        comparison: Per set of articles, both models' figures
            (``{set: {"articles": n, "original": {...}, "new": {...}}}``).
        n_fit: Corrected articles fitted on; ``n_mixed`` original articles fitted beside.
        decoding: ``"kept"`` (MODEL's settings) or ``"re-tuned"`` (on the held-out corrections).
        report: The new model's full figures on the held-out corrections (``None``: none held out).
    """

    out: Path
    model_id: str
    source_id: str
    source_validation: dict[str, Any]
    comparison: dict[str, Any]
    n_fit: int
    n_mixed: int = 0
    decoding: str = "kept"
    report: Report | None = field(default=None, compare=False)


def _row(label: str, model: str, figures: dict[str, Any]) -> str:
    values = "".join(f"{figures[k]:>11.4f}" for k in FIGURES if k in figures)
    return f"{label:<34}{model:<12}{values}"


def comparison_table(result: FinetuneResult) -> str:
    """Both models' figures on the same articles, the original model's own validation
    figures first (with its split in a note below).

    Example:
        >>> figs = dict(zip(FIGURES, (0.4, 0.6, 0.25, 0.12)))
        >>> r = FinetuneResult(Path("o"), "new", "old", {"split": "cv", **figs}, {}, 16)
        >>> print(comparison_table(r).splitlines()[1])
        its own validation (1)            original         0.4000     0.6000     0.2500     0.1200
    """
    lines = [f"{'articles':<34}{'model':<12}" + "".join(f"{h:>11}" for h in HEADINGS)]
    own = result.source_validation
    if any(k in own for k in FIGURES):
        lines.append(_row("its own validation (1)", "original", own))
    for name, sets in result.comparison.items():
        lines.append(_row(f"{name} ({sets['articles']})", "original", sets["original"]))
        lines.append(_row("", "fine-tuned", sets["new"]))
    if any(k in own for k in FIGURES):
        lines += ["", f"(1) as the original's card reports it: {own.get('split', 'unknown')}"]
    return "\n".join(lines)


def format_comparison(result: FinetuneResult) -> str:
    """What was made, and :func:`comparison_table`.

    Example:
        >>> r = FinetuneResult(Path("o"), "new", "old", {}, {}, 16, 16)
        >>> print(format_comparison(r).splitlines()[0])
        fine-tuned new from old on 16 corrected articles and 16 original articles; decoding kept
    """
    mixed = f" and {result.n_mixed} original articles" if result.n_mixed else ""
    head = (
        f"fine-tuned {result.model_id} from {result.source_id} on {result.n_fit} corrected "
        f"articles{mixed}; decoding {result.decoding}"
    )
    return f"{head}\nwritten to {result.out}\n\n{comparison_table(result)}"


def write_finetune_card(folder: Path, meta: dict[str, Any], result: FinetuneResult) -> None:
    """Write ``validation.json`` (every figure and setting) and ``MODEL_CARD.md``.

    Example:
        >>> # write_finetune_card(out, meta, result)  # as spinscope.train.finetune does
    """
    reports = {"report": result.report.to_dict() if result.report is not None else {}}
    (folder / "validation.json").write_text(
        json.dumps({**reports, **meta}, indent=2, sort_keys=True, default=str) + "\n",
        encoding="utf-8",
    )
    parts = [
        _card_head(meta, result),
        _card_start(meta),
        _card_training(meta),
        _card_figures(meta, result),
        _card_limits(meta),
    ]
    (folder / "MODEL_CARD.md").write_text("\n".join(parts), encoding="utf-8")


def _card_head(meta: dict[str, Any], result: FinetuneResult) -> str:
    src = meta["source"]
    mixed = ""
    if meta["mixed_ids"]:
        mixed = (
            f"\nRehearsal: {len(meta['mixed_ids'])} training articles of the original corpus "
            f"(`{meta['mix_dir']}`, drawn by seed, none of its validation articles) were fitted"
            " beside them."
        )
    return f"""# spinscope model card: {result.model_id}

Fine-tuned from `{src["model_id"]}` ({src["encoder"]}, {src["layers"]} layers) on a team's
corrections: token tagger (BIO), span technique classifier and end-to-end multi-label
technique head for the 14 propaganda techniques of SemEval-2020 Task 11, exported to ONNX
with int8 weights. Runs on onnxruntime; no torch needed.

## Data
{meta["n_corrected"]} corrected articles: {len(meta["corrected_fit_ids"])} fitted on, every 5th
by id held out ({len(meta["val_ids"])}; ids in `validation.json`).{mixed}
"""


def _card_start(meta: dict[str, Any]) -> str:
    start = meta["start"]
    if start["from"] == "checkpoint":
        return (
            "## Starting network\nThe torch checkpoint the original was exported from"
            f" (`{start['path']}`).\n"
        )
    a = start["agreement"]
    return f"""## Starting network
Rebuilt from the original's int8 ONNX tagger (`{start["path"]}`): its weights dequantized
into the encoder's architecture. On the first window of {a["windows"]} fitted articles the
rebuilt network's tag probabilities differ from the ONNX session's by at most
{a["max_prob_diff"]} (mean {a["mean_prob_diff"]}; {100 * a["tag_flips"]:.2f}% of tokens change
their most probable tag) and its token states have a mean cosine of {a["hidden_cosine"]}: the
noise of the int8 graph's run-time activation quantization, which the rebuilt network
(float activations) does not add.
"""


def _card_training(meta: dict[str, Any]) -> str:
    tr = meta["train"]
    cfg = meta["config"]
    stopped = f" (stopped after {tr['max_steps']} steps)" if tr["max_steps"] else ""
    if meta["decoding"] == "kept":
        decoding = (
            f"Kept from the original: {len(meta['val_ids'])} held-out articles are too few to"
            f" tune on (re-tuned from {meta['retune_min']})."
        )
    else:
        decoding = (
            "Tuned on the held-out corrections; the figures below are measured on the same"
            " articles, so they are slightly optimistic."
        )
    return f"""## Command
```
{meta["command"]}
```
Seed {tr["seed"]}; {tr["epochs"]} epochs{stopped}, batch {tr["batch_size"]}, learning rate
{tr["lr"]} (heads {tr["head_lr"]}), windows of {tr["window_size"]} tokens overlapping by
{tr["window_overlap"]}; {meta["windows"]} windows. Fitting took {meta["fit_seconds"]:.0f} s on
{meta["machine"]}. End-to-end head: {meta["e2e_from"]}, on {meta["e2e_head_rows"]} spans of
the fitted articles. int8 shipped; mean cosine of token states fp32/int8:
{meta["hidden_cosine"]:.4f}.

## Decoding
{decoding} Span threshold {cfg["span_threshold"]}, passage gap {cfg["si_merge_gap"]},
label floor {cfg["label_floor"]}, confidence threshold {cfg["confidence_threshold"]},
calibration ({cfg["calibration"][0]:.3f}, {cfg["calibration"][1]:.3f}).
"""


def _card_figures(meta: dict[str, Any], result: FinetuneResult) -> str:
    own = result.source_validation
    sets = []
    if HELD_OUT in result.comparison:
        sets.append(f"the {HELD_OUT}, which neither model was fitted on")
    if ORIGINAL_VALIDATION in result.comparison:
        sets.append(
            f"the original corpus's validation articles (every 5th by id, `{meta['original_dir']}`"
            f"; whether the original model saw them depends on its validation: {own.get('split')})"
        )
    where = "; ".join(sets) if sets else "no held-out articles (fewer than 5 corrected)"
    full = ""
    if result.report is not None:
        full = (
            f"\nThe fine-tuned model on the {HELD_OUT}:\n```\n{format_scores(result.report)}\n```\n"
        )
    return f"""## Figures: the original model beside the fine-tuned one
Each model with its own decoding, on {where}. Read the difference between the two models
on the same articles: it says whether the fine-tuned model got worse on the original
task.
```
{comparison_table(result)}
```
{full}"""


def _card_limits(meta: dict[str, Any]) -> str:
    attribution = (
        "The attribution head was copied from the original unchanged. It reads the tagger's"
        " token states, which fine-tuning moved (mean cosine of original and fine-tuned states"
        f" on fitted articles: {meta['attribution_cosine']:.4f})."
        if meta["attribution_copied"]
        else "The original has no attribution head, so neither has this model."
    )
    also = " and the original corpus's training articles" if meta["evidence_original"] else ""
    return f"""## Limits
Figures on a few articles are noisy: between folds of 74 articles the original recipe's
figures vary by about 0.01, on a handful of articles by far more. {attribution}
The evidence index holds the {meta["evidence_rows"]} annotated fragments of the fitted
articles{also}, with this network's vectors.
"""
