"""Whole-pipeline speed against the naive baseline, in one run.

    nice python benchmarks/bench_pipeline.py [--n 1000] [--workers 2]

On N synthetic articles (benchmarks/synth.py, JSONL) this prints articles/s for ingest,
for each later stage (actors, provenance, events, analysis) with one process, for the
whole pipeline (ingest + every stage) with 1 and with ``--workers`` processes for the
spaCy passes, and for the naive baseline: parsing every sentence of the same texts with
the same spaCy model (tagger + parser + lemmatizer, no NER), with 1 and ``--workers``
processes. It also prints the share of sentences each spaCy pass saw, for this corpus
and for the bundled sample corpus (real news), so the synthetic density can be judged.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from detente import actors, events  # noqa: E402
from detente.actor_kb import load_knowledge_base  # noqa: E402
from detente.nlp import load_pipeline  # noqa: E402
from detente.pipeline import ingest_inputs, stages  # noqa: E402
from detente.settings import Settings  # noqa: E402
from detente.store import Store  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "sample_corpus"


def run_all(corpus: Path, db: Path, workers: int) -> tuple[int, dict[str, float], list[str]]:
    """Ingest and every stage on a fresh store; (articles, seconds per step, sentences)."""
    settings = Settings(db=db, fetch_linked_pages=False, workers=workers)
    timings: dict[str, float] = {}
    with Store(db) as store:
        t0 = time.perf_counter()
        ids = sorted(set(ingest_inputs([str(corpus)], store, settings).article_ids))
        timings["ingest"] = time.perf_counter() - t0
        for spec in stages():
            t0 = time.perf_counter()
            spec.run(store, settings, store.articles_pending(spec.name, spec.version, ids), None)
            timings[spec.name] = time.perf_counter() - t0
        texts = [
            a.text[s.start : s.end]
            for a in store.load_articles(ids)
            for s in store.sentences(a.id or 0)
        ]
    return len(ids), timings, texts


def pass_shares(corpus: Path, db: Path) -> tuple[int, float, float]:
    """Sentences; share read by NER (actor stage); share parsed (event stage)."""
    settings = Settings(db=db, fetch_linked_pages=False)
    nlp = load_pipeline(settings.spacy_model, actors.UNUSED_COMPONENTS)
    matcher = actors.matcher_for(load_knowledge_base(), nlp)
    lexicon = events.dictionary()
    n = n_ner = n_parse = 0
    with Store(db) as store:
        ids = sorted(set(ingest_inputs([str(corpus)], store, settings).article_ids))
        stages()[0].run(store, settings, ids, None)
        for article in store.load_articles(ids):
            sentences = store.sentences(article.id or 0)
            doc = nlp.make_doc(article.text)
            n += len(sentences)
            n_ner += sum(
                sum(1 for s in sentences if a <= s.start and s.end <= b)
                for a, b in actors.entity_passages(doc, sentences, matcher)
            )
            mentions = store.mentions(article.id or 0)
            n_parse += len(events.select_sentences(article, sentences, mentions, lexicon))
    return n, n_ner / max(n, 1), n_parse / max(n, 1)


def naive(texts: list[str], model: str, workers: int) -> float:
    nlp = load_pipeline(model, ("ner",))
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=256, n_process=workers):
        pass
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    model = Settings().spacy_model
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = synth.build(work / "corpus", args.n, "jsonl")
        for name, folder in (("synthetic", corpus), ("sample corpus", SAMPLE)):
            n, ner, parse = pass_shares(folder, work / f"share-{name[:3]}.db")
            print(f"{name}: {n} sentences; NER reads {ner:.0%}, the parser {parse:.0%}")
        n, one, texts = run_all(corpus, work / "one.db", 1)
        _, many, _ = run_all(corpus, work / "many.db", args.workers)
        naive_one = naive(texts, model, 1)
        naive_many = naive(texts, model, args.workers)
    print(f"\n{n} articles, {len(texts)} sentences")
    for step, seconds in one.items():
        print(f"{step:28s} {seconds:8.1f} s {n / seconds:9.1f} articles/s")
    rows = [
        ("pipeline, 1 process", sum(one.values())),
        (f"pipeline, {args.workers} processes", sum(many.values())),
        ("naive parse, 1 process", naive_one),
        (f"naive parse, {args.workers} processes", naive_many),
    ]
    for label, seconds in rows:
        print(f"{label:28s} {seconds:8.1f} s {n / seconds:9.1f} articles/s")
    print(f"pipeline / naive parse: 1 process {sum(one.values()) / naive_one:.2f}, "
          f"{args.workers} processes {sum(many.values()) / naive_many:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
