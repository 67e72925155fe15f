"""Runtime settings, declared once with name, default and help.

The only place that reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ._errors import SpinscopeError

ENV_PREFIX = "SPINSCOPE_"
_PATHS = ("model", "models_dir")


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """How spinscope runs. Every field can be set as ``SPINSCOPE_<NAME>`` in the environment.

    Example:
        >>> Settings.from_env({"SPINSCOPE_THREADS": "1"}).threads
        1
    """

    model: Path | None = _setting(
        None, "model directory, or 'accurate'; the shipped model when unset"
    )
    models_dir: Path | None = _setting(
        None, "where assembled models (--model accurate) are kept; ~/.cache/spinscope/models"
    )
    threads: int = _setting(2, "encoder runs at once, one CPU thread each")
    batch_windows: int = _setting(
        1, "encoder windows per run (1: each window's numbers are its own)"
    )
    piece_chars: int = _setting(50_000, "long texts are analyzed in pieces of this many characters")
    max_bytes: int = _setting(20_000_000, "largest input file accepted, in bytes")
    # Not in repr: a logged or printed Settings must not show it.
    token: str | None = field(
        default=None,
        repr=False,
        metadata={"help": "token spinscope serve requires (Authorization: Bearer TOKEN)"},
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``SPINSCOPE_*`` variables (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            if f.name == "token":
                values[f.name] = raw
                continue
            try:
                values[f.name] = Path(raw) if f.name in _PATHS else int(raw)
            except ValueError:
                raise SpinscopeError(
                    f"{ENV_PREFIX}{f.name.upper()}={raw!r}: expected an integer"
                ) from None
        return replace(cls(), **values)

    def models_home(self, environ: Mapping[str, str] | None = None) -> Path:
        """Where assembled models live: ``models_dir``, else the user's cache directory.

        Example:
            >>> Settings().models_home({"XDG_CACHE_HOME": "/c"})
            PosixPath('/c/spinscope/models')
        """
        if self.models_dir is not None:
            return self.models_dir
        env = os.environ if environ is None else environ
        cache = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(cache) / "spinscope" / "models"

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """``(variable, default, help)`` for every setting."""
        return [(ENV_PREFIX + f.name.upper(), f.default, f.metadata["help"]) for f in fields(cls)]
