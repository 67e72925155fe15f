"""A torch network rebuilt from a model directory's ONNX files, to fine-tune a model whose
torch weights were not kept (the shipped model ships ONNX only).

The tagger's weights are read off the graph's initializers and put back into the Hugging
Face encoder they were exported from (its architecture taken from ``config.json`` of a
local encoder folder, the layer count from the model's own config):

- initializers named after a torch parameter (``tagger.encoder.embeddings.LayerNorm.weight``,
  the biases, the embedding tables) map by name; int8 ones (``<name>_quantized`` with
  ``<name>_scale`` and ``<name>_zero_point``) are dequantized first;
- the weights the exporter named anonymously (``onnx::MatMul_766``) belong to the
  ``MatMul``/``MatMulInteger`` node that reads them, whose name carries the module path
  (``/tagger/encoder/encoder/layer.0/attention/output/dense/MatMul_quant``); ONNX keeps
  ``x @ W`` where torch keeps ``W``, so they are transposed;
- onnxruntime's fused (``Q``)``Attention`` holds the query, key and value weights side by
  side in one ``(hidden, 3 * hidden)`` matrix and bias; its layer is in its output's name.

Every parameter of the encoder must be found, and every weight used once; anything else is a
:class:`TrainingError`. int8 weights come back as the values the int8 graph computes with,
so the rebuilt network differs from the ONNX session only by the activation quantization
onnxruntime adds at run time (:func:`agreement` measures it).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from .._errors import TrainingError
from .._pipeline import ModelConfig, encode_article, open_session, pack_windows, plan_windows
from ._net import SpanHead, Tagger

Weights = dict[str, npt.NDArray[np.float32]]

_MODULE = re.compile(r"^/tagger/(.+)/MatMul(?:_quant)?$")
_LAYER = re.compile(r"/layer\.(\d+)/attention/")


def _initializers(graph: Any) -> dict[str, npt.NDArray[Any]]:
    from onnx import numpy_helper

    return {init.name: numpy_helper.to_array(init) for init in graph.initializer}


def _dequantize(inits: dict[str, npt.NDArray[Any]], name: str) -> npt.NDArray[np.float32]:
    """The float weight behind ``name`` (an initializer, or its int8 form with scale and
    zero point: one pair for the tensor, or one per output column)."""
    if name in inits and inits[name].dtype == np.float32:
        return np.asarray(inits[name], dtype=np.float32)
    base = name.removesuffix("_quantized")
    q = inits[base + "_quantized"].astype(np.float32)
    scale = inits[base + "_scale"].astype(np.float32)
    zero = inits[base + "_zero_point"].astype(np.float32)
    return np.asarray((q - zero) * scale, dtype=np.float32)


def _matmul_weights(graph: Any, inits: dict[str, npt.NDArray[Any]], found: Weights) -> None:
    """Linear weights of the ``MatMul`` nodes, by the module path in each node's name."""
    for node in graph.node:
        if node.op_type not in ("MatMul", "MatMulInteger"):
            continue
        m = _MODULE.match(node.name)
        weight = node.input[1]
        if m is None or not (weight in inits or weight + "_scale" in inits):
            continue
        module = m.group(1).replace("/", ".")
        found[f"{module}.weight"] = _dequantize(inits, weight).T


def _attention_weights(graph: Any, inits: dict[str, npt.NDArray[Any]], found: Weights) -> None:
    """Query, key and value weights and biases of the fused attention nodes."""
    for node in graph.node:
        if node.op_type not in ("Attention", "QAttention"):
            continue
        m = _LAYER.search(node.output[0])
        if m is None:
            raise TrainingError(f"attention node {node.name}: cannot tell its layer")
        qkv = _dequantize(inits, node.input[1])
        bias = np.asarray(inits[node.input[2]], dtype=np.float32)
        hidden = qkv.shape[0]
        prefix = f"encoder.encoder.layer.{m.group(1)}.attention.self"
        for k, part in enumerate(("query", "key", "value")):
            found[f"{prefix}.{part}.weight"] = qkv[:, k * hidden : (k + 1) * hidden].T
            found[f"{prefix}.{part}.bias"] = bias[k * hidden : (k + 1) * hidden]


def tagger_weights(path: Path) -> Weights:
    """Every weight of the tagger graph at ``path``, keyed by the torch parameter name of
    :class:`~spinscope.train._net.Tagger` (``encoder.…``, ``bio.…``), as float32.

    Example:
        >>> # tagger_weights(default_model_path() / "tagger.onnx")["bio.bias"].shape
    """
    import onnx

    graph = onnx.load(str(path)).graph
    inits = _initializers(graph)
    found: Weights = {}
    for name, value in inits.items():
        if not name.startswith("tagger."):
            continue
        key = name.removesuffix("_quantized").removeprefix("tagger.")
        # A scale or zero point is part of its weight's int8 form, not a weight itself.
        of_int8 = re.sub(r"_(scale|zero_point)$", "", name) + "_quantized" in inits
        if name.endswith("_quantized") or (value.dtype == np.float32 and not of_int8):
            found[key] = _dequantize(inits, name)
    _matmul_weights(graph, inits, found)
    _attention_weights(graph, inits, found)
    return found


def _encoder_of(encoder_dir: Path, layers: int) -> Any:
    """An untrained encoder with the architecture of ``encoder_dir``, ``layers`` deep."""
    from transformers import AutoConfig, AutoModel

    try:
        config = AutoConfig.from_pretrained(str(encoder_dir), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise TrainingError(f"{encoder_dir}: no encoder configuration ({exc})") from None
    config.num_hidden_layers = layers
    auto: Any = AutoModel  # untyped in transformers
    return auto.from_config(config)


def rebuild_tagger(model_dir: Path, encoder_dir: Path, tagger_file: str = "tagger.onnx") -> Tagger:
    """The tagger of ``model_dir`` as a torch :class:`Tagger` (eval mode), its encoder of
    the architecture in ``encoder_dir`` (``config.json``; its weights are not read).

    Raises:
        TrainingError: when the graph's weights do not fill that architecture exactly.

    Example:
        >>> # tagger = rebuild_tagger(default_model_path(), default_encoder())
    """
    config = ModelConfig.load(model_dir)
    tagger = Tagger(_encoder_of(encoder_dir, config.layers))
    weights = tagger_weights(model_dir / tagger_file)
    # Buffers (position ids) are not weights; the encoder computes them.
    wanted = {k: v for k, v in tagger.state_dict().items() if k in dict(tagger.named_parameters())}
    # The pooler reads the first token for sentence embeddings; the tagger never uses it,
    # so the graph has no weights for it and it keeps its initial ones.
    missing = sorted(k for k in set(wanted) - set(weights) if ".pooler." not in k)
    unused = sorted(set(weights) - set(wanted))
    if missing or unused:
        raise TrainingError(
            f"{model_dir / tagger_file}: its weights do not fit the encoder of {encoder_dir} "
            f"(missing {missing[:3]}, not used {unused[:3]})"
        )
    for name, value in weights.items():
        if tuple(wanted[name].shape) != value.shape:
            raise TrainingError(
                f"{model_dir / tagger_file}: {name} is {value.shape}, the encoder of "
                f"{encoder_dir} wants {tuple(wanted[name].shape)}"
            )
    state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in weights.items()}
    tagger.load_state_dict(state, strict=False)
    return tagger.eval()


def head_weights(path: Path) -> dict[str, torch.Tensor]:
    """The ``net.*`` parameters of a span head graph (``head.net.0.weight`` and so on);
    torch exports ``nn.Linear`` as ``Gemm`` with the weight as torch keeps it.

    Example:
        >>> # head_weights(default_model_path() / "e2e_head.onnx")["net.3.bias"].shape
    """
    import onnx

    inits = _initializers(onnx.load(str(path)).graph)
    return {
        k.removeprefix("head."): torch.from_numpy(np.array(v, dtype=np.float32))
        for k, v in inits.items()
        if k.startswith("head.net.")
    }


def rebuild_span_head(path: Path, hidden: int, n_features: int) -> SpanHead:
    """The span technique head of ``span_head.onnx`` as a torch :class:`SpanHead`.

    Example:
        >>> # head = rebuild_span_head(default_model_path() / "span_head.onnx", 384, 11)
    """
    state = head_weights(path)
    width, n_labels = state["net.0.weight"].shape[0], state["net.3.weight"].shape[0]
    head = SpanHead(hidden, n_features, n_labels, width)
    head.load_state_dict(state)
    return head.eval()


def agreement(
    model_dir: Path, tagger: Tagger, texts: list[str], tagger_file: str = "tagger.onnx"
) -> dict[str, float]:
    """How closely ``tagger`` computes what ``model_dir``'s tagger session does, over the
    first window of each of ``texts``: the largest difference of a tag probability, the
    mean one, and the mean cosine of the token states.

    Example:
        >>> # agreement(default_model_path(), rebuild_tagger(...), texts)["max_prob_diff"]
    """
    from tokenizers import Tokenizer

    from .._pipeline import prepare_tokenizer

    config = ModelConfig.load(model_dir)
    tokenizer = prepare_tokenizer(Tokenizer.from_file(str(model_dir / "tokenizer.json")))
    # torch.onnx.export leaves a module in training mode; dropout would blur the figures.
    tagger.eval()
    session = open_session(model_dir / tagger_file)
    diffs: list[npt.NDArray[np.float32]] = []
    cosines: list[float] = []
    flips: list[float] = []
    for text in texts:
        enc = encode_article(tokenizer, text)
        window = plan_windows(len(enc), config.window_size - 2, config.window_overlap)[:1]
        ids, mask = pack_windows(enc.ids, window, config.cls_id, config.sep_id, config.pad_id)
        want, states = session.run(["probs", "hidden"], {"input_ids": ids, "attention_mask": mask})
        with torch.no_grad():
            logits, hidden = tagger(torch.from_numpy(ids), torch.from_numpy(mask))
        got, got_states = torch.softmax(logits, -1).numpy(), hidden.numpy()
        diffs.append(np.abs(got - want).reshape(-1))
        flips.append(float((got.argmax(-1) != want.argmax(-1)).mean()))
        dot = (got_states * states).sum(-1)
        norms = np.linalg.norm(got_states, axis=-1) * np.linalg.norm(states, axis=-1) + 1e-9
        cosines.append(float((dot / norms).mean()))
    every = np.concatenate(diffs)
    return {
        "max_prob_diff": round(float(every.max()), 5),
        "mean_prob_diff": round(float(every.mean()), 6),
        "hidden_cosine": round(float(np.mean(cosines)), 5),
        "tag_flips": round(float(np.mean(flips)), 5),
        "windows": len(texts),
    }


def as_module(weights: dict[str, torch.Tensor], module: nn.Module) -> nn.Module:
    """``module`` with ``weights`` loaded (all of them, strictly), in eval mode.

    Example:
        >>> as_module({"weight": torch.ones(1, 2), "bias": torch.zeros(1)}, nn.Linear(2, 1))
        Linear(in_features=2, out_features=1, bias=True)
    """
    module.load_state_dict(weights)
    return module.eval()
