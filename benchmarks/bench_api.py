"""Latency of the web API's dyad endpoint over a database of synthetic events.

    python benchmarks/bench_api.py [--events 1000000] [--requests 300] [--http] [--db FILE]

Builds (or reuses, with --db) a database of synthetic coded events
(``benchmarks/synth_events.py``), then requests the endpoint for a mix of actor pairs: the
busiest dyads and random ones, by month and by week, each once. By default the requests go
through FastAPI's TestClient: the whole app (routing, validation, store, JSON encoding)
in-process, no sockets. With --http they go to a real ``detente serve`` (uvicorn) on
127.0.0.1 through httpx, which adds the HTTP round trip. Prints p50/p95/max in milliseconds,
and the same percentiles for ``/api/articles/1`` (a one-row lookup measured in the same run) as a
baseline for the fixed cost of a request on this machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_events import COUNTRIES, build_event_db  # noqa: E402

DYAD_PATH = "/api/dyads/{a}/{b}?by={by}"


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}


def requests_mix(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    busy = [(a, b) for a in COUNTRIES[:4] for b in COUNTRIES[:4] if a != b]
    paths = []
    for i in range(n):
        a, b = busy[i % len(busy)] if i % 2 == 0 else rng.sample(COUNTRIES, 2)
        paths.append(DYAD_PATH.format(a=a, b=b, by="month" if i % 3 else "week"))
    return paths


def time_requests(get: Callable[[str], int], paths: list[str]) -> list[float]:
    timings = []
    for path in paths:
        t0 = time.perf_counter()
        status = get(path)
        timings.append((time.perf_counter() - t0) * 1000)
        if status == 404 and path.startswith("/api/dyads/"):
            raise SystemExit(
                f"{path}: HTTP 404: this build has no dyad endpoint yet (it serves the "
                "analysis library's dyad function, detente.relations, once that is merged)"
            )
        if status != 200:
            raise SystemExit(f"{path}: HTTP {status}")
    return timings


def aggregate(db: Path, settings: Any, batch: int = 2000) -> None:
    """Fill ``event_units`` and ``dyad_periods`` the way the analysis stage does, with its
    own function, over batches of articles (as the pipeline processes them)."""
    from detente import analysis
    from detente.store import Store

    with Store(db) as store:
        ids = [r[0] for r in store.db.execute("SELECT id FROM articles ORDER BY id")]
        for i in range(0, len(ids), batch):
            with store.transaction():
                analysis.refresh_relations(store, settings, ids[i : i + batch])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="detente-bench-api-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--db", type=Path, help="reuse (or create) this database")
    parser.add_argument("--http", action="store_true", help="through a real uvicorn server")
    args = parser.parse_args()

    from detente.settings import Settings
    from detente.store import Store

    db = args.db or workdir / "events.db"
    if not db.exists():
        t0 = time.perf_counter()
        build_event_db(db, args.events, args.articles)
        print(f"built {db}: {args.events} events in {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        aggregate(db, Settings(db=db))
        print(f"event units and dyad aggregates in {time.perf_counter() - t0:.1f} s")

    with Store(db) as store:
        n_events = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    paths = requests_mix(args.requests)
    process = None
    if args.http:
        import httpx

        port = _free_port()
        command = [sys.executable, "-m", "detente.cli", "--db", str(db), "serve",
                   "--port", str(port)]  # fmt: skip
        server_log = (workdir / "server.log").open("wb")
        process = subprocess.Popen(
            command, stdout=server_log, stderr=subprocess.STDOUT, env=dict(os.environ)
        )
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)
        for _ in range(300):
            try:
                client.get("/api/stats")
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        get: Callable[[str], int] = lambda p: client.get(p).status_code  # noqa: E731
        how = "real uvicorn server over HTTP (httpx)"
    else:
        from fastapi.testclient import TestClient

        from detente.web import create_app

        test_client = TestClient(create_app(Settings(db=db)))
        get = lambda p: test_client.get(p).status_code  # noqa: E731
        how = "FastAPI TestClient, in-process"
    try:
        get(paths[0])  # warm: first connection, page cache
        baseline = time_requests(get, ["/api/articles/1"] * 20)
        dyad = time_requests(get, paths)
    except (SystemExit, Exception):
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
            log = (workdir / "server.log").read_text(errors="replace")
            lines = [ln for ln in log.splitlines() if "INFO:" not in ln]
            print("server log (errors):", *lines[-40:], sep="\n")
        raise
    else:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
    print(f"{n_events} events in the database; {len(paths)} dyad requests; {how}")
    for name, samples in (("dyad endpoint", dyad), ("/api/articles/1 (baseline)", baseline)):
        p = percentiles(samples)
        print(
            f"{name:>24}: p50 {p['p50']:7.1f} ms   p95 {p['p95']:7.1f} ms   max {p['max']:7.1f} ms"
        )
    verdict = "meets" if percentiles(dyad)["p95"] < 100 else "MISSES"
    print(f"target p95 < 100 ms: {verdict}")


if __name__ == "__main__":
    main()
