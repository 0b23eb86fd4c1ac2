"""The "analysis" stage: stories, quotes, quantities, conflicting claims and the dyad
aggregates, for articles it has not yet processed. Registered last in ``pipeline.stages()``.

Orchestration only: the work is done by the pure functions of ``stories``, ``claims`` and
``relations``; every SQL statement is in ``store.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from . import brief, claims, relations, stories
from .model import Article, Event, IngestError
from .settings import Settings
from .store import Store

VERSION = "1"
STAGE = "analysis"

Progress = Callable[[str, int], None]


def run(
    store: Store, settings: Settings, article_ids: list[int], progress: Progress | None = None
) -> None:
    """Process ``article_ids``. Quotes and quantities are written a batch of articles per
    transaction, the stage marks at the end; a broken article is skipped, named and marked
    with the error, and the batch goes on."""
    articles = store.load_articles(article_ids)
    with store.transaction():
        _assign_stories(store, settings, articles)
    touched_whats: set[str] = set()
    failed: dict[int, str] = {}
    for start in range(0, len(articles), settings.batch_size):
        found: list[tuple[int, list[Any], list[Any]]] = []
        for article in articles[start : start + settings.batch_size]:
            assert article.id is not None
            try:
                sentences = store.sentences(article.id)
                mentions = store.mentions(article.id)
                quotes = claims.extract_quotes(article, sentences, mentions)
                quantities = claims.extract_quantities(article, sentences, mentions)
            except Exception as exc:  # one broken article must not stop the batch
                failed[article.id] = f"{exc.__class__.__name__}: {exc}"
                continue
            found.append((article.id, quotes, quantities))
            touched_whats.update(q.what for q in quantities)
        # One transaction per batch of articles, not one per article.
        with store.transaction():
            for article_id, quotes, quantities in found:
                store.replace_quotes(article_id, quotes)
                store.replace_quantities(article_id, quantities)
    with store.transaction():
        _refresh_claims(store, touched_whats)
        refresh_relations(store, settings, [a.id for a in articles if a.id is not None])
        store.mark_stage_done(STAGE, VERSION, [i for i in article_ids if i not in failed])
        store.add_errors(
            None,
            [
                IngestError(f"article {article_id}", f"analysis stage failed: {reason}")
                for article_id, reason in failed.items()
            ],
        )
    if progress:
        progress("advance", 0)


def _story_doc(article: Article, actors: frozenset[str], events: list[Event]) -> stories.StoryDoc:
    assert article.id is not None
    return stories.StoryDoc(
        article.id,
        article.title,
        article.text,
        stories.story_day(article, events),
        actors,
        stories.event_terms(events),
        stories.event_signatures(events),
    )


def _assign_stories(store: Store, settings: Settings, articles: list[Article]) -> None:
    known = store.story_article_ids(a.id for a in articles if a.id is not None)
    fresh = [a for a in articles if a.id is not None and a.id not in known]
    if not fresh:
        return
    rows, df, n_docs, next_id = store.story_state()
    state = [
        stories.Story(
            id=r["id"],
            centroid=r["centroid"],
            n_articles=r["n_articles"],
            start=date.fromisoformat(r["start"]) if r["start"] else None,
            end=date.fromisoformat(r["end"]) if r["end"] else None,
            actors=Counter(r["actors"]),
            article_ids=list(r["article_ids"]),
            secondary_ids=list(r["secondary_ids"]),
            title=r["title"],
        )
        for r in rows
    ]
    docs = []
    for article in fresh:
        assert article.id is not None
        actors = frozenset(
            stories.base_actor(m.actor_code) for m in store.mentions(article.id) if m.actor_code
        )
        docs.append(_story_doc(article, actors, store.events(article.id)))
    # Oldest first, so a story grows in the order it happened; undated articles last.
    docs.sort(key=lambda d: (d.day is None, d.day or date.min, d.article_id))
    df_counter: Counter[str] = Counter(df)
    before = Counter(df_counter)
    assignments, n_docs = stories.assign(
        docs,
        state,
        df_counter,
        n_docs,
        next_id,
        settings.story_threshold,
        settings.story_window_days,
        settings.story_secondary_threshold,
    )
    day_of = {d.article_id: d.day for d in docs}
    store.add_story_terms(t for t, n in (df_counter - before).items() for _ in range(n))
    changed = [s for s in state if s.changed]
    member_ids = [i for s in changed for i in s.article_ids + s.secondary_ids]
    origins = store.origin_ids(member_ids)
    titles = store.article_titles(member_ids)
    for s in changed:
        # The title comes from the primary members: what the story is mainly about.
        members = s.article_ids + s.secondary_ids
        store.save_story(
            {
                "id": s.id,
                "title": stories.choose_title(
                    {i: titles.get(i, "") for i in s.article_ids}, s, df_counter, n_docs
                ),
                "start": s.start.isoformat() if s.start else None,
                "end": s.end.isoformat() if s.end else None,
                "n_articles": len(members),
                "n_sources": len({origins.get(i, i) for i in members}),
                # Ties in code order: Counter keeps insertion order, which follows a set's
                # (per-process) hash order.
                "actors": dict(sorted(s.actors.items(), key=lambda a: (-a[1], a[0]))[:20]),
                "terms": stories.key_terms(s, df_counter, n_docs, 12),
                "centroid": s.centroid,
            }
        )
    memberships: list[tuple[int, int, str, float, str | None]] = []
    for a in assignments:
        day = day_of.get(a.article_id)
        iso = day.isoformat() if day else None
        memberships.append((a.article_id, a.story_id, "primary", a.similarity, iso))
        memberships.extend((a.article_id, sid, "secondary", sim, iso) for sid, sim in a.secondary)
    store.add_story_articles(memberships)


def _refresh_claims(store: Store, whats: set[str]) -> None:
    if not whats:
        return
    quantities = store.quantity_rows(whats)
    ids = {q.article_id for q in quantities if q.article_id is not None}
    found = claims.conflicting_claims(
        quantities, store.origin_ids(ids), store.story_article_ids(ids)
    )
    store.replace_claims(whats, found)


def rebuild_relations(store: Store, settings: Settings) -> int:
    """Recompute every event unit and every dyad aggregate from the stored events (after
    bulk loads, a change of the excluded modalities, or new copy links); returns the number
    of units."""
    excluded = {m.lower() for m in settings.analysis_excluded_modalities}
    events = list(store.iter_events_for_units())
    origins = store.origin_ids({e["article_id"] for e in events})
    units = relations.units_for_events(events, origins, excluded)
    with store.transaction():
        store.clear_event_units()
        store.replace_event_units((), units)
        relations.refresh(store, None)
    return len(units)


def refresh_relations(store: Store, settings: Settings, article_ids: list[int]) -> None:
    """Recount the event units of these articles and refresh the dyad aggregates of the
    pairs they touch (the last step of the stage; public for benchmarks that load events
    without running the text stages)."""
    events = store.events_with_sentences(article_ids)
    origins = store.origin_ids({e["article_id"] for e in events})
    excluded = {m.lower() for m in settings.analysis_excluded_modalities}
    units = relations.units_for_events(events, origins, excluded)
    touched = store.replace_event_units(article_ids, units)
    relations.refresh(store, touched)


# --- the library API over the stored analysis (used by the CLI, the exports and the web app) --


def list_stories(store: Store, limit: int | None = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Stories, most recent first: id, title, start, end, n_articles, n_sources, actors
    (code -> mentions), terms (key terms), article_ids."""
    return store.stories(limit, offset)


def story(store: Store, story_id: int) -> dict[str, Any] | None:
    """One story with its articles, a dated timeline of its events, its quotes and the
    conflicting claims it takes part in."""
    found = store.story(story_id)
    if found is None:
        return None
    ids = found["article_ids"]
    origins = store.origin_ids(ids)
    found["origins"] = {str(k): v for k, v in origins.items()}
    found["timeline"] = timeline(store, ids)
    found["quotes"] = [q for i in ids for q in store.quotes(article_id=i)]
    found["claims"] = [
        c
        for c in claims_list(store)
        if any(a in ids for v in c["versions"] for a in v["article_ids"])
    ]
    return found


def timeline(store: Store, article_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The events of the articles in date order, each with its sentence: one entry per
    event unit (copies of one report count once; the other reports are listed with it)."""
    rows = store.events_with_sentences(article_ids)
    origins = store.origin_ids({r["article_id"] for r in rows})
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        origin = origins.get(r["article_id"], r["article_id"])
        key = (
            ("g", r["group_id"])
            if r["group_id"] is not None
            else (origin, r["source_code"], r["target_code"], r["code"], r["date"])
        )
        if key in merged:
            merged[key]["also_in"].append(r["article_id"])
            continue
        r["also_in"] = []
        merged[key] = r
    return sorted(
        merged.values(),
        key=lambda r: (r["date_start"] or r["date"] or "9999", r["article_id"], r["sentence"]),
    )


def quotes(
    store: Store,
    article_id: int | None = None,
    speaker: str | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    return store.quotes(article_id, speaker.upper() if speaker else None, limit)


def quantities(store: Store, what: str | None = None) -> list[dict[str, Any]]:
    return store.quantities(what)


def claims_list(store: Store) -> list[dict[str, Any]]:
    """Conflicting claims, each version with its articles, independent sources and the
    sentences that state it."""
    rows = store.claims()
    spans = [(e[0], e[1], e[2]) for c in rows for v in c["versions"] for e in v["evidence"]]
    texts = store.sentence_texts(spans)
    for c in rows:
        for v in c["versions"]:
            v["sentences"] = [
                {"article_id": e[0], "start": e[1], "end": e[2], "text": texts.get(tuple(e), "")}
                for e in v["evidence"]
            ]
    return rows


def dyad(
    store: Store,
    a: str,
    b: str = relations.EVERYONE,
    by: str = "month",
    direction: str = "both",
    since: str | None = None,
    until: str | None = None,
) -> relations.Series:
    """Relation of ``a`` and ``b`` (``*``: everyone) per day/week/month."""
    return relations.series(store, a, b, by, direction, since, until)


def dyad_evidence(
    store: Store,
    a: str,
    b: str = relations.EVERYONE,
    period: str | None = None,
    by: str = "month",
    direction: str = "both",
    limit: int = 500,
) -> list[dict[str, Any]]:
    return relations.evidence(store, a, b, period, by, direction, limit)


def alliance_stress(store: Store, alliance: str, by: str = "month") -> list[dict[str, Any]]:
    """Pairs of members of ``alliance``: cooperation against conflict per period, against
    the pair's own baseline; most strained pair first."""
    return relations.alliance_stress(store, alliance, by)


# --- export rows (fields documented in docs/export.md) ---------------------------------------

STORY_FIELDS = (
    "id",
    "title",
    "start",
    "end",
    "article_ids",
    "secondary_article_ids",
    "actors",
    "n_sources",
    "n_articles",
    "terms",
)
QUOTE_FIELDS = (
    "id",
    "speaker_code",
    "speaker_name",
    "text",
    "article_id",
    "start",
    "end",
    "verb",
    "kind",
    "speaker_text",
)
QUANTITY_FIELDS = (
    "id",
    "what",
    "value",
    "unit",
    "article_id",
    "sentence",
    "approximate",
    "text",
    "noun",
    "actor_code",
    "year",
    "start",
    "end",
)
CLAIM_FIELDS = ("id", "what", "values", "unit", "actor_code", "story_id", "n_sources")
DYAD_FIELDS = (
    "source_code",
    "target_code",
    "period",
    "n_events",
    "quad_counts",
    "goldstein_sum",
    "goldstein_mean",
    "n_sources",
    "grain",
    "n_mentions",
    "root_counts",
)


def story_rows(store: Store) -> Iterator[dict[str, Any]]:
    yield from store.stories(limit=None)


def quote_rows(store: Store) -> Iterator[dict[str, Any]]:
    yield from store.quotes()


def quantity_rows(store: Store) -> Iterator[dict[str, Any]]:
    for q in store.quantities():
        q["sentence"] = q.pop("sentence_text")
        q["approximate"] = bool(q["approximate"])
        yield q


def claim_rows(store: Store) -> Iterator[dict[str, Any]]:
    for c in claims_list(store):
        c["values"] = [
            {
                "value": v["value"],
                "article_id": v["article_ids"][0],
                "article_ids": v["article_ids"],
                "n_sources": v["n_sources"],
                "approximate": v["approximate"],
                "sentence": v["sentences"][0]["text"] if v["sentences"] else None,
            }
            for v in c["versions"]
        ]
        yield c


def dyad_rows(store: Store) -> Iterator[dict[str, Any]]:
    """Directed pairs per month."""
    for r in store.iter_dyad_periods("out", "month"):
        n = r["n_events"]
        yield {
            "source_code": r["source_code"],
            "target_code": r["target_code"],
            "period": r["period"],
            "grain": "month",
            "n_events": n,
            "n_mentions": r["n_mentions"],
            "n_sources": r["n_sources"],
            "goldstein_sum": r["goldstein_sum"],
            "goldstein_mean": round(r["goldstein_sum"] / n, 4) if n else 0.0,
            "quad_counts": {str(q): r[f"quad{q}"] for q in (1, 2, 3, 4)},
            "root_counts": json.loads(r["roots"]),
        }


# --- briefs ----------------------------------------------------------------------------------


def story_brief(store: Store, story_id: int, n_sentences: int = 6) -> brief.Brief | None:
    """A brief of one story: its articles' most central sentences and its timeline."""
    found = store.story(story_id)
    if found is None:
        return None
    ids = found["article_ids"]
    return _brief(
        store,
        found["title"] or f"Story {story_id}",
        f"detente story {story_id}",
        ids,
        timeline(store, ids),
        n_sentences,
    )


def dyad_brief(
    store: Store, a: str, b: str, direction: str = "both", n_sentences: int = 6
) -> brief.Brief:
    """A brief of a relation: the articles behind its events, and the events in date order."""
    rows = relations.evidence(store, a, b, None, "month", direction, limit=2000)
    ids = sorted({r["article_id"] for r in rows})
    series = relations.series(store, a, b, "month", direction)
    subtitle = (
        f"detente dyad {series.source} {series.target}: {series.n_events} events, "
        f"Goldstein sum {series.goldstein_sum:+.1f}"
    )
    return _brief(store, f"{series.source} and {series.target}", subtitle, ids, rows, n_sentences)


def _brief(
    store: Store,
    title: str,
    subtitle: str,
    ids: list[int],
    events: list[dict[str, Any]],
    n_sentences: int,
) -> brief.Brief:
    articles = store.load_articles(ids)
    sentences = {i: store.sentences(i) for i in ids}
    return brief.build(
        title, subtitle, articles, sentences, store.origin_ids(ids), events, n_sentences
    )
