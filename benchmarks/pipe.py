"""``Model.pipe`` beside a loop of ``Model.analyze``, in one run, on the training articles.

    python benchmarks/pipe.py                 # first 100 training articles, 3 rounds
    python benchmarks/pipe.py --articles 50 --rounds 5 --short

Every variant is timed in each round, interleaved and in rotated order, so machine noise
hits them alike; the figure is the median of the rounds (articles/s, model already
loaded). For each pipe
variant it also prints how its analyses differ from the loop's: articles whose spans
differ, spans added and removed, and the largest confidence change of a span in both.

Packing windows of several articles into one encoder batch changes the numbers, since the
shipped int8 network quantizes its activations with one scale per batch; unpacked, pipe
gives exactly what ``analyze`` gives.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from _common import training_texts
from spinscope import Analysis, Model, Settings


def span_map(analysis: Analysis) -> dict[tuple[int, int, str], float]:
    return {(s.start, s.end, s.technique): s.confidence for s in analysis.spans}


def differences(base: list[Analysis], other: list[Analysis]) -> str:
    """How ``other`` differs from ``base``, article by article, in one line."""
    differ = added = removed = 0
    max_conf = 0.0
    for a, b in zip(base, other, strict=True):
        sa, sb = span_map(a), span_map(b)
        differ += set(sa) != set(sb)
        added += len(sb.keys() - sa.keys())
        removed += len(sa.keys() - sb.keys())
        max_conf = max([max_conf, *(abs(sa[k] - sb[k]) for k in sa.keys() & sb.keys())])
    identical = sum(a == b for a, b in zip(base, other, strict=True))
    total = sum(len(a.spans) for a in base)
    return (
        f"identical {identical}/{len(base)}; spans differ in {differ} articles "
        f"(+{added}/-{removed} of {total}); max |confidence diff| {max_conf:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--short", action="store_true", help="first paragraph of each only")
    args = parser.parse_args()
    texts = [text for _, text in training_texts()[: args.articles]]
    if args.short:
        texts = [t[:400].split("\n\n")[0].strip() or t[:400] for t in texts]
    model = Model.load(None, Settings.from_env())
    variants: dict[str, Callable[[], list[Analysis]]] = {
        "loop of analyze": lambda: [model.analyze(t) for t in texts],
        "pipe": lambda: list(model.pipe(texts)),
        "pipe, packed, batch 8": lambda: list(model.pipe(texts, pack_articles=True)),
        "pipe, packed, batch 16": lambda: list(
            model.pipe(texts, batch_size=16, pack_articles=True)
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    results: dict[str, list[Analysis]] = {}
    names = list(variants)
    for r in range(args.rounds):
        # Each round starts with another variant, so none always runs in the same slot.
        for name in names[r % len(names) :] + names[: r % len(names)]:
            run = variants[name]
            started = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
    base = results["loop of analyze"]
    loop_rate = len(texts) / statistics.median(times["loop of analyze"])
    print(f"{len(texts)} articles, {sum(map(len, texts)):,} characters, {args.rounds} rounds")
    for name in variants:
        rate = len(texts) / statistics.median(times[name])
        print(
            f"{name:24} {rate:6.2f} articles/s ({rate / loop_rate:.2f}x the loop); "
            + differences(base, results[name])
        )


if __name__ == "__main__":
    main()
