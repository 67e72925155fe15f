"""Epoch checkpoints: a fit cut short resumes at its last finished epoch, to the bit.

A fit of the shipped recipe takes 20-60 minutes on two cores, and the machines it runs on
may go away mid-fit (a session's end, a killed job). At the end of every epoch but the last
the loop writes what it needs to go on (network, heads, optimizer, learning-rate schedule,
step, running loss, history and every random generator's state) to one file beside the
checkpoint folder; a later fit of the same settings on the same examples loads it and runs
the remaining epochs as the first fit would have. The file goes once the fit is done. A file
left by other settings or other examples is ignored and overwritten. torch only.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from ._data import WindowExample

RESUME_FILE = "resume.pt"


def fingerprint(settings: dict[str, Any], examples: Sequence[WindowExample]) -> str:
    """What a saved epoch must match to be resumed: the settings and the examples (their
    tokens, gold tags, span targets and teacher targets, so corrected labels or another
    teacher start afresh).

    Example:
        >>> fingerprint({"seed": 13}, []) == fingerprint({"seed": 13}, [])
        True
        >>> fingerprint({"seed": 13}, []) == fingerprint({"seed": 14}, [])
        False
    """
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8"))
    for ex in examples:
        digest.update(f"{ex.article_id}\0{ex.labelled}\0".encode())
        arrays = [ex.ids, ex.tags, *(a for sp in ex.spans for a in (sp.features, sp.target))]
        if ex.soft is not None:
            arrays.append(ex.soft)
        for array in arrays:
            digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(json.dumps([(sp.start, sp.end, sp.chars) for sp in ex.spans]).encode())
    return digest.hexdigest()


@dataclass
class Progress:
    """Where the loop stands: epochs done, optimizer steps done, the running loss, history."""

    epochs: int = 0
    step: int = 0
    running: float = 0.0
    history: list[dict[str, float]] = field(default_factory=list)


def _generators(rng: random.Random) -> dict[str, Any]:
    """Every random generator's state the loop draws from (the batch order's ``rng``,
    dropout's torch generator, and Python's and numpy's global ones)."""
    states: dict[str, Any] = {
        "batches": rng.getstate(),
        "python": random.getstate(),
        "numpy": np.random.get_state(),
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        states["cuda"] = torch.cuda.get_rng_state_all()
    return states


def _restore_generators(states: dict[str, Any], rng: random.Random) -> None:
    rng.setstate(states["batches"])
    random.setstate(states["python"])
    np.random.set_state(states["numpy"])
    torch.set_rng_state(states["torch"])
    if "cuda" in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


@dataclass(frozen=True)
class Resumable:
    """The loop's state as one file (``path``; ``None`` keeps nothing), valid for the run
    whose :func:`fingerprint` is ``key``.

    Example:
        >>> # saver = Resumable(out / RESUME_FILE, fingerprint(asdict(config), examples))
    """

    path: Path | None
    key: str

    def save(
        self,
        modules: dict[str, nn.Module],
        optimizer: Any,
        schedule: Any,
        rng: random.Random,
        progress: Progress,
    ) -> None:
        """Write the state after a finished epoch (replacing the last one atomically)."""
        if self.path is None:
            return
        state = {
            "key": self.key,
            "modules": {name: m.state_dict() for name, m in modules.items()},
            "optimizer": optimizer.state_dict(),
            "schedule": schedule.state_dict(),
            "generators": _generators(rng),
            "progress": asdict(progress),
        }
        partial = self.path.with_name(self.path.name + ".partial")
        torch.save(state, partial)
        os.replace(partial, self.path)

    def restore(
        self, modules: dict[str, nn.Module], optimizer: Any, schedule: Any, rng: random.Random
    ) -> Progress:
        """Load the saved state into the loop's objects; a fresh :class:`Progress` when
        there is none for this run."""
        if self.path is None or not self.path.is_file():
            return Progress()
        state = torch.load(self.path, map_location="cpu", weights_only=False)
        if state.get("key") != self.key:
            return Progress()
        for name, module in modules.items():
            module.load_state_dict(state["modules"][name])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        _restore_generators(state["generators"], rng)
        return Progress(**state["progress"])

    def finish(self) -> None:
        """Remove the file: the fit is complete."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
