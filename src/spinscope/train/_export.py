"""Exporting the fine-tuned network to ONNX and quantizing it to int8."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from .._pipeline import (
    N_FEATURES,
    Model,
    ModelConfig,
    encode_article,
    open_session,
    pack_windows,
    plan_windows,
    quantize_tagger,
)
from ._net import SpanHead, Tagger, load_checkpoint


class _TaggerGraph(nn.Module):
    def __init__(self, tagger: Tagger) -> None:
        super().__init__()
        self.tagger = tagger

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        logits, hidden = self.tagger(input_ids, attention_mask)
        return torch.softmax(logits, dim=-1), hidden


class _SpanGraph(nn.Module):
    def __init__(self, head: SpanHead) -> None:
        super().__init__()
        self.head = head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.head(x), dim=-1)


def export_onnx(tagger: Tagger, head: SpanHead, n_inputs: int, folder: Path) -> None:
    """Write ``tagger.fp32.onnx`` and ``span_head.onnx`` into ``folder``."""
    tagger.eval()
    head.eval()
    # Plain (eager) attention exports to the graph pattern onnxruntime fuses into its
    # Attention kernel; the sdpa export is not recognised.
    if hasattr(tagger.encoder, "set_attn_implementation"):
        tagger.encoder.set_attn_implementation("eager")
    ids = torch.randint(1000, 2000, (2, 16))
    mask = torch.ones_like(ids)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _TaggerGraph(tagger),
            (ids, mask),
            str(folder / "tagger.fp32.onnx"),
            input_names=["input_ids", "attention_mask"],
            output_names=["probs", "hidden"],
            dynamic_axes={
                name: {0: "batch", 1: "tokens"}
                for name in ("input_ids", "attention_mask", "probs", "hidden")
            },
            opset_version=17,
            dynamo=False,
        )
    export_head(_SpanGraph(head), n_inputs, folder / "span_head.onnx", "probs")


def export_head(graph: nn.Module, n_inputs: int, path: Path, output: str) -> None:
    """Export a span head graph: input ``x`` of ``n_inputs`` columns, one row per span."""
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            graph,
            (torch.zeros(3, n_inputs),),
            str(path),
            input_names=["x"],
            output_names=[output],
            dynamic_axes={"x": {0: "spans"}, output: {0: "spans"}},
            opset_version=17,
            dynamo=False,
        )


def optimize(folder: Path, num_heads: int, hidden_size: int) -> None:
    """Fuse attention and GELU of ``tagger.fp32.onnx`` in place with onnxruntime's
    transformer optimizer (a no-op for graphs it does not recognise); the skip layer
    norms it fuses are unfused again (:func:`unfuse_skip_layer_norm`).

    The embedding stays unfused so that its table can be quantized to int8 as a Gather.
    """
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    options = FusionOptions("bert")
    options.enable_embed_layer_norm = False
    path = str(folder / "tagger.fp32.onnx")
    fused = optimizer.optimize_model(
        path,
        model_type="bert",
        num_heads=num_heads,
        hidden_size=hidden_size,
        optimization_options=options,
    )
    fused.save_model_to_file(path)
    unfuse_skip_layer_norm(Path(path), Path(path))


def unfuse_skip_layer_norm(source: Path, target: Path) -> int:
    """Write ``source`` to ``target`` with every SkipLayerNormalization replaced by
    ``Add(x, bias) -> Add(., skip) -> LayerNormalization``; returns how many were replaced.

    onnxruntime's CPU kernel of the fused operator is about 13 times slower per element
    than its plain LayerNormalization, which made it a quarter of the tagger's time
    (benchmarks/experiments.md); unfused, the tagger runs about 1.3 times faster.
    Runtime sessions are opened with the fusion disabled, so it is not fused back.

    Raises:
        ValueError: for a fused node whose mean or variance output is used.
    """
    import onnx
    from onnx import helper

    graph = onnx.load(str(source))
    used = {i for n in graph.graph.node for i in n.input} | {o.name for o in graph.graph.output}
    nodes, replaced = [], 0
    for node in graph.graph.node:
        if node.op_type != "SkipLayerNormalization":
            nodes.append(node)
            continue
        if any(out in used for out in node.output[1:3] if out):
            raise ValueError(f"{node.name}: its mean or variance output is used")
        nodes += _layer_norm_of(node, helper)
        replaced += 1
    del graph.graph.node[:]
    graph.graph.node.extend(nodes)
    onnx.save(graph, str(target))
    return replaced


def _layer_norm_of(node: Any, helper: Any) -> list[Any]:
    """The Add, Add and LayerNormalization nodes that compute a SkipLayerNormalization."""
    x, skip, gamma, beta = node.input[:4]
    bias = node.input[4] if len(node.input) > 4 and node.input[4] else None
    epsilon = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-12)
    total = node.output[3] if len(node.output) > 3 and node.output[3] else node.name + "_sum"
    adds = []
    if bias is not None:
        adds.append(helper.make_node("Add", [x, bias], [node.name + "_xb"], name=node.name + "_b"))
        x = node.name + "_xb"
    adds.append(helper.make_node("Add", [x, skip], [total], name=node.name + "_skip"))
    norm = helper.make_node(
        "LayerNormalization",
        [total, gamma, beta],
        [node.output[0]],
        name=node.name + "_ln",
        axis=-1,
        epsilon=epsilon,
    )
    return [*adds, norm]


def quantize(folder: Path) -> None:
    """Quantize ``tagger.fp32.onnx`` to ``tagger.int8.onnx`` (see ``quantize_tagger``)."""
    quantize_tagger(folder / "tagger.fp32.onnx", folder / "tagger.int8.onnx")


def hidden_cosine(
    folder: Path, model: Model, texts: list[str], pair: tuple[Path, Path] | None = None
) -> float:
    """Mean cosine between fp32 and int8 token states over the first window of each text
    (or between the two tagger files of ``pair``: an original and a fine-tuned one)."""
    c = model.config
    paths = pair or (folder / "tagger.fp32.onnx", folder / "tagger.int8.onnx")
    sessions = [open_session(path) for path in paths]
    cosines = []
    for text in texts:
        enc = encode_article(model.tokenizer, text)
        window = plan_windows(len(enc), c.window_size - 2, c.window_overlap)[0]
        ids, mask = pack_windows(enc.ids, [window], c.cls_id, c.sep_id, c.pad_id)
        a, b = (
            s.run(["hidden"], {"input_ids": ids, "attention_mask": mask})[0][0] for s in sessions
        )
        cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1) + 1e-9)
        cosines.append(float(cos.mean()))
    return float(np.mean(cosines))


def export_checkpoint(out: Path, ckpt: Path, encoder_name: str) -> ModelConfig:
    """Export the checkpoint to ONNX (fp32 and int8) and write tokenizer and base config."""
    from transformers import AutoTokenizer

    tagger, head, meta = load_checkpoint(ckpt)
    hidden = tagger.encoder.config.hidden_size
    export_onnx(tagger, head, 3 * hidden + N_FEATURES, out)
    optimize(out, tagger.encoder.config.num_attention_heads, hidden)
    quantize(out)
    AutoTokenizer.from_pretrained(str(ckpt / "encoder")).backend_tokenizer.save(
        str(out / "tokenizer.json")
    )
    trained = meta["config"]
    cls_id, sep_id, pad_id = meta["special_ids"]
    config = ModelConfig(
        model_id=f"spinscope-{encoder_name}-L{trained['layers']}-seed{trained['seed']}"
        f"-{date.today():%Y%m%d}",
        window_size=trained["window_size"],
        window_overlap=trained["window_overlap"],
        cls_id=cls_id,
        sep_id=sep_id,
        pad_id=pad_id,
        hidden_size=hidden,
        n_features=N_FEATURES,
        encoder=encoder_name,
        layers=trained["layers"],
    )
    config.save(out)
    return config
