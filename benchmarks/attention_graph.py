"""Attention as one onnxruntime node a layer: build the variant of a tagger, time it.

The exported tagger computes self-attention as a chain of plain nodes (Reshape, Transpose,
MatMul, scale, mask Add, Softmax, MatMul, Transpose, Reshape). This replaces each layer's
chain by one ``com.microsoft.MultiHeadAttention`` node reading the Q, K and V projections
as they are, writes a copy of the model folder with the new tagger (for ``spinscope
evaluate --model``), and times one 256-token window of both graphs on one thread,
alternating, with the largest differences of their outputs on real windows.

With ``--no-mask`` the node gets no key padding mask, which sends onnxruntime to its
flash-attention kernel; such a graph is only right for runs without padding (spinscope
runs one window at a time by default).

    python benchmarks/attention_graph.py --out /tmp/mha             # bit-identical
    python benchmarks/attention_graph.py --out /tmp/flash --no-mask  # faster, not identical
    spinscope evaluate --corpus ../shared/ptc/train --model /tmp/flash
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from _common import PTC
from spinscope._pipeline._session import open_session

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ["probs", "hidden"]
LAYER = "/tagger/encoder/encoder/layer.{}/attention/self/"
CHAIN = [
    *("Reshape", "Reshape_1", "Reshape_2", "Transpose", "Transpose_1", "Transpose_2"),
    *("MatMul", "Mul", "Add", "Softmax", "MatMul_1", "Transpose_3", "Reshape_3"),
]
"""The nodes of one layer's attention that the fused node replaces (names as exported)."""


def _constant(graph: Any, name: str) -> float:
    """The scalar value of ``name``, a Constant node's output or an initializer."""
    from onnx import numpy_helper

    for node in graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            return float(numpy_helper.to_array(node.attribute[0].t))
    for init in graph.initializer:
        if init.name == name:
            return float(numpy_helper.to_array(init))
    raise SystemExit(f"no constant {name} in the graph")


def _prune(model: Any) -> None:
    """Drop nodes and initializers that no graph output depends on."""
    graph = model.graph
    needed = {o.name for o in graph.output}
    kept = []
    for node in reversed(list(graph.node)):
        if any(o in needed for o in node.output):
            kept.append(node)
            needed.update(i for i in node.input if i)
    del graph.node[:]
    graph.node.extend(reversed(kept))
    inits = [i for i in graph.initializer if i.name in needed]
    del graph.initializer[:]
    graph.initializer.extend(inits)


def fuse_attention(model: Any, heads: int, mask: bool) -> int:
    """Replace every layer's attention chain in ``model`` (in place); the layers fused."""
    from onnx import TensorProto, helper

    graph = model.graph
    by_name = {n.name: n for n in graph.node}
    fused: dict[str, Any] = {}
    layer = 0
    while LAYER.format(layer) + "Softmax" in by_name:
        p = LAYER.format(layer)
        qkv = [by_name[p + f"{x}/Add"].output[0] for x in ("query", "key", "value")]
        inputs = [*qkv, "", "key_padding_mask"] if mask else qkv
        fused[p + "Reshape_3"] = helper.make_node(
            "MultiHeadAttention",
            inputs,
            [by_name[p + "Reshape_3"].output[0]],
            name=p + "MultiHeadAttention",
            domain="com.microsoft",
            num_heads=heads,
            scale=_constant(graph, by_name[p + "Mul"].input[1]),
        )
        fused.update({p + s: None for s in CHAIN if s != "Reshape_3"})
        layer += 1
    nodes = [fused.get(n.name, n) for n in graph.node]  # None: dropped
    cast = helper.make_node(
        "Cast", ["attention_mask"], ["key_padding_mask"], to=TensorProto.INT32, name="mask32"
    )
    del graph.node[:]
    graph.node.extend([cast, *(n for n in nodes if n is not None)])
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    _prune(model)
    return layer


def windows(model_dir: Path, n: int) -> list[dict[str, Any]]:
    """The first 256 tokens of the first ``n`` training articles, as tagger feeds."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    paths = sorted((PTC / "articles").glob("article*.txt"))[:n]
    feeds = []
    for path in paths:
        ids = np.array([tokenizer.encode(path.read_text(encoding="utf-8")).ids[:256]])
        feeds.append({"input_ids": ids, "attention_mask": np.ones_like(ids)})
    return feeds


def window_ms(session: Any, feed: dict[str, Any], runs: int = 60) -> float:
    """Median milliseconds of one run of ``feed``."""
    for _ in range(5):
        session.run(OUTPUTS, feed)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        session.run(OUTPUTS, feed)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "src" / "spinscope" / "model")
    parser.add_argument("--out", type=Path, required=True, help="model folder to write")
    parser.add_argument("--no-mask", action="store_true", help="flash attention, no padding")
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    import onnx

    model = onnx.load(str(args.model / "tagger.onnx"))
    layers = fuse_attention(model, args.heads, mask=not args.no_mask)
    if args.out.exists():
        shutil.rmtree(args.out)
    shutil.copytree(args.model, args.out)
    onnx.save(model, str(args.out / "tagger.onnx"))
    print(f"{layers} layers fused; {args.out}")
    before = open_session(args.model / "tagger.onnx")
    after = open_session(args.out / "tagger.onnx")
    feeds = windows(args.model, 5)
    worst = [0.0, 0.0]
    for feed in feeds:
        pairs = zip(before.run(OUTPUTS, feed), after.run(OUTPUTS, feed), strict=True)
        for i, (a, b) in enumerate(pairs):
            worst[i] = max(worst[i], float(np.abs(a - b).max()))
    print(f"largest difference on 5 windows: probabilities {worst[0]:.4g}, states {worst[1]:.4g}")
    for r in range(args.rounds):
        old, new = window_ms(before, feeds[0]), window_ms(after, feeds[0])
        print(f"round {r + 1}: {old:.2f} ms a window before, {new:.2f} after ({old / new:.3f}x)")


if __name__ == "__main__":
    main()
