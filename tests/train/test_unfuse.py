"""Unfusing SkipLayerNormalization keeps what the network computes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spinscope._pipeline import open_session

onnx = pytest.importorskip("onnx")
pytest.importorskip("torch")

from spinscope.train._export import unfuse_skip_layer_norm  # noqa: E402


def fused_graph(path: Path, with_bias: bool) -> None:
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weights = {name: rng.normal(size=8).astype(np.float32) for name in ("gamma", "beta", "bias")}
    inputs = ["x", "skip", "gamma", "beta", *(["bias"] if with_bias else [])]
    node = helper.make_node(
        "SkipLayerNormalization", inputs, ["y"], domain="com.microsoft", epsilon=1e-5
    )
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4, 8]) for n in ("x", "skip")],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8])],
        [numpy_helper.from_array(w, name) for name, w in weights.items()],
    )
    opsets = [helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    # An IR version that the pinned onnxruntime reads (newer onnx writes a newer one).
    onnx.save(helper.make_model(graph, opset_imports=opsets, ir_version=8), str(path))


@pytest.mark.parametrize("with_bias", [True, False])
def test_unfused_graph_gives_the_same_outputs(tmp_path: Path, with_bias: bool) -> None:
    fused, plain = tmp_path / "fused.onnx", tmp_path / "plain.onnx"
    fused_graph(fused, with_bias)
    assert unfuse_skip_layer_norm(fused, plain) == 1
    ops = [n.op_type for n in onnx.load(str(plain)).graph.node]
    assert "SkipLayerNormalization" not in ops and ops[-1] == "LayerNormalization"
    rng = np.random.default_rng(1)
    feeds = {n: rng.normal(size=(1, 4, 8)).astype(np.float32) for n in ("x", "skip")}
    want = open_session(fused).run(["y"], feeds)[0]
    got = open_session(plain).run(["y"], feeds)[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
