"""Latency of the dyad query (``detente.analysis.dyad``) over 1,000,000 synthetic events.

    python benchmarks/bench_dyads.py [--events 1000000] [--articles 20000] [--queries 300]
                                     [--db FILE]

Builds (or reuses, with --db) a database of synthetic events (``synth_events.py``, the
generator the web API benchmark uses too), builds the relation aggregates
(``analysis.rebuild_relations``), then times the library's dyad function for a mix of busy
and random pairs, by month and by week, both directions and one-way, plus one actor
against everyone. As a baseline measured in the same run it times the same series computed
straight from the ``events`` table with one GROUP BY (what a design without the
``dyad_periods`` table would pay), on a sample of the same queries. Prints p50/p95/max.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_events import COUNTRIES, build_event_db  # noqa: E402

from detente import analysis  # noqa: E402
from detente.settings import Settings  # noqa: E402
from detente.store import Store  # noqa: E402


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def query_mix(n: int, seed: int = 5) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    busy = [(a, b) for a in COUNTRIES[:4] for b in COUNTRIES[:4] if a != b]
    out = []
    for i in range(n):
        a, b = busy[i % len(busy)] if i % 2 == 0 else tuple(rng.sample(COUNTRIES, 2))
        if i % 10 == 9:
            b = "*"
        out.append((a, b, "month" if i % 3 else "week", "out" if i % 4 == 3 else "both"))
    return out


def baseline_sql(store: Store, a: str, b: str) -> int:
    """The monthly series of a pair straight from ``events`` (no pre-aggregation)."""
    rows = store.db.execute(
        "SELECT substr(date_start, 1, 7), COUNT(*), SUM(goldstein), SUM(quad_class = 1), "
        "SUM(quad_class = 4) FROM events WHERE (substr(source_code, 1, 3) = ? AND "
        "substr(target_code, 1, 3) = ?) OR (substr(source_code, 1, 3) = ? AND "
        "substr(target_code, 1, 3) = ?) GROUP BY 1",
        (a, b, b, a),
    ).fetchall()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=10)
    parser.add_argument("--db", type=Path, help="reuse (or create) this database")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="detente-bench-dyads-"))
    try:
        db = args.db or workdir / "events.db"
        if not db.exists():
            t0 = time.perf_counter()
            build_event_db(db, args.events, args.articles)
            print(f"built {args.events} synthetic events in {time.perf_counter() - t0:.1f} s")
        settings = Settings(db=db)
        with Store(db) as store:
            if not store.dyad_periods("RUS", "*", "month", "both"):
                t0 = time.perf_counter()
                n_units = analysis.rebuild_relations(store, settings)
                print(f"aggregated {n_units} units in {time.perf_counter() - t0:.1f} s")
            n_events = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
            queries = query_mix(args.queries)
            analysis.dyad(store, *queries[0])  # warm the page cache
            timings, points = [], 0
            for a, b, by, direction in queries:
                t0 = time.perf_counter()
                series = analysis.dyad(store, a, b, by, direction)
                timings.append((time.perf_counter() - t0) * 1000)
                points += len(series.points)
            base = []
            for a, b, _, _ in [q for q in queries if q[1] != "*"][: args.baseline_queries]:
                t0 = time.perf_counter()
                baseline_sql(store, a, b)
                base.append((time.perf_counter() - t0) * 1000)
        print(
            f"{n_events} events; {len(queries)} dyad queries "
            f"({points / len(queries):.0f} periods each on average)"
        )
        for name, samples in (
            ("analysis.dyad", timings),
            ("GROUP BY on events (baseline)", base),
        ):
            p = percentiles(samples)
            print(
                f"{name:>30}: p50 {p['p50']:8.1f} ms   p95 {p['p95']:8.1f} ms   "
                f"max {p['max']:8.1f} ms"
            )
        ratio = percentiles(base)["p50"] / max(percentiles(timings)["p50"], 1e-6)
        print(f"pre-aggregated dyad query is {ratio:.0f}x faster at p50 than the baseline")
        verdict = "meets" if percentiles(timings)["p95"] < 100 else "MISSES"
        print(f"target p95 < 100 ms: {verdict}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
