"""Attribution extraction on PolNeAR: the quotation baseline beside the attribution head.

    python benchmarks/attribution.py             # fit the head unless HEAD has one, score dev
    python benchmarks/attribution.py --fit       # refit on every train article first
    python benchmarks/attribution.py --tune      # fit on train less every 10th article and
                                                 # score that slice, for a few head shapes

Scores are against the first annotator file by name of each article. The head is fitted
on PolNeAR train (its token states cached under CACHE), written with the shipped model's
files into HEAD, and run on dev through the runtime path (``Model.forward``, then the
head's ONNX session); the speed lines compare the head's time with ``Model.analyze``'s.
Needs the corpus at /work/shared/polnear (or ``--polnear``) and the ``train`` extra.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from spinscope._attribution import (
    Attribution,
    AttributionHead,
    Decoding,
    Document,
    Scores,
    decode_attributions,
    quote_baseline,
    read_split,
    score_corpus,
)
from spinscope._pipeline import Model
from spinscope.train._attribution import (
    HeadConfig,
    examples,
    export_head,
    extract_states,
    fit_head,
    load_cached,
    states_folder,
    train_attribution,
)

POLNEAR = Path("/work/shared/polnear")
WORK = Path("/root/spinscope-attr")


def row(name: str, s: Scores) -> str:
    return (
        f"{name:<22} {s.content_precision:6.3f} {s.content_recall:6.3f} {s.content_f1:6.3f}"
        f" {s.exact_f1:7.3f} {s.source_accuracy:7.3f} {s.sourced:6d}"
    )


HEADER = f"{'':<22} {'P':>6} {'R':>6} {'F1':>6} {'exactF1':>7} {'source':>7} {'n src':>6}"


def predict_cached(
    head: AttributionHead, docs: Sequence[Document], folder: Path, decoding: Decoding
) -> list[tuple[Sequence[Attribution], Sequence[Attribution]]]:
    """(gold, predicted) per article, from cached states (no encoder run)."""
    pairs: list[tuple[Sequence[Attribution], Sequence[Attribution]]] = []
    for doc in docs:
        states, offsets = load_cached(folder, doc.name)
        tags = head.probs(states.astype("float32")).argmax(axis=1).tolist()
        pairs.append((doc.attributions, decode_attributions(doc.text, offsets, tags, decoding)))
    return pairs


def tune(model: Model, root: Path, cache: Path, configs: list[HeadConfig]) -> None:
    """Fit each config on train less every 10th article; score the held-out slice."""
    from spinscope.train._setup import prepare_torch

    prepare_torch()
    docs = read_split(root, "train")
    held, fit_on = docs[::10], [d for i, d in enumerate(docs) if i % 10]
    folder = states_folder(cache, model, "train")
    extract_states(model, docs, folder)
    data = examples(fit_on, folder)
    print(f"tuning: fit on {len(fit_on)} train articles, scored on {len(held)} (every 10th)")
    print(HEADER)
    print(
        row("quote baseline", score_corpus((d.attributions, quote_baseline(d.text)) for d in held))
    )
    for config in configs:
        started = time.perf_counter()
        net = fit_head(data, config, log=False)
        seconds = time.perf_counter() - started
        with tempfile.TemporaryDirectory() as tmp:
            export_head(net, data[0][0].shape[1], Path(tmp) / "attribution_head.onnx")
            head = _load_exported(Path(tmp), config)
            for decoding in (Decoding(False, 0), Decoding(True, 0), Decoding(True, 1)):
                pairs = predict_cached(head, held, folder, decoding)
                merge = int(decoding.merge_by_cue)
                name = f"{config.kind}{config.width} e{config.epochs} m{merge}r{decoding.reach}"
                print(row(name, score_corpus(pairs)), f"fit {seconds:.0f} s", flush=True)


def _load_exported(folder: Path, config: HeadConfig) -> AttributionHead:
    import json

    from spinscope._attribution import CONFIG_FILE, TAGS

    (folder / CONFIG_FILE).write_text(json.dumps({"tags": list(TAGS)}), encoding="utf-8")
    head = AttributionHead.load(folder)
    assert head is not None
    return head


def fitted_head(
    model: Model, root: Path, folder: Path, cache: Path, config: HeadConfig, fit: bool
) -> Path:
    """A complete model directory with the head: ``model``'s files plus the head's."""
    if fit or AttributionHead.load(folder) is None:
        folder.mkdir(parents=True, exist_ok=True)
        for path in model.path.iterdir():
            if path.is_file():
                shutil.copy2(path, folder / path.name)
        docs = read_split(root, "train")
        written = train_attribution(model, docs, cache, folder, config)
        print(
            f"fitted on {len(docs)} train articles: states {written['states_seconds']} s,"
            f" fit {written['fit_seconds']} s"
        )
    return folder


def dev_report(root: Path, folder: Path) -> None:
    """Score the baseline and the head on dev, and time the head beside ``Model.analyze``."""
    model = Model.load(folder)
    head = AttributionHead.load(folder)
    assert head is not None
    docs = read_split(root, "dev")
    baseline, found = [], []
    analyze_ms, head_ms = [], []
    for doc in docs:
        started = time.perf_counter()
        model.analyze(doc.text)
        analyzed = time.perf_counter()
        fwd = model.forward(doc.text)
        forwarded = time.perf_counter()
        predicted = head.attributions(fwd.text, fwd.pieces)
        done = time.perf_counter()
        analyze_ms.append(1000 * (analyzed - started))
        head_ms.append(1000 * (done - forwarded))
        baseline.append((doc.attributions, quote_baseline(doc.text)))
        found.append((doc.attributions, predicted))
    n_gold = sum(len(d.attributions) for d in docs)
    print(f"PolNeAR dev: {len(docs)} articles, {n_gold} attributions (first annotator by name)")
    print(HEADER)
    print(row("quote baseline", score_corpus(baseline)))
    print(row("attribution head", score_corpus(found)))
    a, h = statistics.mean(analyze_ms), statistics.mean(head_ms)
    print(
        f"speed: Model.analyze {a:.1f} ms/article (median {statistics.median(analyze_ms):.1f}),"
        f" head {h:.1f} ms/article (median {statistics.median(head_ms):.1f}):"
        f" +{100 * h / a:.1f}% of the analysis"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--head", type=Path, default=WORK / "model-head", help="model dir")
    parser.add_argument("--cache", type=Path, default=WORK / "states", help="states cache")
    parser.add_argument("--polnear", type=Path, default=POLNEAR)
    parser.add_argument(
        "--model", type=Path, default=None, help="tagger to read states from (default: shipped)"
    )
    parser.add_argument("--fit", action="store_true", help="refit the head")
    parser.add_argument("--tune", action="store_true", help="compare head shapes on train")
    parser.add_argument("--kind", default="gru")
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=12)
    args = parser.parse_args()
    config = HeadConfig(kind=args.kind, width=args.width, epochs=args.epochs)
    model = Model.load(args.model)
    if args.tune:
        # The shapes compared when the shipped choice (GRU, width 128) was made.
        shapes = [replace(config, width=64), replace(config, kind="conv", width=64), config]
        tune(model, args.polnear, args.cache, shapes)
        return
    dev_report(
        args.polnear, fitted_head(model, args.polnear, args.head, args.cache, config, args.fit)
    )


if __name__ == "__main__":
    main()
