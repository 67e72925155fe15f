"""What the annotation-tool round trips share: read a tool's export back with
``spinscope import`` and compare its SemEval lines with the ones expected."""

from __future__ import annotations

import subprocess
from pathlib import Path


def read_back(export: Path, fmt: str, expected: set[str]) -> int:
    """Import ``export`` (format ``fmt``) beside it as ``.tsv``; 0 when its lines are
    exactly ``expected``, else 1, printing what differs."""
    back = export.with_suffix(".tsv")
    command = ["spinscope", "import", str(export), "-f", fmt, "-o", str(back)]
    subprocess.run(command, check=True)
    got = set(back.read_text(encoding="utf-8").splitlines())
    print(f"expected {len(expected)} spans, read back {len(got)}")
    if got != expected:
        print("differ:", sorted(got ^ expected)[:10])
        return 1
    print("every span came back with the same technique and offsets")
    return 0
