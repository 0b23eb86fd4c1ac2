"""A database of synthetic coded events for API and aggregation benchmarks.

    python benchmarks/synth_events.py OUT.db [--events 1000000] [--articles 20000]

Events go straight into the ``events`` table (``Store.add_events_bulk``) over small synthetic
articles: no text is parsed. Actor pairs follow a skewed (Zipf-like) distribution, so a few
dyads are very busy (as RUS-UKR or ARM-AZE are in real data) and most are rare; dates spread
over ten years; CAMEO roots carry their QuadClass and a Goldstein value typical of the root.
Deterministic for a given seed. Not for evaluation: the events are random.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from detente.model import Article, Event, EventDate, PublicationDate
from detente.store import Store

COUNTRIES = ["RUS", "UKR", "ARM", "AZE", "USA", "TUR", "IRN", "GEO", "KAZ", "BLR", "FRA",
             "DEU", "GBR", "CHN", "ISR", "PSE", "SYR", "IRQ", "SDN", "ETH", "NKR", "EU",
             "NATO", "CSTO", "UN", "OSCE", "POL", "IND", "PAK", "JPN"]  # fmt: skip
ROLES = ["", "", "", "GOV", "MIL", "GOV", "OPP", "MED"]
# CAMEO root -> (QuadClass, a typical Goldstein value of the root's codes).
ROOTS = {"01": (1, 0.0), "02": (1, 3.0), "03": (1, 4.0), "04": (1, 1.0), "05": (1, 3.5),
         "06": (2, 6.0), "07": (2, 7.0), "08": (2, 5.0), "09": (3, -2.0), "10": (3, -5.0),
         "11": (3, -2.0), "12": (3, -4.0), "13": (3, -6.0), "14": (3, -6.5), "15": (4, -7.2),
         "16": (4, -4.0), "17": (4, -7.0), "18": (4, -9.0), "19": (4, -10.0),
         "20": (4, -10.0)}  # fmt: skip
START = date(2015, 1, 1)
DAYS = 3650


def _article(i: int, day: date) -> Article:
    text = f"Synthetic article {i}."
    digest = hashlib.sha256(text.encode()).hexdigest()
    iso = day.isoformat()
    return Article(
        title=f"Synthetic {i}",
        text=text,
        source_path=f"synthetic/{i}.txt",
        source_format="txt",
        raw=text,
        content_hash=digest,
        text_hash=digest,
        outlet=f"outlet{i % 97}.example",
        language="en",
        published=PublicationDate(iso, "day", iso, iso, "synthetic"),
    )


def _actor(rng: random.Random) -> str:
    # Zipf-like: the first countries are far busier than the last.
    index = min(int(rng.paretovariate(1.1)) - 1, len(COUNTRIES) - 1)
    return COUNTRIES[index] + rng.choice(ROLES)


def _events(rng: random.Random, article_ids: list[int], n: int) -> Iterator[tuple[int, Event]]:
    roots = list(ROOTS)
    for i in range(n):
        article_id = article_ids[i % len(article_ids)]
        source = _actor(rng)
        target = _actor(rng)
        while target[:3] == source[:3]:
            target = _actor(rng)
        root = rng.choice(roots)
        quad, goldstein = ROOTS[root]
        day = (START + timedelta(days=rng.randrange(DAYS))).isoformat()
        yield (
            article_id,
            Event(
                sentence=0,
                sentence_start=0,
                sentence_end=10,
                source_code=source,
                source_name=None,
                source_start=0,
                source_end=3,
                code=root + "0",
                trigger_start=4,
                trigger_end=8,
                trigger="acts",
                target_code=target,
                target_name=None,
                target_start=5,
                target_end=9,
                root=root,
                quad_class=quad,
                goldstein=goldstein,
                date=EventDate(day, "day", day, day, "sentence"),
                confidence=0.9,
                coder_version="synthetic",
            ),
        )


def build_event_db(path: Path, n_events: int, n_articles: int, seed: int = 11) -> Path:
    """Create ``path`` holding ``n_articles`` articles and ``n_events`` events."""
    rng = random.Random(seed)
    with Store(path) as store:
        ids: list[int] = []
        with store.transaction():
            for i in range(n_articles):
                day = START + timedelta(days=rng.randrange(DAYS))
                article_id, _ = store.add_article(_article(i, day), None)
                ids.append(article_id)
        stream = _events(rng, ids, n_events)
        for _ in range(0, n_events, 100_000):
            with store.transaction():
                store.add_events_bulk(itertools.islice(stream, 100_000))
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=20_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    build_event_db(args.out, args.events, args.articles)
    print(f"{args.events} events over {args.articles} articles -> {args.out} "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
