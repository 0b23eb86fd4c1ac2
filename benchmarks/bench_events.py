"""Speed of the pipeline so far (ingest, sentences and mentions, events) against parsing
every sentence of the same texts with the same spaCy model (the naive baseline).

    python benchmarks/bench_events.py [--n 10000]

Until the actor stage is installed, sentences and mentions come from a stand-in (a regex
sentence splitter and exact matches of the synthetic corpus's actor names), timed and
printed as its own line; with the actor stage, ``process_articles`` runs it for real.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth  # noqa: E402

from detente.model import Mention, Sentence  # noqa: E402
from detente.nlp import load_pipeline  # noqa: E402
from detente.pipeline import ingest_inputs, process_articles, run_events, stages  # noqa: E402
from detente.settings import Settings  # noqa: E402
from detente.store import Store  # noqa: E402

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|\n|$)")


def split(text: str) -> list[Sentence]:
    result = []
    for m in _SENTENCE.finditer(text):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        if text[start : m.end()].strip():
            result.append(Sentence(len(result), start, m.end()))
    return result


def stand_in_actors(store: Store, ids: list[int]) -> None:
    """Sentences and name-matched mentions of the synthetic corpus's actors."""
    names: dict[str, tuple[str, str]] = {}
    for country, demonym, person, _role, capital in synth.ACTORS:
        code = {"the United States": "USA"}.get(country, country[:3].upper())
        names[country] = names[demonym] = (code, "country")
        names[person], names[capital] = (code + "GOV", "person"), (code + "GOV", "place")
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(names, key=len)[::-1])) + r")\b")
    with store.transaction():
        for article in store.load_articles(ids):
            assert article.id is not None
            sentences = split(article.text)
            mentions = []
            for s in sentences:
                for m in pattern.finditer(article.text, s.start, s.end):
                    code, kind = names[m.group(0)]
                    mentions.append(Mention(m.start(), m.end(), m.group(0), s.index, kind, code,
                                            code, m.group(0), code[:3]))  # fmt: skip
            store.replace_sentences(article.id, sentences)
            store.replace_mentions(article.id, mentions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = synth.build(Path(tmp), args.n, "jsonl")
        settings = Settings(db=Path(tmp) / "b.db", fetch_linked_pages=False)
        store = Store(settings.db)
        t0 = time.perf_counter()
        report = ingest_inputs([str(folder)], store, settings)
        t_ingest = time.perf_counter() - t0
        ids = sorted(set(report.article_ids))
        names = [s.name for s in stages()]
        t0 = time.perf_counter()
        if "actors" in names:
            process_articles(store, settings, ids)
            t_actors = 0.0
            how = "(later stages timed together below)"
        else:
            stand_in_actors(store, ids)
            t_actors = time.perf_counter() - t0
            how = "actor stand-in (regex sentences + name matching)"
            t0 = time.perf_counter()
            run_events(store, settings, ids)
        t_events = time.perf_counter() - t0
        n_events = store.db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
        texts = []
        for article in store.load_articles(ids):
            texts.extend(article.text[s.start : s.end] for s in store.sentences(article.id or 0))
        store.close()
        nlp = load_pipeline(settings.spacy_model, ("ner",))
        t0 = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=256):
            pass
        t_naive = time.perf_counter() - t0
    total = t_ingest + t_actors + t_events
    print(f"articles: {len(ids)}, sentences: {len(texts)}, events: {n_events}")
    print(f"ingest:              {t_ingest:8.1f} s  ({len(ids) / t_ingest:8.1f} articles/s)")
    print(f"{how}: {t_actors:8.1f} s")
    label = "all later stages:   " if "actors" in names else "events stage:       "
    print(f"{label} {t_events:8.1f} s  ({len(ids) / t_events:8.1f} articles/s)")
    print(f"pipeline so far:     {total:8.1f} s  ({len(ids) / total:8.1f} articles/s)")
    print(f"naive: parse every sentence with the same model: {t_naive:8.1f} s "
          f"({len(ids) / t_naive:8.1f} articles/s)")  # fmt: skip
    print(f"events stage / naive parse: {t_events / t_naive:.2f}; "
          f"whole pipeline / naive parse: {total / t_naive:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
