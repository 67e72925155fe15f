"""Helpers shared by the corpus benchmarks: synthetic corpora from the training articles,
and the peak memory of a process tree."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PTC = ROOT.parent / "shared" / "ptc" / "train"
SOURCES = [f"outlet-{chr(ord('a') + i)}" for i in range(12)]


def training_texts() -> list[tuple[str, str]]:
    """``(article id, text)`` of every training article, sorted by id."""
    paths = sorted((PTC / "articles").glob("article*.txt"))
    if not paths:
        raise SystemExit(f"no training articles under {PTC}/articles")
    return [(p.stem, p.read_text(encoding="utf-8")) for p in paths]


def spread(i: int) -> tuple[str, str]:
    """A source and a publication date for the i-th copy, spread over 12 outlets and 3 years."""
    month = i % 36
    return SOURCES[
        (i * 7) % len(SOURCES)
    ], f"{2018 + month // 12}-{month % 12 + 1:02d}-{i % 28 + 1:02d}"


def write_corpus(path: Path, n: int) -> Path:
    """A JSONL corpus of ``n`` articles: the training articles repeated under new ids."""
    texts = training_texts()
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            art_id, text = texts[i % len(texts)]
            source, published = spread(i)
            row = {"id": f"{art_id}-{i}", "text": text, "source": source, "published": published}
            f.write(json.dumps(row) + "\n")
    return path


def _tree_rss(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, str]:
    """Run ``cmd``; its wall seconds, the peak RSS of its process tree, and its stdout."""
    peak = 0
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.25)

    watcher = threading.Thread(target=poll, daemon=True)
    t0 = time.perf_counter()
    watcher.start()
    out, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return seconds, peak, out
