"""Relations over time: units, aggregates, series, evidence, change points, alliances."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from conftest import hand_article
from detente import analysis, relations
from detente.model import Article, Event, EventDate
from detente.settings import Settings
from detente.store import Store

ROOTS = {"03": (1, 4.0), "06": (2, 6.0), "11": (3, -2.0), "12": (3, -4.0), "19": (4, -10.0)}


def _article(i: int, text: str | None = None) -> Article:
    body = text or f"Article number {i} says something happened."
    # Equal texts share a text hash: exact copies, one independent origin.
    return hand_article(i, body, "2023-01-01", text_hash=f"t-{body}")


def _event(
    source: str, target: str, root: str, day: str, modality: str = "asserted", sentence: int = 0
) -> Event:
    quad, goldstein = ROOTS[root]
    return Event(
        sentence=sentence,
        sentence_start=0,
        sentence_end=20,
        source_code=source,
        source_name=source,
        source_start=0,
        source_end=3,
        code=root + "0",
        trigger_start=4,
        trigger_end=8,
        trigger="acts",
        target_code=target,
        target_name=target,
        target_start=9,
        target_end=12,
        root=root,
        quad_class=quad,
        goldstein=goldstein,
        modality=modality,
        date=EventDate(day, "day", day, day, "sentence"),
    )


@pytest.fixture
def rel_store(tmp_path: Path) -> Store:
    return Store(tmp_path / "rel.db")


def _load(
    store: Store, per_article: list[list[Event]], texts: list[str] | None = None
) -> list[int]:
    ids = []
    with store.transaction():
        for i, events in enumerate(per_article):
            article_id, _ = store.add_article(_article(i, texts[i] if texts else None), None)
            store.replace_events(article_id, events)
            ids.append(article_id)
    analysis.run(store, Settings(db=store.path), ids)
    return ids


def test_month_series_counts_quads_and_goldstein(rel_store: Store) -> None:
    _load(
        rel_store,
        [
            [
                _event("RUSGOV", "ARMGOV", "03", "2022-11-05"),
                _event("ARM", "RUS", "12", "2022-11-20"),
            ],
            [_event("ARMGOV", "RUSMIL", "19", "2023-01-10")],
        ],
    )
    s = analysis.dyad(rel_store, "RUS", "ARM", "month")
    assert [p.period for p in s.points] == ["2022-11", "2022-12", "2023-01"]
    nov = s.points[0]
    assert (nov.n_events, nov.quad_counts, nov.goldstein_sum) == (
        2,
        {"1": 1, "2": 0, "3": 1, "4": 0},
        0.0,
    )
    assert nov.root_counts == {"03": 1, "12": 1}
    assert s.points[1].n_events == 0  # a quiet month is a zero, not a gap
    assert s.goldstein_sum == -10.0 and s.n_events == 3
    out = analysis.dyad(rel_store, "ARM", "RUS", "month", "out")
    assert out.n_events == 2


def test_copies_count_once_and_hypotheticals_not_at_all(rel_store: Store) -> None:
    same = "Armenia froze its participation in the CSTO on Thursday."
    _load(
        rel_store,
        [
            [_event("ARM", "RUS", "12", "2023-02-01")],
            [_event("ARM", "RUS", "12", "2023-02-01")],  # an exact copy of the first
            [_event("ARM", "RUS", "19", "2023-02-03", modality="hypothetical")],
        ],
        [same, same, "If Armenia left, Moscow could strike."],
    )
    s = analysis.dyad(rel_store, "ARM", "RUS", "day")
    assert s.n_events == 1
    [point] = s.points
    assert (point.n_mentions, point.n_sources) == (2, 1)


def test_week_periods_start_on_monday(rel_store: Store) -> None:
    _load(
        rel_store,
        [[_event("AZE", "ARM", "19", "2023-09-19"), _event("AZE", "ARM", "19", "2023-09-24")]],
    )
    s = analysis.dyad(rel_store, "AZE", "ARM", "week")
    assert [(p.period, p.n_events, p.end) for p in s.points] == [("2023-09-18", 2, "2023-09-24")]


def test_evidence_behind_a_point(rel_store: Store) -> None:
    text = "Russia blamed Armenia for the collapse of talks."
    ids = _load(rel_store, [[_event("RUSGOV", "ARMGOV", "12", "2023-01-12")]], [text])
    rows = analysis.dyad_evidence(rel_store, "ARM", "RUS", "2023-01", "month")
    assert [(r["article_id"], r["code"], r["day"]) for r in rows] == [(ids[0], "120", "2023-01-12")]
    assert rows[0]["sentence_text"] == text[:20]
    assert analysis.dyad_evidence(rel_store, "ARM", "RUS", "2023-02", "month") == []


def test_everyone_views(rel_store: Store) -> None:
    _load(
        rel_store,
        [
            [
                _event("RUS", "ARM", "03", "2023-01-01"),
                _event("TUR", "ARM", "06", "2023-01-02"),
                _event("ARM", "AZE", "19", "2023-01-03"),
            ]
        ],
    )
    assert analysis.dyad(rel_store, "ARM", "*", "month").n_events == 3
    assert analysis.dyad(rel_store, "ARM", "*", "month", "out").n_events == 1
    assert analysis.dyad(rel_store, "*", "ARM", "month", "out").n_events == 2


def test_sql_aggregates_match_the_reference(rel_store: Store) -> None:
    rng = random.Random(4)
    actors = ["RUS", "ARM", "AZE", "TUR", "CSTO"]
    per_article = []
    for _ in range(30):
        events = []
        for k in range(rng.randrange(1, 5)):
            s, t = rng.sample(actors, 2)
            day = date(2022, rng.randrange(1, 13), rng.randrange(1, 28)).isoformat()
            events.append(_event(s, t, rng.choice(list(ROOTS)), day, sentence=k))
        per_article.append(events)
    ids = _load(rel_store, per_article)
    columns = ("event_id", "article_id", "origin_id", "unit_key", "source_code", "target_code",
               "day", "quad_class", "root", "goldstein", "counted")  # fmt: skip
    units = [
        dict(zip(columns, r, strict=True))
        for r in relations.units_for_events(
            rel_store.events_with_sentences(ids), rel_store.origin_ids(ids), set()
        )
    ]
    expected = {(r[0], r[1], r[2], r[3], r[4]): r[5:] for r in relations.aggregate(units)}
    stored = {}
    for direction in ("out", "both"):
        for grain in relations.GRAINS:
            for a in [*actors, "*"]:
                for b in [*actors, "*"]:
                    for row in rel_store.dyad_periods(a, b, grain, direction):
                        key = (
                            direction,
                            min(a, b) if direction == "both" and b != "*" else a,
                            max(a, b) if direction == "both" and b != "*" else b,
                            grain,
                            row["period"],
                        )
                        stored[key] = (
                            row["n_events"],
                            row["n_mentions"],
                            row["n_sources"],
                            row["goldstein_sum"],
                            row["quad1"],
                            row["quad2"],
                            row["quad3"],
                            row["quad4"],
                        )
    assert stored == {k: v[:8] for k, v in expected.items()}


def test_trend_and_change_points() -> None:
    assert relations.trend([1, 2, 3, 4]) == 1.0
    assert relations.trend([5]) is None
    flat_then_drop = [5.0] * 10 + [-20.0] * 10
    assert relations.change_points(flat_then_drop) == [10]
    assert relations.change_points([1.0, 1.0, 1.0]) == []


def test_alliance_membership_is_dated() -> None:
    assert relations.allied("ARM", "RUS", date(2022, 11, 23)) == ["CSTO", "CIS", "EAEU"]
    assert "CSTO" not in relations.allied("ARM", "RUS", date(2024, 3, 1))  # frozen 2024-02
    assert "CSTO" not in relations.allied("AZE", "RUS", date(2010, 1, 1))  # left 1999
    assert "NATO" in relations.allied("FIN", "USA", date(2023, 5, 1))
    assert "NATO" not in relations.allied("FIN", "USA", date(2023, 3, 1))


def test_alliance_stress_against_baseline(rel_store: Store) -> None:
    _load(
        rel_store,
        [
            [
                _event("RUS", "ARM", "06", "2022-06-01"),
                _event("ARM", "RUS", "03", "2022-07-01"),
                _event("ARM", "RUS", "12", "2022-11-23"),
                _event("ARM", "RUS", "19", "2023-01-10"),
            ]
        ],
    )
    [pair] = relations.alliance_stress(rel_store, "CSTO")
    assert pair["pair"] == ["ARM", "RUS"] and pair["net"] == 0
    last = pair["points"][-1]
    assert last["period"] == "2023-01" and last["deviation"] < 0 and last["allied"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown period"):
        relations.series(None, "RUS", "ARM", "year")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown alliance"):
        relations.alliance_stress(None, "WARSAW")  # type: ignore[arg-type]


def test_seed_rus_arm_net_negative_with_evidence(seeds_db: Any) -> None:
    store, _ = seeds_db
    s = analysis.dyad(store, "RUS", "ARM", "month")
    if s.n_events == 0 and not any(True for _ in store.iter_events_for_units()):
        pytest.skip("no events stored: the events stage is not on this branch yet")
    assert s.goldstein_sum < 0
    evidence = analysis.dyad_evidence(store, "RUS", "ARM")
    assert evidence and all(r["sentence_text"] for r in evidence)


def test_series_as_dict_is_the_plain_dataclass_view(rel_store: Store) -> None:
    """The API's hand-built JSON view holds exactly the dataclass fields (and the mean)."""
    import dataclasses
    import json

    _load(
        rel_store,
        [[_event("AZE", "ARM", "19", "2023-09-19"), _event("ARM", "AZE", "11", "2023-10-24")]],
    )
    found = analysis.dyad(rel_store, "AZE", "ARM", "week")
    assert len(found.points) == 6  # quiet weeks filled in
    expected = dataclasses.asdict(found) | {"goldstein_mean": found.goldstein_mean}
    assert found.as_dict() == expected
    json.dumps(found.as_dict())  # plain JSON types only
