"""The BERT-base reference and the physical limit of the shipped network, for ``bars.py``.

The reference runs in its own process (``python benchmarks/_reference.py CORPUS`` prints
one JSON line): a torch fp32 token classifier of ``BertConfig()`` size, randomly
initialised with a fixed seed (nothing downloaded), over the articles in ``CORPUS`` in
512-token windows, batches of 8, 2 threads, model construction included.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import ROOT

MODEL = ROOT / "src" / "spinscope" / "model"

# Measured in benchmarks/experiments.md ("Speed research"), not in this run.
CITED_GFLOP_PER_ARTICLE = 30.6
CITED_MS_INT8 = 34.0
CITED_MS_FP32_ATTENTION = 49.0
PEAK_INT8_OPS = 900e9  # int8 MatMulInteger on 2 threads: 850-950 GOP/s
PEAK_FP32_FLOPS = 175e9  # onnxruntime fp32 on 2 threads: 150-200 GFLOP/s

REFERENCE_WINDOW = 512
REFERENCE_BATCH = 8


def reference_windows(
    tokenizer: Any, texts: Sequence[str], cls_id: int, sep_id: int
) -> list[list[int]]:
    """Every article's tokens in windows of 510, no overlap, each framed by CLS and SEP:
    512 positions is all BERT's position table holds."""
    content = REFERENCE_WINDOW - 2
    windows = []
    for text in texts:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        for start in range(0, len(ids), content):
            windows.append([cls_id, *ids[start : start + content], sep_id])
    return windows


def pad(
    rows: Sequence[list[int]], pad_id: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    width = max(len(r) for r in rows)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def reference_worker(corpus: Path) -> None:
    """In its own process: BERT-base fp32 over the articles in ``corpus``; one JSON line."""
    # OpenMP reads its wait policy once, when torch loads it; spinning would steal the
    # cores from the measurement's own threads.
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    import torch
    from tokenizers import Tokenizer
    from transformers import BertConfig, BertForTokenClassification

    torch.set_num_threads(2)
    config = json.loads((MODEL / "config.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("article*.txt"))]
    tokenizer = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    torch.manual_seed(0)
    # BIO tags over the techniques, as the shipped tagger; speed does not depend on it.
    labels = 2 * len(config["techniques"]) + 1
    bert = BertConfig()
    bert.num_labels = labels
    # Any: transformers' model classes are only partly typed.
    model: Any = BertForTokenClassification(bert)
    model.eval()
    built = time.perf_counter()
    windows = reference_windows(tokenizer, texts, config["cls_id"], config["sep_id"])
    with torch.inference_mode():
        for i in range(0, len(windows), REFERENCE_BATCH):
            ids, mask = pad(windows[i : i + REFERENCE_BATCH], config["pad_id"])
            model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    seconds = time.perf_counter() - started
    result = {
        "articles": len(texts),
        "windows": len(windows),
        "parameters": sum(p.numel() for p in model.parameters()),
        "construction_s": built - started,
        "seconds": seconds,
        "articles_per_s": len(texts) / seconds,
    }
    print(json.dumps(result))


def window_flops(tokens: int, layers: int, hidden: int, intermediate: int) -> tuple[int, int]:
    """Floating-point operations of one window: (dense layers, attention products)."""
    dense = 2 * tokens * layers * (4 * hidden * hidden + 2 * hidden * intermediate)
    attention = 2 * layers * 2 * tokens * tokens * hidden
    return dense, attention


def physical_limit(paths: Sequence[Path], measured_ms: float) -> dict[str, Any]:
    """The shipped network's FLOPs over these articles and the time they take at the peak
    rates measured in experiments.md, beside the measured time per article."""
    from tokenizers import Tokenizer

    from spinscope._pipeline._tokens import encode_article, prepare_tokenizer
    from spinscope._pipeline._windows import plan_windows

    config = json.loads((MODEL / "config.json").read_text(encoding="utf-8"))
    layers, hidden = config["layers"], config["hidden_size"]
    # The config does not store it; MiniLM, like BERT, uses four times the hidden size.
    intermediate = 4 * hidden
    tokenizer = prepare_tokenizer(Tokenizer.from_file(str(MODEL / "tokenizer.json")))
    dense = attention = windows = 0
    for path in paths:
        n = len(encode_article(tokenizer, path.read_text(encoding="utf-8")))
        for start, end in plan_windows(n, config["window_size"] - 2, config["window_overlap"]):
            d, a = window_flops(end - start + 2, layers, hidden, intermediate)
            dense, attention, windows = dense + d, attention + a, windows + 1
    n = len(paths)
    ms_int8 = 1000 * (dense + attention) / PEAK_INT8_OPS / n
    ms_fp32_attention = 1000 * (dense / PEAK_INT8_OPS + attention / PEAK_FP32_FLOPS) / n
    return {
        "cited": {
            "gflop_per_article": CITED_GFLOP_PER_ARTICLE,
            "ms_int8": CITED_MS_INT8,
            "ms_fp32_attention": CITED_MS_FP32_ATTENTION,
        },
        "windows_per_article": windows / n,
        "gflop_per_article": (dense + attention) / n / 1e9,
        "ms_int8": ms_int8,
        "ms_fp32_attention": ms_fp32_attention,
        "measured_ms_per_article": measured_ms,
    }


if __name__ == "__main__":
    reference_worker(Path(sys.argv[1]))
