"""Fitting the network on the training split with a seeded, reproducible loop."""

from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn
from tqdm import tqdm

from .._errors import TrainingError
from .._pipeline import N_FEATURES, prepare_tokenizer
from .._semeval import Corpus
from .._techniques import TECHNIQUE_NAMES
from ._batch import Batch, autocast, make_batch
from ._data import IGNORE, WindowExample, corpus_examples, technique_weights
from ._distill import teacher_targets
from ._frozen import frozen_states, padded
from ._net import SpanHead, Tagger, load_encoder, pool_spans, save_checkpoint
from ._resume import RESUME_FILE, Resumable, fingerprint
from ._transfer import load_transfer


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters of one training run (saved with the model).

    Attributes:
        encoder: Local Hugging Face model directory to fine-tune.
        seed: Seed for Python, numpy and torch.
        epochs: Passes over the training windows.
        batch_size: Windows per step.
        lr: Learning rate of the encoder.
        head_lr: Learning rate of the two heads.
        layers: Encoder layers to keep (fewer is faster at inference).
        window_size: Window length in tokens, special tokens included.
        window_overlap: Tokens shared by neighbouring windows.
        max_steps: Stop after this many steps (0: no limit); for smoke runs.
        validation_every: Every n-th article by id is held out for validation.
        teacher: Checkpoint folder of a fitted teacher network to distil ("": none), or an
            ``.npz`` of its targets already computed (:func:`~._soft_targets.save_targets`), so
            a GPU fits the student without the teacher's weights.
        distill: Weight of the teacher's soft targets against the gold ones (0 to 1).
        freeze_layers: Keep the embeddings and the first n encoder layers as loaded (0:
            fine-tune everything); only the layers above them and the heads learn, so a
            large encoder fits on a CPU at a fraction of the cost of full fine-tuning.
        cache_frozen: With ``freeze_layers``, compute the frozen layers' output once per
            window (without their dropout) instead of at every step (:mod:`._frozen`).
        transfer: An ``.npz`` of the teacher's targets on unlabelled texts ("": none): the
            student also fits on their windows, against the teacher's O/B/I probabilities
            (and its technique distributions of its own spans there, when the targets
            carry silver spans; :mod:`._transfer`). Needs a teacher.
        transfer_texts: The folder of those texts (``<id>.txt``).
        bf16: Compute in bfloat16 (torch autocast) on the CPU too. On a processor with AMX
            tiles a training step of all-mpnet-base-v2 runs 2.2x faster than in fp32; on
            one without them (AVX-512 BF16 only) bf16 measured slower, hence off by default.
    """

    encoder: str
    seed: int = 13
    epochs: int = 4
    batch_size: int = 16
    lr: float = 8e-5
    head_lr: float = 1e-3
    layers: int = 4
    window_size: int = 256
    window_overlap: int = 32
    max_steps: int = 0
    validation_every: int = 5
    teacher: str = ""
    distill: float = 0.0
    freeze_layers: int = 0
    cache_frozen: bool = False
    bf16: bool = False
    transfer: str = ""
    transfer_texts: str = ""


def seed_everything(seed: int) -> None:
    """Seed every random generator the loop uses."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def freeze_lower(tagger: Tagger, layers: int) -> None:
    """Stop gradients into the embeddings and the first ``layers`` encoder layers.

    Their parameters keep the loaded weights, and autograd keeps none of their activations
    (their inputs need no gradient either), so a step costs their forward pass only.

    Raises:
        TrainingError: when the encoder has no ``encoder.layer`` stack to freeze, or fewer
            layers than asked.

    Example:
        >>> # freeze_lower(tagger, 8)  # all-mpnet-base-v2: the top 4 of 12 layers learn
    """
    stack = getattr(getattr(tagger.encoder, "encoder", None), "layer", None)
    embeddings = getattr(tagger.encoder, "embeddings", None)
    if stack is None or embeddings is None or layers > len(stack):
        raise TrainingError(f"cannot freeze {layers} layers of this encoder")
    for module in [embeddings, *stack[:layers]]:
        for param in module.parameters():
            param.requires_grad_(False)


def _optimizer(tagger: Tagger, head: SpanHead, config: TrainConfig) -> Any:
    """AdamW: the encoder's trainable parameters at ``lr``, the two heads at ``head_lr``."""
    return torch.optim.AdamW(
        [
            {
                "params": [p for p in tagger.encoder.parameters() if p.requires_grad],
                "lr": config.lr,
            },
            {
                "params": list(tagger.bio.parameters()) + list(head.parameters()),
                "lr": config.head_lr,
            },
        ],
        weight_decay=0.01,
    )


def _total_steps(n_examples: int, config: TrainConfig) -> int:
    total = math.ceil(n_examples / config.batch_size) * config.epochs
    return min(total, config.max_steps) if config.max_steps else total


def _schedule(optimizer: Any, total: int) -> Any:
    """Linear warm-up over a tenth of the steps, then linear decay."""
    warmup = max(1, total // 10)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / (total - warmup + 1)))
    )


def _epoch_batches(
    examples: list[WindowExample], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """One epoch's batches of example indices: shuffled, and within chunks of 8 batches
    sorted by length (similar lengths in a batch waste less padding)."""
    order = list(range(len(examples)))
    rng.shuffle(order)
    chunks = [order[i : i + batch_size * 8] for i in range(0, len(order), batch_size * 8)]
    batches = []
    for chunk in chunks:
        chunk.sort(key=lambda i: len(examples[i].ids))
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def _loss(
    tagger: Tagger,
    head: SpanHead,
    b: Batch,
    weights: torch.Tensor,
    distill: float = 0.0,
    frozen: int = 0,
) -> Any:
    """Tagging cross-entropy plus the class-weighted technique loss of the windows' spans
    (gold ones, and the teacher's own in transfer texts labelled with silver spans).

    A batch that carries the cached states of the ``frozen`` first layers runs only the
    layers above them.

    When distilling, the tagging loss is ``(1 - distill)`` gold cross-entropy plus
    ``distill`` cross-entropy against the teacher's probabilities (span targets come mixed).
    """
    if b.prefix is None:
        logits, hidden = tagger(b.ids, b.mask)
    else:
        logits, hidden = tagger.from_states(b.prefix, frozen, b.ids, b.mask)
    loss = _tagging_loss(logits, b, distill)
    if b.rows:
        assert b.features is not None and b.targets is not None
        pooled = pool_spans(hidden, b.mask, b.rows, b.bounds)
        scores = head(torch.cat([pooled.float(), b.features], dim=1))
        logp = torch.log_softmax(scores.float(), dim=1)
        per_span = -(b.targets * logp * weights).sum(dim=1)
        loss = loss + per_span.mean()
    return loss


def _tagging_loss(logits: torch.Tensor, b: Batch, distill: float) -> Any:
    """Gold cross-entropy over the labelled windows' tokens, mixed with the cross-entropy
    against the teacher's probabilities over every window's (transfer windows included)."""
    gold = b.gold_tags.reshape(-1)
    scores = logits.float()
    if bool((gold != IGNORE).any()):
        loss = nn.CrossEntropyLoss(ignore_index=IGNORE)(scores.reshape(-1, 3), gold)
    else:  # a batch of transfer windows only: its gold term is empty, not NaN
        loss = scores.sum() * 0.0
    if b.soft is not None and distill > 0:
        valid = b.tags != IGNORE
        logp = torch.log_softmax(scores, dim=-1)
        soft_loss = -(b.soft * logp).sum(dim=-1)[valid].mean()
        loss = (1.0 - distill) * loss + distill * soft_loss
    return loss


def _batch(
    examples: list[WindowExample],
    idx: list[int],
    special_ids: tuple[int, int, int],
    cache: list[torch.Tensor] | None,
) -> Batch:
    """The padded batch of ``examples[idx]``, with their frozen layers' cached states."""
    b = make_batch([examples[i] for i in idx], *special_ids)
    if cache is None:
        return b
    return replace(b, prefix=padded([cache[i] for i in idx], b.ids.shape[1]))


def train_steps(
    tagger: Tagger,
    head: SpanHead,
    examples: list[WindowExample],
    config: TrainConfig,
    special_ids: tuple[int, int, int],
    device: str = "cpu",
    resume: Path | None = None,
) -> list[dict[str, float]]:
    """The seeded training loop; returns the loss history, one entry an epoch.

    With ``resume`` (a file path), the state after each epoch is kept there, and a run of
    the same settings and examples that finds it goes on from that epoch (:mod:`._resume`).
    """
    weights = torch.from_numpy(technique_weights(examples, len(TECHNIQUE_NAMES))).to(device)
    optimizer = _optimizer(tagger, head, config)
    total = _total_steps(len(examples), config)
    schedule = _schedule(optimizer, total)
    rng = random.Random(config.seed)
    cache = None
    if config.cache_frozen and config.freeze_layers:
        cache = frozen_states(
            tagger.encoder, examples, config.freeze_layers, special_ids, config.bf16, device
        )
    saver = Resumable(resume, fingerprint(asdict(config), examples))
    modules: dict[str, nn.Module] = {"tagger": tagger, "head": head}
    done = saver.restore(modules, optimizer, schedule, rng)
    tagger.train()
    head.train()
    params = [p for p in [*tagger.parameters(), *head.parameters()] if p.requires_grad]
    with tqdm(total=total, initial=done.step, desc="training", unit="step") as bar:
        for epoch in range(done.epochs, config.epochs):
            for batch_idx in _epoch_batches(examples, config.batch_size, rng):
                if done.step >= total:
                    break
                b = _batch(examples, batch_idx, special_ids, cache).to(device)
                with autocast(device, config.bf16):
                    loss = _loss(tagger, head, b, weights, config.distill, config.freeze_layers)
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
                schedule.step()
                done.step += 1
                done.running = (
                    loss.item() if done.step == 1 else 0.9 * done.running + 0.1 * loss.item()
                )
                bar.set_postfix(epoch=epoch + 1, loss=f"{done.running:.3f}")
                bar.update()
            done.history.append({"epoch": epoch + 1, "loss": done.running, "step": done.step})
            done.epochs = epoch + 1
            if done.epochs < config.epochs:
                saver.save(modules, optimizer, schedule, rng, done)
    saver.finish()
    return done.history


def fit(
    corpus: Corpus,
    train_ids: list[str],
    config: TrainConfig,
    out: Path,
    command: str = "",
    device: str = "cpu",
) -> Path:
    """Fine-tune on ``train_ids`` of ``corpus`` and save a torch checkpoint under ``out/torch``.

    With ``config.teacher``, that checkpoint (or its saved targets) labels ``train_ids`` and
    the network is fitted on gold and teacher targets mixed (:mod:`spinscope.train._distill`).
    A fit cut short goes on from ``out/resume.pt`` (:mod:`spinscope.train._resume`).

    Returns: the checkpoint folder (encoder in Hugging Face form, heads, tokenizer, settings).
    """
    from transformers import AutoTokenizer

    started = time.perf_counter()
    if config.transfer:
        _check_transfer(config)  # before the teacher's labelling, not after it
    teacher = None
    if config.teacher:
        teacher = teacher_targets(Path(config.teacher), corpus, train_ids, device)
    # Seeded after the teacher: building its network draws random numbers, and a student
    # fitted from saved targets must draw the same ones as one fitted from the checkpoint.
    seed_everything(config.seed)
    hf_tok = AutoTokenizer.from_pretrained(config.encoder, local_files_only=True)
    tokenizer: Tokenizer = prepare_tokenizer(hf_tok.backend_tokenizer)
    examples = corpus_examples(
        tokenizer,
        corpus.subset(train_ids),
        TECHNIQUE_NAMES,
        config.window_size,
        config.window_overlap,
        teacher,
        config.distill,
    )
    if config.transfer:
        examples += _transfer_windows(tokenizer, config)
    encoder = load_encoder(Path(config.encoder), config.layers)
    tagger = Tagger(encoder).to(device)
    if config.freeze_layers:
        freeze_lower(tagger, config.freeze_layers)
    head = SpanHead(encoder.config.hidden_size, N_FEATURES, len(TECHNIQUE_NAMES)).to(device)
    special_ids = (hf_tok.cls_token_id, hf_tok.sep_token_id, hf_tok.pad_token_id or 0)
    history = train_steps(tagger, head, examples, config, special_ids, device, out / RESUME_FILE)
    ckpt = out / "torch"
    meta = {
        "config": asdict(config),
        "train_ids": train_ids,
        "history": history,
        "special_ids": list(special_ids),
        "windows": len(examples),
        "fit_seconds": round(time.perf_counter() - started, 1),
        "device": device,
        "command": command,
    }
    save_checkpoint(ckpt, tagger.cpu(), head.cpu(), hf_tok, meta)
    return ckpt


def _check_transfer(config: TrainConfig) -> None:
    """Refuse transfer texts without a teacher to teach them or a folder to read them from."""
    if not config.teacher or config.distill <= 0:
        raise TrainingError("transfer texts are taught by the teacher alone: set a teacher")
    if not config.transfer_texts:
        raise TrainingError("transfer targets given without the folder of their texts")


def _transfer_windows(tokenizer: Tokenizer, config: TrainConfig) -> list[WindowExample]:
    """The transfer texts' windows (:mod:`._transfer`)."""
    return load_transfer(
        tokenizer,
        Path(config.transfer),
        Path(config.transfer_texts),
        config.window_size,
        config.window_overlap,
    )
