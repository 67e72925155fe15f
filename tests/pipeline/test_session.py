"""The seam to onnxruntime: the InferenceSession protocol, open_session and model loading."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from spinscope import ModelError, Settings
from spinscope._pipeline import InferenceSession, Model, default_model_path, open_session
from spinscope._pipeline._loading import load_network
from spinscope._pipeline._session import run_one

from ..fakes import FakeE2EHead, FakeSpanHead, FakeTagger


def test_the_fakes_are_sessions() -> None:
    sessions: list[InferenceSession] = [FakeTagger(), FakeSpanHead(), FakeE2EHead()]
    x = np.zeros((2, 23), dtype=np.float32)
    assert run_one(sessions[1], "probs", {"x": x}).shape == (2, 14)
    probs, hidden = sessions[0].run(["probs", "hidden"], {"input_ids": np.ones((1, 3))})
    assert probs.shape == (1, 3, 3) and hidden.shape == (1, 3, 4)


def test_open_session_uses_the_shared_options(monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime as ort

    opened: list[tuple[str, Any, list[str]]] = []
    disabled: list[list[str]] = []

    def record(
        path: str, options: Any, providers: list[str], disabled_optimizers: list[str]
    ) -> str:
        opened.append((path, options, providers))
        disabled.append(disabled_optimizers)
        return "session"

    monkeypatch.setattr(ort, "InferenceSession", record)
    open_session(Path("m/tagger.onnx"))
    ((path, options, providers),) = opened
    assert (path, providers) == ("m/tagger.onnx", ["CPUExecutionProvider"])
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    for key in ("session.intra_op.allow_spinning", "session.inter_op.allow_spinning"):
        assert options.get_session_config_entry(key) == "0"
    assert disabled == [["SkipLayerNormFusion"]]


def test_open_session_runs_an_onnx_file() -> None:
    session = open_session(default_model_path() / "span_head.onnx")
    probs = run_one(session, "probs", {"x": np.zeros((3, 1163), dtype=np.float32)})
    assert probs.shape == (3, 14)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_every_network_of_a_model_is_opened_through_open_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []

    def fake_open(path: Path) -> InferenceSession:
        opened.append(path.name)
        return FakeSpanHead()

    monkeypatch.setattr("spinscope._pipeline._loading.open_session", fake_open)
    settings = Settings(threads=1)
    net = load_network(default_model_path(), settings, tagger_file="span_head.onnx")
    assert opened == ["span_head.onnx", "span_head.onnx", "e2e_head.onnx"]
    assert net.heads.e2e_head is not None


def copy_model(folder: Path, *skip: str) -> Path:
    for name in ("config.json", "tokenizer.json", "tagger.onnx", "span_head.onnx"):
        if name not in skip:
            shutil.copyfile(default_model_path() / name, folder / name)
    return folder


def test_a_broken_network_file_is_a_model_error(tmp_path: Path) -> None:
    folder = copy_model(tmp_path, "tagger.onnx")
    (folder / "tagger.onnx").write_bytes(b"not onnx")
    with pytest.raises(ModelError, match="cannot load the model"):
        Model.load(folder)


def test_the_e2e_head_is_optional_and_the_tagger_file_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("spinscope._pipeline._loading.open_session", lambda p: FakeSpanHead())
    folder = copy_model(tmp_path)
    assert load_network(folder, Settings()).heads.e2e_head is None
    with pytest.raises(ModelError, match=r"\(missing tagger\.int8\.onnx\)"):
        Model.load(folder, tagger_file="tagger.int8.onnx")
