"""Actor stage throughput: articles/s and mentions/s, with and without the parser loaded.

    python benchmarks/bench_actors.py [--n 10000] [--parser-n 1000] [--workdir DIR]

A synthetic corpus (benchmarks/synth.py, JSONL) is ingested first (not timed). Then, in
one process and on one core:
- stage: ``pipeline.run_actors`` over all N articles (tok2vec + ner, sentence splitting,
  resolution, storing sentences and mentions): the figure the pipeline sees;
- ner-only vs with-parser: mention finding alone on the first PARSER_N articles, once with
  the pipeline the stage loads (tok2vec, ner) and once with the full pipeline (tagger,
  parser, lemmatizer too), so the ratio shows what not parsing saves.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))


def _find_all(store: Any, ids: list[int], disable: tuple[str, ...]) -> tuple[float, int, int]:
    from detente import actors
    from detente.actor_kb import load_knowledge_base
    from detente.nlp import load_pipeline
    from detente.sentences import split_sentences
    from detente.settings import Settings

    nlp = load_pipeline(Settings().spacy_model, disable)
    matcher = actors.ActorMatcher(load_knowledge_base(), nlp)
    articles = store.load_articles(ids)
    nlp("warm up")
    start = time.perf_counter()
    n_mentions = n_tokens = 0
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles), strict=True):
        sentences = split_sentences(article.text, article.spans)
        n_mentions += len(actors.find_mentions(article, sentences, matcher, doc))
        n_tokens += len(doc)
    return time.perf_counter() - start, n_mentions, n_tokens


def main() -> None:
    from synth import build

    from detente import actors
    from detente.pipeline import ingest_inputs, run_actors
    from detente.settings import Settings
    from detente.store import Store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000, help="synthetic articles")
    parser.add_argument("--parser-n", type=int, default=1_000, help="articles for the A/B")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="detente-bench-actors-"))
    corpus = build(workdir / "corpus", args.n, "jsonl")
    db = workdir / "bench.db"
    settings = Settings(db=db, fetch_linked_pages=False)
    results: dict[str, Any] = {"n": args.n}
    with Store(db) as store:
        ingest_inputs([str(corpus)], store, settings)
        ids = store.articles_pending("actors", actors.VERSION)
        start = time.perf_counter()
        run_actors(store, settings, ids)
        seconds = time.perf_counter() - start
        n_mentions = store.db.execute("SELECT COUNT(*) FROM mentions").fetchone()[0]
        results["stage"] = {
            "articles": len(ids),
            "mentions": n_mentions,
            "seconds": round(seconds, 1),
            "articles_per_s": round(len(ids) / seconds, 1),
            "mentions_per_s": round(n_mentions / seconds, 1),
        }
        subset = ids[: args.parser_n]
        for name, disable in (("ner_only", actors.UNUSED_COMPONENTS), ("with_parser", ())):
            seconds, found, tokens = _find_all(store, subset, disable)
            results[name] = {
                "articles": len(subset),
                "mentions": found,
                "seconds": round(seconds, 1),
                "articles_per_s": round(len(subset) / seconds, 1),
                "mentions_per_s": round(found / seconds, 1),
                "tokens_per_s": round(tokens / seconds),
            }
    results["parser_slowdown"] = round(
        results["ner_only"]["articles_per_s"] / results["with_parser"]["articles_per_s"], 2
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    stage = results["stage"]
    print(
        f"stage on {stage['articles']} articles: {stage['articles_per_s']} articles/s, "
        f"{stage['mentions_per_s']} mentions/s ({stage['mentions']} mentions, "
        f"{stage['seconds']} s)"
    )
    for name in ("ner_only", "with_parser"):
        r = results[name]
        print(
            f"{name} on {r['articles']} articles: {r['articles_per_s']} articles/s, "
            f"{r['mentions_per_s']} mentions/s, {r['tokens_per_s']} tokens/s"
        )
    print(f"loading the parser makes the stage {results['parser_slowdown']}x slower")


if __name__ == "__main__":
    main()
