"""Behaviour lock: save what spinscope prints and serves, then check that a change keeps it.

Runs only the public entry points (the ``spinscope`` command and ``spinscope serve`` on
loopback), so the check survives any reshaping of the code behind them:

- ``spinscope analyze FILE -f json|semeval|si|html|text`` of 30 training articles and of the
  example article, one process per file (the single-article path);
- ``spinscope analyze DIR -f json|semeval|si`` over the same 30 articles (the batch path);
- ``POST /api/analyze``, ``/api/semeval``, ``/api/report`` and ``GET /api/techniques`` of
  the web app for the same texts.

``--save FILE`` writes the SHA-256 of every output (no corpus text leaves ``shared/``);
``--check FILE`` recomputes them and lists every output that differs. ``--keep DIR`` also
writes the outputs themselves, to diff a failure.

    python benchmarks/compare_outputs.py --save benchmarks/outputs.sha256.json
    python benchmarks/compare_outputs.py --check benchmarks/outputs.sha256.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SPINSCOPE_SHARED", ROOT.parent / "shared"))
PTC = Path(os.environ.get("SPINSCOPE_PTC", SHARED / "ptc" / "train"))
EXAMPLE = SHARED / "examples" / "venezuela.txt"
N_ARTICLES = 30
FILE_FORMATS = ("json", "semeval", "si", "html", "text")
DIR_FORMATS = ("json", "semeval", "si")


def spinscope() -> str:
    """The ``spinscope`` command beside this Python (the project's virtual environment)."""
    found = Path(sys.executable).parent / "spinscope"
    return str(found) if found.exists() else "spinscope"


def inputs() -> list[Path]:
    """The first 30 training articles by file name, and the example article."""
    articles = sorted((PTC / "articles").glob("article*.txt"))[:N_ARTICLES]
    if len(articles) < N_ARTICLES or not EXAMPLE.is_file():
        raise SystemExit(f"need {N_ARTICLES} articles under {PTC} and {EXAMPLE}")
    return [*articles, EXAMPLE]


def run_cli(args: list[str], cwd: Path | None = None) -> bytes:
    env = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1"}
    done = subprocess.run([spinscope(), *args], capture_output=True, env=env, cwd=cwd, check=False)
    if done.returncode != 0:
        raise SystemExit(f"spinscope {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return done.stdout


def cli_outputs(files: list[Path], folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in files:
        for fmt in FILE_FORMATS:
            yield f"cli/{path.name}.{fmt}", run_cli(["analyze", str(path), "-f", fmt])
    for fmt in DIR_FORMATS:
        # A relative folder name, so that the sources in the output do not name a temp dir.
        yield f"cli/DIR.{fmt}", run_cli(["analyze", folder.name, "-f", fmt], folder.parent)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [spinscope(), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            raise SystemExit("spinscope serve did not start in 60 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def web_outputs(files: list[Path]) -> Iterator[tuple[str, bytes]]:
    with served() as base, httpx.Client(base_url=base, timeout=120) as client:
        yield "web/techniques", client.get("/api/techniques").content
        for path in files:
            body = {"text": path.read_text(encoding="utf-8")}
            for route in ("analyze", "semeval", "report"):
                answer = client.post(f"/api/{route}", json=body)
                yield (
                    f"web/{path.name}.{route}",
                    f"{answer.status_code}\n".encode() + (answer.content),
                )


def collect(keep: Path | None) -> dict[str, str]:
    files = inputs()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for path in files:
            shutil.copyfile(path, folder / path.name)
        digests: dict[str, str] = {}
        for name, data in [*cli_outputs(files, folder), *web_outputs(files)]:
            digests[name] = hashlib.sha256(data).hexdigest()
            if keep is not None:
                target = keep / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
    return digests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--save", type=Path, help="write the digests to this JSON file")
    action.add_argument("--check", type=Path, help="compare with the digests in this file")
    parser.add_argument("--keep", type=Path, help="also write every output under this folder")
    args = parser.parse_args()
    started = time.monotonic()
    digests = collect(args.keep)
    if args.save:
        args.save.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        print(f"saved {len(digests)} output digests to {args.save}")
    else:
        saved: dict[str, str] = json.loads(args.check.read_text())
        differ = sorted(k for k in saved.keys() | digests.keys() if saved.get(k) != digests.get(k))
        for name in differ:
            print(f"DIFFERS: {name}")
        print(f"{len(digests) - len(differ)} of {len(saved)} outputs identical")
        if differ:
            raise SystemExit(1)
    print(f"{time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
