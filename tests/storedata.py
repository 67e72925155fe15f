"""A small hand-built results store whose report figures are known by heart.

Model ``m1`` (stored last, so the default model) analyzed five articles:

========================  ============  ==========  ===================================
key                       source        published   spans
========================  ============  ==========  ===================================
ptc/article111.txt        Daily Planet  2020-01-05  Loaded ×2, Name calling
article222                Daily Planet  2020-01-20  Loaded, Doubt
sha256:abc                Gazette       2020-02-03  Flag-waving
notes/quiet.txt           Gazette       2020-02-14  (none)
plain-key                 (no source)   (no date)   Loaded
========================  ============  ==========  ===================================

Model ``m0`` analyzed the first article only, with one Slogans span.
"""

from __future__ import annotations

import random

from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._store import ArticleRecord, Result, Store

TEXT = "Vile liars. The traitors lied again, and the city shrugged. Rise up now!"

ARTICLES = [
    (
        ArticleRecord(
            "ptc/article111.txt",
            TEXT,
            "Liars everywhere",
            "Daily Planet",
            "https://planet.example/1",
            "2020-01-05",
        ),
        [
            (0, 4, "Loaded_Language", 0.9),
            (5, 10, "Loaded_Language", 0.8),
            (16, 24, "Name_Calling,Labeling", 0.7),
        ],
    ),
    (
        ArticleRecord("article222", TEXT, "Again", "Daily Planet", None, "2020-01-20"),
        [(0, 4, "Loaded_Language", 0.6), (12, 35, "Doubt", 0.5)],
    ),
    (
        ArticleRecord("sha256:abc", TEXT, "Flags", "Gazette", None, "2020-02-03"),
        [(60, 72, "Flag-Waving", 0.95)],
    ),
    (ArticleRecord("notes/quiet.txt", TEXT, "Quiet day", "Gazette", None, "2020-02-14"), []),
    (ArticleRecord("plain-key", TEXT, None, None, None, None), [(5, 10, "Loaded_Language", 0.4)]),
]


def result(record: ArticleRecord, spans: list[tuple[int, int, str, float]], model: str) -> Result:
    found = [Span(*s) for s in spans]
    return Result(record, build_analysis(record.text, found, model, 0.3), 0.01)


def fill(store: Store) -> Store:
    """Store the articles above (``m0`` first, then ``m1``)."""
    run0 = store.start_run("m0", "local", 1, ["x"])
    store.save(run0, [result(ARTICLES[0][0], [(60, 72, "Slogans", 0.9)], "m0")])
    run1 = store.start_run("m1", "local", 1, ["x"])
    store.save(run1, [result(record, spans, "m1") for record, spans in ARTICLES])
    return store


def fill_random(store: Store, n: int, seed: int = 7, sources: int = 8, months: int = 14) -> None:
    """``n`` articles with random spans over ``sources`` sources and ``months`` months."""
    from spinscope._techniques import TECHNIQUES

    rng = random.Random(seed)
    names = [f"Source {chr(65 + i)} News" for i in range(sources)]
    weights = [rng.random() ** 2 + 0.05 for _ in TECHNIQUES]
    run = store.start_run("m-random", "local", 1, ["x"])
    batch = []
    for i in range(n):
        year, month = divmod(i % months, 12)
        source = names[min(int(rng.expovariate(0.5)), sources - 1)]
        text = ("word " * 200).strip()
        spans = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randrange(0, 900)
            tech = rng.choices(TECHNIQUES, weights)[0].name
            spans.append((start, start + rng.randint(4, 60), tech, rng.uniform(0.3, 1)))
        record = ArticleRecord(
            f"article{1000 + i}",
            text,
            f"Article {i}",
            source,
            None,
            f"{2020 + year}-{month + 1:02d}-{rng.randint(1, 28):02d}",
        )
        batch.append(result(record, spans, "m-random"))
        if len(batch) == 100:
            store.save(run, batch)
            batch = []
    store.save(run, batch)
