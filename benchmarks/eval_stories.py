"""Story clustering on the seeds and the sample corpus: pairwise F1 over a grid of settings.

Ingests both corpora once and runs every stage (as ``tests/test_stories.py`` does), then
replays story assignment (``detente.stories.assign``, fresh state, the stage's order: dated
articles oldest first, undated ones last) for each primary threshold and coherence
exponent, printing seeds F1 / sample F1 (pairwise, articles sharing at least one story).
It then does the same for the event signatures' kinds and weight (the similarity of an
article and a story is raised by ``SIGNATURE_WEIGHT`` times the agreement of their
signatures). With ``--trace`` it also prints, for the seeds at the default settings, each
article's similarity to every story open when it arrived (its word cosine and signature
agreement): the margins the result rests on.

    python benchmarks/eval_stories.py [--seeds ../shared/corpus/seeds] [--trace]
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from detente import stories
from detente.data import sample_corpus_path
from detente.evaluation import gold_story_members, story_pairwise_f1
from detente.model import Article, Event
from detente.pipeline import ingest_inputs, process_articles
from detente.settings import Settings
from detente.store import Store

ROOT = Path(__file__).resolve().parents[1]
Data = list[tuple[Article, frozenset[str], list[Event]]]


def build(source: Path, db: Path) -> tuple[Store, Data]:
    store = Store(db)
    ingest_inputs([str(source)], store, Settings(db=db))
    process_articles(store, Settings(db=db))
    data: Data = []
    for article in store.load_articles([int(r["id"]) for r in store.articles()]):
        assert article.id is not None
        actors = frozenset(
            stories.base_actor(m.actor_code) for m in store.mentions(article.id) if m.actor_code
        )
        data.append((article, actors, store.events(article.id)))
    return store, data


def story_docs(data: Data) -> list[stories.StoryDoc]:
    """The stage's inputs, in the order the pipeline assigns them (dated first)."""
    docs = [
        stories.StoryDoc(
            a.id or 0,
            a.title,
            a.text,
            stories.story_day(a, ev),
            act,
            stories.event_terms(ev),
            stories.event_signatures(ev),
        )
        for a, act, ev in data
    ]
    docs.sort(key=lambda d: (d.day is None, d.day or date.min, d.article_id))
    return docs


def replay(data: Data, threshold: float, settings: Settings) -> dict[int, list[int]]:
    docs = story_docs(data)
    result, _ = stories.assign(
        docs,
        [],
        Counter(),
        0,
        1,
        threshold,
        settings.story_window_days,
        settings.story_secondary_threshold,
    )
    return {a.article_id: [a.story_id] + [s for s, _ in a.secondary] for a in result}


def seed_gold(store: Store, seeds: Path) -> tuple[list[set[int]], dict[int, str]]:
    doc = yaml.safe_load((seeds / "gold.yaml").read_text(encoding="utf-8"))
    by_file = {Path(r["source_path"]).name: int(r["id"]) for r in store.articles()}
    names = {i: f[:3] for f, i in by_file.items()}
    return [{by_file[f] for f in s["files"]} for s in doc["stories"]], names


def sample_gold(store: Store) -> list[set[int]]:
    doc = yaml.safe_load((sample_corpus_path() / "gold.yaml").read_text(encoding="utf-8"))
    return gold_story_members(doc["stories"], store.articles())


def trace(data: Data, names: dict[int, str], settings: Settings) -> None:
    plain = stories.similarity
    state: list[stories.Story] = []
    df: Counter[str] = Counter()

    def traced(vec: Any, story: stories.Story, df: Any, n: int) -> float:
        value = plain(vec, story, df, n)
        members = [names.get(i, str(i)) for i in story.article_ids]
        words, signatures = stories.split_vector(vec)
        story_words, story_signatures = stories.split_vector(story.centroid)
        cos = stories.cosine(words, story_words, df, n)
        agree = stories.cosine(signatures, story_signatures, df, n)
        print(
            f"    story {story.id} {members}: cosine {cos:.3f} signatures {agree:.3f}"
            f" coherence {stories.coherence(story):.3f} similarity {value:.4f}"
        )
        return value

    docs = story_docs(data)
    setattr(stories, "similarity", traced)  # noqa: B010
    try:
        n, next_id = 0, 1
        for d in docs:
            print(f"  {names[d.article_id]} (day {d.day}):")
            result, n = stories.assign(
                [d],
                state,
                df,
                n,
                next_id,
                settings.story_threshold,
                settings.story_window_days,
                settings.story_secondary_threshold,
            )
            next_id = max(s.id for s in state) + 1
            print(f"    -> story {result[0].story_id}, secondary {result[0].secondary}")
    finally:
        setattr(stories, "similarity", plain)  # noqa: B010


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared/corpus/seeds")
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        seeds_store, seeds = build(args.seeds, Path(tmp) / "seeds.db")
        sample_store, sample = build(sample_corpus_path(), Path(tmp) / "sample.db")
        gold_seeds, names = seed_gold(seeds_store, args.seeds)
        gold_sample = sample_gold(sample_store)
        thresholds = (0.2, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.3)

        def row() -> str:
            """Seeds F1 / sample F1 at each threshold, with the module settings as they are."""
            cells = []
            for t in thresholds:
                f_seeds = story_pairwise_f1(replay(seeds, t, settings), gold_seeds)[2]
                f_sample = story_pairwise_f1(replay(sample, t, settings), gold_sample)[2]
                cells.append(f"{f_seeds:.2f}/{f_sample:.2f}")
            return " ".join(f"{c:>9}" for c in cells)

        print("seeds F1 / sample F1 by primary threshold (columns) and coherence exponent")
        print("exponent " + " ".join(f"{t:>9}" for t in thresholds))
        default = stories.COHERENCE_EXPONENT
        try:
            for exponent in (0.0, 0.25, 0.5, 0.75, 1.0):
                stories.COHERENCE_EXPONENT = exponent
                print(f"{exponent:>8} " + row())
        finally:
            stories.COHERENCE_EXPONENT = default
        print("seeds F1 / sample F1 by primary threshold and event signatures (kinds, weight)")
        kept = stories.SIGNATURE_KINDS, stories.SIGNATURE_WEIGHT
        try:
            for kinds, weight in itertools.product(
                (("dyad",), ("full",), ("actfam",), ("full", "dyad", "actfam")), (0.25, 0.5, 1.0)
            ):
                stories.SIGNATURE_KINDS, stories.SIGNATURE_WEIGHT = kinds, weight
                label = "+".join(kinds) + f" {weight}"
                print(f"{label:>20} " + row())
            stories.SIGNATURE_WEIGHT = 0.0
            print(f"{'none 0':>20} " + row())
        finally:
            stories.SIGNATURE_KINDS, stories.SIGNATURE_WEIGHT = kept
        for label, data, gold in (("seeds", seeds, gold_seeds), ("sample", sample, gold_sample)):
            p, r, f = story_pairwise_f1(replay(data, settings.story_threshold, settings), gold)
            print(f"default settings, {label}: P {p:.2f} R {r:.2f} F1 {f:.2f}")
        if args.trace:
            trace(seeds, names, settings)
        seeds_store.close()
        sample_store.close()


if __name__ == "__main__":
    main()
