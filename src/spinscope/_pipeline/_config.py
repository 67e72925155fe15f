"""The configuration a saved model carries, so that ``load_model(path)`` needs nothing else."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .._errors import ModelError
from .._techniques import TECHNIQUE_NAMES

FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelConfig:
    """Everything needed to run a trained model, saved as ``config.json`` beside it.

    Attributes:
        model_id: A name that changes with every trained model (encoder, seed, date).
        techniques: The label order of the span classifier's outputs.
        window_size: Encoder window length in tokens, special tokens included.
        window_overlap: Tokens shared by neighbouring windows.
        cls_id: The encoder's start token id.
        sep_id: The encoder's end token id.
        pad_id: The padding token id.
        hidden_size: Width of the encoder's token states.
        n_features: Number of span features (see ``_features.py``).
        span_threshold: Decoding threshold on P(B) + P(I) per token.
        confidence_threshold: Default minimum span confidence to report.
        si_merge_gap: Span identification joins found spans of one line at most this
            many characters apart into one passage.
        label_floor: Besides its most probable technique, a span also gets every technique
            whose end-to-end probability reaches this floor.
        calibration: ``(a, b)`` of the logistic map from raw to calibrated confidence.
        keep_threshold: With a span filter in the model directory, a candidate is kept
            when the filter's score reaches this (0 keeps every candidate).
        encoder: What the network was fine-tuned from.
        layers: Encoder layers kept.
        members: Sub-directories holding more taggers whose BIO probabilities are
            averaged with this one's (an ensemble, see ``_members``); empty for one network.
        validation: Figures measured on the validation split at training time.
    """

    model_id: str
    techniques: tuple[str, ...] = TECHNIQUE_NAMES
    window_size: int = 256
    window_overlap: int = 32
    cls_id: int = 101
    sep_id: int = 102
    pad_id: int = 0
    hidden_size: int = 384
    n_features: int = 11
    span_threshold: float = 0.5
    confidence_threshold: float = 0.3
    si_merge_gap: int = 0
    label_floor: float = 0.5
    calibration: tuple[float, float] = (1.0, 0.0)
    keep_threshold: float = 0.0
    encoder: str = "all-MiniLM-L6-v2"
    layers: int = 6
    members: tuple[str, ...] = ()
    format_version: int = FORMAT_VERSION
    validation: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        """Serialise to the JSON stored as ``config.json``."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, name: str = "config.json") -> ModelConfig:
        """Parse ``config.json``; raises :class:`ModelError` when it does not fit.

        Example:
            >>> ModelConfig.from_json(ModelConfig("m").to_json()).model_id
            'm'
        """
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise ValueError("expected a JSON object")
            known = {f.name for f in fields(cls)}
            data = {k: v for k, v in raw.items() if k in known}
            for key in ("techniques", "calibration", "members"):
                if key in data:
                    data[key] = tuple(data[key])
            config = cls(**data)
        except (ValueError, TypeError) as exc:
            raise ModelError(f"{name}: not a spinscope model config ({exc})") from None
        if config.format_version != FORMAT_VERSION:
            raise ModelError(
                f"{name}: model format {config.format_version}, this spinscope reads "
                f"{FORMAT_VERSION}"
            )
        return config

    def save(self, folder: Path) -> None:
        """Write ``config.json`` into ``folder``."""
        (folder / "config.json").write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> ModelConfig:
        """Read ``config.json`` from ``folder``."""
        path = folder / "config.json"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            raise ModelError(f"{folder}: no readable config.json; not a spinscope model") from None
        return cls.from_json(text, str(path))
