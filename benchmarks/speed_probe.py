"""How fast the shipped path would run with a candidate student's networks, before any
refit: a speed probe, not a model.

A cross-validation fold (``cv_train.py --out CV --folds K``) holds a student's tagger,
span head and end-to-end head, but not the rest of a model directory (attribution head,
evidence index, span filter, stacker). Each ``--networks`` folder's three networks are put
into a copy of the shipped model directory (in a temporary directory), and the shipped
model and the probes are timed side by side, runs alternating so a change in the
machine's load falls on all alike:

1. ``spinscope analyze DIR -f json -o FILE`` over the first N training articles, model
   load included (the bar of issue 10): articles/s, median of ``--repeats`` rounds;
2. unless ``--skip-web``, ``load.py``'s 16 closed-loop clients against ``spinscope serve
   --model``, ``--web-rounds`` rounds: requests/s, p95 and the server's CPU a request.

Only the timings mean anything: the attribution head reads states it was not fitted on,
and decoding, filter and stacker were tuned for the shipped networks.

    python benchmarks/speed_probe.py --networks /root/s20/cv-l3-pl/fold4 --skip-web
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bars import ARTICLES, Checkout, link_articles, log
from load import measure_load
from spinscope import Settings
from spinscope._pipeline import model_folder

NETWORKS = ("tagger.onnx", "span_head.onnx", "e2e_head.onnx")


def probe_folder(networks: Path, shipped: Path, where: Path) -> Path:
    """A copy of ``shipped`` at ``where`` with the three networks of ``networks``."""
    missing = [name for name in NETWORKS if not (networks / name).is_file()]
    if missing:
        raise SystemExit(f"{networks}: no {', '.join(missing)}")
    shutil.copytree(shipped, where)
    for name in NETWORKS:
        shutil.copyfile(networks / name, where / name)
    return where


def time_corpus(
    models: dict[str, tuple[str, ...]], corpus: Path, repeats: int, out: Path
) -> dict[str, list[float]]:
    """Seconds of ``spinscope analyze corpus`` per model, rounds alternating."""
    here = Checkout("current", Path(__file__).resolve().parents[1] / "src", "")
    seconds: dict[str, list[float]] = {name: [] for name in models}
    for round_ in range(repeats):
        for name, options in models.items():
            log(f"  round {round_ + 1}/{repeats}: {name}")
            args = [str(corpus), "-f", "json", "-o", str(out), *options]
            seconds[name].append(here.analyze(*args).seconds)
    return seconds


def time_web(
    models: dict[str, tuple[str, ...]], rounds: int, clients: int, requests: int
) -> dict[str, list[dict[str, Any]]]:
    """``load.py``'s figures per model, rounds alternating."""
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in models}
    for round_ in range(rounds):
        for name, options in models.items():
            log(f"  web round {round_ + 1}/{rounds}: {name}")
            runs[name].append(measure_load(clients, requests, options))
    return runs


def report(
    n: int, corpus: dict[str, list[float]], web: dict[str, list[dict[str, Any]]]
) -> list[str]:
    """The printed lines: each model's medians and its ratio to the shipped one."""
    base = statistics.median(corpus["shipped"])
    lines = [f"analyze DIR over {n} articles (articles/s, median; ratio to shipped)"]
    for name, runs in corpus.items():
        rates = ", ".join(f"{n / s:.2f}" for s in runs)
        median = statistics.median(runs)
        lines.append(f"  {name:28s} {n / median:6.2f}  {base / median:5.2f}x  ({rates})")
    if web:
        lines.append("web, 16 clients (requests/s, p95 ms, server CPU ms a request)")
    for name, loads in web.items():
        for f in loads:
            lines.append(
                f"  {name:28s} {f['requests_per_s']:6.2f}  p95 {f['p95_ms']:5.0f}  "
                f"cpu {f['server_cpu_ms']:5.1f}  errors {len(f['errors'])}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", type=Path, nargs="+", required=True, help="fold folders")
    parser.add_argument("--limit", type=int, default=100, help="first N training articles")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of analyze DIR")
    parser.add_argument("--skip-web", action="store_true", help="no web load")
    parser.add_argument("--web-rounds", type=int, default=2)
    parser.add_argument("--web-requests", type=int, default=400)
    args = parser.parse_args()
    shipped = model_folder(None, Settings())  # what `spinscope analyze` loads, unloaded
    paths = sorted(ARTICLES.glob("article*.txt"))[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        models: dict[str, tuple[str, ...]] = {"shipped": ()}
        for k, networks in enumerate(args.networks):
            folder = probe_folder(networks, shipped, Path(tmp) / f"probe{k}")
            models[str(networks)[-28:]] = ("--model", str(folder))
        corpus = link_articles(paths, Path(tmp) / "articles")
        seconds = time_corpus(models, corpus, args.repeats, Path(tmp) / "out.json")
        web = {} if args.skip_web else time_web(models, args.web_rounds, 16, args.web_requests)
    print("\n".join(report(len(paths), seconds, web)))


if __name__ == "__main__":
    main()
