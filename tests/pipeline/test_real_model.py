"""The shipped model itself: loadable offline, small, and above a floor on held-out articles."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope import Corpus, load_model
from spinscope._pipeline import MODEL_FILES, TechniqueStacker, default_model_path
from spinscope._semeval._corpus import validation_ids
from spinscope._semeval._evaluate import evaluate

pytestmark = pytest.mark.slow

# Floors on 15 validation articles, well under the model's figures on them (see the model
# card), so that a broken export, tokenizer or decoding fails loudly.
FLOORS = {"si": 0.25, "tc": 0.45, "e2e": 0.12}


def test_shipped_model_is_complete_small_and_documented() -> None:
    folder = default_model_path()
    assert all((folder / name).is_file() for name in MODEL_FILES)
    sizes = {path.name: path.stat().st_size for path in folder.iterdir()}
    assert sum(sizes.values()) <= 30 * 1024 * 1024, sizes
    assert TechniqueStacker.load(folder, 14) is not None  # given spans go through it
    model = load_model()
    assert set(model.config.validation) >= {"si_f1", "tc_micro_f1", "e2e_micro_f1"}
    assert model.model_id in (folder / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_shipped_model_beats_floors_and_baselines_on_validation_articles(ptc: Path) -> None:
    corpus = Corpus.load(ptc)
    ids = validation_ids(corpus.articles)[:15]
    train_labels = corpus.subset(set(corpus.articles) - set(validation_ids(corpus.articles)))
    report = evaluate(load_model(), corpus.subset(ids), train_labels.labels)
    assert report.si.f1 >= FLOORS["si"] and report.si.f1 > report.si_baseline.f1
    assert report.tc.micro.f1 >= FLOORS["tc"] and report.tc.micro.f1 > report.tc_baseline.micro.f1
    assert report.e2e.micro.f1 >= FLOORS["e2e"]


def test_five_megabyte_text_runs_in_bounded_memory(ptc: Path, tmp_path: Path) -> None:
    corpus = Corpus.load(ptc)
    texts = [corpus.articles[a] for a in sorted(corpus.articles)]
    parts, size, i = [], 0, 0
    while size < 5_000_000:
        parts.append(texts[i % len(texts)])
        size += len(parts[-1]) + 1
        i += 1
    big = tmp_path / "big.txt"
    big.write_text("\n".join(parts), encoding="utf-8")
    out = tmp_path / "big.json"
    code = (
        "import sys\n"
        "from spinscope._cli._app import app\n"
        f"sys.argv = ['spinscope', 'analyze', {str(big)!r}, '-f', 'json', '-o', {str(out)!r}]\n"
        "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent at fork, so
        # after tests that had loaded torch it reported the pytest process's 1.9 GB.
        "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')][0]\n"
        "print(code, int(hwm.split()[1]) // 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, peak_mb = proc.stdout.split()[-2:]
    assert exit_code == "0", proc.stderr
    # Issue 10's bar: 800 MB (this run peaks at 565-580 MB).
    assert int(peak_mb) < 800, f"peak RSS {peak_mb} MB"
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["length"] == len(big.read_text(encoding="utf-8"))
    assert len(doc["spans"]) > 1000
