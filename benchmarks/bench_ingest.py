"""Ingest throughput and peak memory, with a same-run baseline for each input kind.

    python benchmarks/bench_ingest.py [--n 10000] [--html-n 2000] [--workdir DIR]

Each phase runs in a fresh process (so its peak RSS is its own) and on one core: detente's
ingest is single-process. Baselines are measured in the same run on the same files:
- text: read + decode + ftfy.fix_text per file, the least any cleaner does;
- html: trafilatura.extract per page, the extraction library detente builds on.
Figures are printed as articles/s and as a ratio to the baseline, since this machine is
shared and absolute times drift between runs.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.rglob(f"*{suffix}"))


def phase_ingest(folder: str, db: str) -> dict[str, Any]:
    from detente.pipeline import ingest_inputs
    from detente.settings import Settings
    from detente.store import Store

    start = time.perf_counter()
    with Store(db) as store:
        report = ingest_inputs([folder], store, Settings(db=Path(db)))
    elapsed = time.perf_counter() - start
    return {
        "articles": report.n_new + report.n_known,
        "errors": len(report.errors),
        "seconds": elapsed,
        "peak_mb": _peak_mb(),
    }


def phase_text_baseline(folder: str) -> dict[str, Any]:
    import ftfy

    start = time.perf_counter()
    n = 0
    for path in _files(Path(folder), ".txt"):
        ftfy.fix_text(path.read_bytes().decode("utf-8"))
        n += 1
    return {"articles": n, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def phase_html_baseline(folder: str) -> dict[str, Any]:
    import trafilatura

    start = time.perf_counter()
    n = 0
    for path in _files(Path(folder), ".html"):
        trafilatura.extract(path.read_text(encoding="utf-8"), fast=True)
        n += 1
    return {"articles": n, "seconds": time.perf_counter() - start, "peak_mb": _peak_mb()}


def run(fn: Any, *args: Any) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with ctx.Pool(1) as pool:
        result: dict[str, Any] = pool.apply(fn, args)
    return result


def main() -> None:
    from synth import build

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="synthetic text articles")
    parser.add_argument("--html-n", type=int, default=2_000, help="synthetic HTML pages")
    parser.add_argument("--jsonl-n", type=int, default=10_000, help="synthetic JSONL records")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="detente-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    sample = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "sample_corpus"
    results: dict[str, Any] = {}

    if sample.exists():
        results["sample corpus"] = run(phase_ingest, str(sample), str(work / "sample.db"))
    text = build(work, args.n, "text")
    results["text (ingest)"] = run(phase_ingest, str(text), str(work / "text.db"))
    results["text (baseline: read+decode+ftfy)"] = run(phase_text_baseline, str(text))
    html = build(work, args.html_n, "html")
    results["html (ingest)"] = run(phase_ingest, str(html), str(work / "html.db"))
    results["html (baseline: trafilatura.extract)"] = run(phase_html_baseline, str(html))
    if args.jsonl_n:
        jsonl = build(work, args.jsonl_n, "jsonl")
        results["jsonl (ingest)"] = run(phase_ingest, str(jsonl), str(work / "jsonl.db"))

    for r in results.values():
        r["articles_per_s"] = r["articles"] / r["seconds"] if r["seconds"] else 0.0
    for kind, base in (
        ("text", "text (baseline: read+decode+ftfy)"),
        ("html", "html (baseline: trafilatura.extract)"),
    ):
        results[f"{kind} (ingest)"]["ratio_to_baseline"] = (
            results[f"{kind} (ingest)"]["articles_per_s"] / results[base]["articles_per_s"]
        )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'phase':40} {'articles':>9} {'seconds':>8} {'art/s':>8} {'peak MB':>8} {'x base':>7}")
    for name, r in results.items():
        ratio = f"{r['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in r else ""
        print(
            f"{name:40} {r['articles']:>9} {r['seconds']:>8.1f} {r['articles_per_s']:>8.0f} "
            f"{r['peak_mb']:>8.0f} {ratio:>7}"
        )


if __name__ == "__main__":
    main()
