"""Packing a fine-tuned ensemble member as the accurate model's parts (see
``spinscope._pipeline._accurate``): the graph without the weights that the pretrained
encoder already ships, and the fine-tuned weights as their int8 codes.

Needs onnx (the ``accurate`` or ``train`` extra), not torch.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import ModelError, TrainingError
from .._pipeline import MEMBER_COPIES, PARTS_FILE, Weights, build_tagger, file_sha256

MIN_SIZE = 4096
"""Smaller tensors (biases, layer norms) stay in the graph: together under 1 MB."""


@dataclass(frozen=True)
class Packed:
    """What packing left out and kept, in tensors and bytes."""

    pretrained: int
    fine_tuned: int
    kept_bytes: int
    parts_bytes: int


def pack_member(
    member: Path, weights: Weights, sha256: str, out: Path, accurate: Mapping[str, Any]
) -> Packed:
    """Write the parts of ``member`` (a fold or full directory with ``tagger.fp32.onnx``
    and ``tagger.int8.onnx``) to ``out``, then check that assembling them gives the
    member's int8 tagger byte for byte. ``accurate`` is the ensemble's id and figures.

    Raises:
        TrainingError: when a file is missing, or the assembled tagger differs.

    Example:
        >>> # pack_member(Path("cv/full"), load_file(st), sha, Path("src/spinscope/accurate"),
        >>> #             {"model_id": "spinscope-accurate-...", "validation": {...}})
    """
    import onnx

    for name in ("tagger.fp32.onnx", "tagger.int8.onnx", *MEMBER_COPIES):
        if not (member / name).is_file():
            raise TrainingError(f"{member}: no {name}")
    graph = onnx.load(str(member / "tagger.fp32.onnx"))
    trained = _initializers(member / "tagger.int8.onnx")
    pretrained, codes, kept = _empty(graph, trained, weights)
    manifest = {
        "format_version": 1,
        "pretrained_sha256": sha256,
        "tagger_sha256": file_sha256(member / "tagger.int8.onnx"),
        "pretrained": pretrained,
        "codes": sorted({k.split("/")[0] for k in codes}),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written and checked beside ``out`` first, so a failed check leaves the parts as
    # they were.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        new = Path(tmp)
        onnx.save(graph, str(new / "member.onnx"))
        np.savez(new / "member_weights.npz", **codes)  # type: ignore[arg-type]
        (new / PARTS_FILE).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        (new / "accurate.json").write_text(json.dumps(dict(accurate), indent=2) + "\n")
        for name in MEMBER_COPIES:
            shutil.copyfile(member / name, new / name)
        check_parts(new, weights)
        out.mkdir(exist_ok=True)
        for file in new.iterdir():
            file.replace(out / file.name)
    size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
    return Packed(len(pretrained), len(codes) // 3, kept, size)


def _empty(
    graph: Any, trained: Mapping[str, npt.NDArray[Any]], weights: Weights
) -> tuple[dict[str, tuple[str, bool]], dict[str, npt.NDArray[Any]], int]:
    """Empty the graph's large tensors: those equal to a pretrained one (named), and the
    fine-tuned ones (their int8 codes, scales and zero points kept); and the bytes of the
    small tensors left in it."""
    from onnx import numpy_helper

    index = _pretrained_index(weights)
    pretrained: dict[str, tuple[str, bool]] = {}
    codes: dict[str, npt.NDArray[Any]] = {}
    kept = 0
    for init in graph.graph.initializer:
        value = numpy_helper.to_array(init)
        if value.size >= MIN_SIZE and _digest(value) in index:
            pretrained[init.name] = index[_digest(value)]
        elif value.size >= MIN_SIZE and f"{init.name}_quantized" in trained:
            for part, suffix in (("q", "_quantized"), ("s", "_scale"), ("z", "_zero_point")):
                codes[f"{init.name}/{part}"] = trained[init.name + suffix]
        else:
            kept += value.nbytes
            continue
        # The emptied tensor keeps its name, type and shape: filling checks them.
        init.ClearField("raw_data")
    return pretrained, codes, kept


def check_parts(parts: Path, weights: Weights) -> None:
    """Assemble the tagger of ``parts`` as an installation does, and check that it is the
    trained one byte for byte.

    Raises:
        TrainingError: when it is not.
    """
    manifest = json.loads((parts / PARTS_FILE).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        try:
            build_tagger(parts, manifest, weights, Path(tmp) / "tagger.onnx")
        except ModelError as exc:
            raise TrainingError(f"{parts}: packing lost something: {exc}") from None


def _initializers(path: Path) -> dict[str, npt.NDArray[Any]]:
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    return {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}


def _pretrained_index(weights: Weights) -> dict[str, tuple[str, bool]]:
    # A torch Linear's weight is exported transposed, so both layouts are looked up.
    index: dict[str, tuple[str, bool]] = {}
    for key, value in weights.items():
        as_float = value.astype(np.float32)
        index.setdefault(_digest(as_float), (key, False))
        if as_float.ndim == 2:
            index.setdefault(_digest(as_float.T), (key, True))
    return index


def _digest(value: npt.NDArray[Any]) -> str:
    data = np.ascontiguousarray(value)
    return f"{data.dtype}{data.shape}{hashlib.sha256(data.tobytes()).hexdigest()}"
