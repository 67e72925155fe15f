"""Exporting the fine-tuned network to ONNX and quantizing it to int8."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .._pipeline import Model, encode_article, open_session, pack_windows, plan_windows
from ._net import SpanHead, Tagger


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
    """Fuse attention, layer norms and GELU of ``tagger.fp32.onnx`` in place with
    onnxruntime's transformer optimizer (a no-op for graphs it does not recognise).

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


def quantize(folder: Path) -> None:
    """Quantize ``tagger.fp32.onnx`` to ``tagger.int8.onnx``: per-channel int8 weights of
    the MatMuls and fused Attention, and the int8 embedding table (most of the file)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(folder / "tagger.fp32.onnx"),
        str(folder / "tagger.int8.onnx"),
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul", "Attention", "Gather"],
        # Fused operators defeat shape inference; their outputs are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def hidden_cosine(folder: Path, model: Model, texts: list[str]) -> float:
    """Mean cosine between fp32 and int8 token states over the first window of each text."""
    c = model.config
    sessions = [
        open_session(folder / name, model.settings)
        for name in ("tagger.fp32.onnx", "tagger.int8.onnx")
    ]
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
