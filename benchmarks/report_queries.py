"""Report query times on a store of 100,000 analyzed articles.

The store is filled with real analyses without re-running the model for each copy: the
371 training articles are analyzed once (`spinscope batch` into a seed store), then their
articles, analyses, spans and technique counts are copied again and again under new ids,
spread over 12 sources and 36 months. Every report query then runs with several filters;
its first (cold) and median-of-3 times are printed. The bar: under 1 s each on SQLite.
Last, text searches through the full-text index beside the ``LIKE`` scan they replaced.

    python benchmarks/report_queries.py                    # 100,000 articles, SQLite
    python benchmarks/report_queries.py --articles 20000 --db postgresql://...
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import func, or_, select

from _common import PTC, SOURCES, spread
from spinscope._batch import BatchOptions, ModelSpec, run_batch
from spinscope._store import (
    Filters,
    Store,
    build_report,
    latest_model,
    search_articles,
    sources,
)
from spinscope._store import _queries as q
from spinscope._store._filters import analysis_where
from spinscope._store._schema import analyses, articles, spans, technique_counts


def seed_rows(seed: Store) -> list[dict[str, Any]]:
    """Every analyzed training article with its analysis, spans and technique counts."""
    out = []
    with seed.engine.connect() as conn:
        for art in conn.execute(select(articles)).mappings():
            an = (
                conn.execute(select(analyses).where(analyses.c.article_id == art["id"]))
                .mappings()
                .one()
            )
            sp = conn.execute(select(spans).where(spans.c.analysis_id == an["id"])).mappings().all()
            tc = (
                conn.execute(
                    select(technique_counts).where(technique_counts.c.analysis_id == an["id"])
                )
                .mappings()
                .all()
            )
            out.append(
                {
                    "article": dict(art),
                    "analysis": dict(an),
                    "spans": [dict(s) for s in sp],
                    "counts": [dict(t) for t in tc],
                }
            )
    return out


def fill(store: Store, seed: list[dict[str, Any]], n: int, block: int = 2000) -> None:
    span_id = 0
    for lo in range(0, n, block):
        arts, ans, sps, tcs = [], [], [], []
        for i in range(lo, min(n, lo + block)):
            s = seed[i % len(seed)]
            source, published = spread(i)
            aid = i + 1
            arts.append(
                {
                    **s["article"],
                    "id": aid,
                    "key": f"{s['article']['key']}#{i}",
                    "source": source,
                    "published": published,
                }
            )
            ans.append(
                {
                    **s["analysis"],
                    "id": aid,
                    "article_id": aid,
                    "run_id": None,
                    "source": source,
                    "published": published,
                }
            )
            for sp in s["spans"]:
                span_id += 1
                sps.append({**sp, "id": span_id, "analysis_id": aid})
            for tc in s["counts"]:
                tcs.append({**tc, "analysis_id": aid, "source": source, "published": published})
        with store.engine.begin() as conn:
            conn.execute(articles.insert(), arts)
            conn.execute(analyses.insert(), ans)
            if sps:
                conn.execute(spans.insert(), sps)
            if tcs:
                conn.execute(technique_counts.insert(), tcs)
        print(f"\rfilled {min(n, lo + block):,}/{n:,}", end="", flush=True)
    print()
    if store.dialect == "sqlite":
        with store.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times[0], statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", default=None, help="an empty store to fill (default: SQLite file)")
    parser.add_argument(
        "--seed-db", default=None, help="reuse a store of analyzed training articles"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="spinscope-queries-"))
    seed_db = args.seed_db or str(tmp / "seed.db")
    with Store.open(seed_db) as seed_store:
        if args.seed_db is None:
            t0 = time.perf_counter()
            run_batch([str(PTC / "articles")], seed_store, ModelSpec(), BatchOptions(workers=2))
            print(f"analyzed the training articles once in {time.perf_counter() - t0:.0f} s")
        seed = seed_rows(seed_store)
    store = Store.open(args.db or str(tmp / "store.db"))
    t0 = time.perf_counter()
    fill(store, seed, args.articles)
    print(
        f"stored {args.articles:,} analyses ({store.dialect}) in {time.perf_counter() - t0:.0f} s"
    )

    model = latest_model(store)
    filter_sets = {
        "no filter": Filters(model),
        "one source": Filters(model, sources=(SOURCES[3],)),
        "one year": Filters(model, date_from="2019-01", date_to="2019-12"),
        "technique": Filters(model, techniques=("Loaded_Language",)),
        "all three": Filters(model, (SOURCES[3],), "2019-01", "2019-12", ("Doubt",)),
    }
    queries: dict[str, Callable[[Filters], Any]] = {
        "technique totals": lambda f: q.technique_totals(store, f),
        "per source": lambda f: q.by_source(store, f),
        "per month": lambda f: q.by_month(store, f),
        "coverage per source": lambda f: q.source_coverage(store, f),
        "top articles": lambda f: q.top_articles(store, f, 10),
        "overview": lambda f: q.overview(store, f),
        "whole report": lambda f: build_report(store, f),
    }
    worst = 0.0
    print(f"\n| query | {' | '.join(filter_sets)} |")
    print("|---|" + "---|" * len(filter_sets))
    for name, fn in queries.items():
        cells = []
        for f in filter_sets.values():
            cold, median = timed(partial(fn, f))
            if name not in ("whole report",) and not name.startswith("search"):
                worst = max(worst, cold, median)
            cells.append(f"{cold * 1000:.0f} / {median * 1000:.0f} ms")
        print(f"| {name} | {' | '.join(cells)} |", flush=True)
    cold, median = timed(lambda: sources(store, model))
    print(f"| list of sources | {cold * 1000:.0f} / {median * 1000:.0f} ms |")
    print(
        f"\n(cold / median of 3) slowest single report query: {worst * 1000:.0f} ms "
        f"-> {'under' if worst < 1 else 'OVER'} the 1 s bar"
    )
    compare_search(store, Filters(model))


SEARCHES = ("traitor", "the", '"witch hunt"', "Mueller Comey", "%")


def like_scan(store: Store, f: Filters, query: str, limit: int = 50) -> int:
    """The text search before the full-text index (the baseline): a case-folded ``LIKE``
    over every title and text, counted and paged as ``search_articles`` does."""
    like = "%" + query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    cond = [
        *analysis_where(f),
        or_(
            func.lower(articles.c.title).like(like, escape="\\"),
            func.lower(articles.c.text).like(like, escape="\\"),
        ),
    ]
    base = select(analyses.c.id).join(articles, articles.c.id == analyses.c.article_id)
    with store.engine.connect() as conn:
        total = conn.execute(
            select(func.count()).select_from(base.where(*cond).subquery())
        ).scalar()
        page = base.add_columns(analyses.c.score).where(*cond)
        conn.execute(page.order_by(analyses.c.score.desc()).limit(limit)).all()
    return int(total or 0)


def compare_search(store: Store, f: Filters) -> None:
    """Full-text search (what ``q=`` runs) beside the ``LIKE`` scan it replaced, in this run."""
    print("\n| search (count + page 1) | matches | full-text index | LIKE scan (before) | ratio |")
    print("|---|---|---|---|---|")
    for query in SEARCHES:
        cold, fast = timed(partial(search_articles, store, f, query, 50))
        _, slow = timed(partial(like_scan, store, f, query))
        total = search_articles(store, f, query, 50)[0]
        print(
            f"| {query} | {total:,} | {cold * 1000:.0f} / {fast * 1000:.0f} ms "
            f"| {slow * 1000:.0f} ms | {slow / max(fast, 1e-6):.1f}x |",
            flush=True,
        )
    print("(full-text: cold / median of 3; LIKE: median of 3; a phrase matches whole words,")
    print(" LIKE any substring, so the counts of the two differ)")


if __name__ == "__main__":
    main()
