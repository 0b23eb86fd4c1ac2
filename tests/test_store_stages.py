"""The tables later stages share: sentences, mentions, events, stage bookkeeping, origins."""

from __future__ import annotations

from pathlib import Path

from detente.model import Event, EventDate, Location, Mention, Sentence
from detente.pipeline import ingest_inputs
from detente.settings import Settings
from detente.store import Store

BODY = (
    "Armenia and Azerbaijan held talks in Brussels on Monday, officials said. "
    "The foreign ministers agreed to meet again next month to discuss the border."
)


def _store_with_articles(tmp_path: Path) -> tuple[Store, list[int]]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text("Talks in Brussels\n" + BODY + "\n", encoding="utf-8")
    # The same text from another site: a second article, but not an independent source.
    (inputs / "b.txt").write_text("Talks in Brussels\n" + BODY + "\n", encoding="utf-8")
    (inputs / "b.txt.meta.json").write_text(
        '{"url": "https://copies.example/talks"}', encoding="utf-8"
    )
    (inputs / "c.txt").write_text("Other news\nA different story entirely.\n", encoding="utf-8")
    store = Store(tmp_path / "t.db")
    report = ingest_inputs([str(inputs)], store, Settings(db=tmp_path / "t.db"))
    assert report.ok
    return store, sorted(set(report.article_ids))


def test_stage_bookkeeping_and_exact_duplicate_origins(tmp_path: Path) -> None:
    store, ids = _store_with_articles(tmp_path)
    assert len(ids) == 3
    assert store.articles_pending("actors", "1") == ids
    with store.transaction():
        store.mark_stage_done("actors", "1", ids[:2])
    assert store.articles_pending("actors", "1") == ids[2:]
    assert store.articles_pending("actors", "2") == ids
    origins = store.origin_ids(ids)
    assert origins[ids[0]] == origins[ids[1]] == ids[0]
    assert origins[ids[2]] == ids[2]
    store.close()


def test_sentences_mentions_and_events_round_trip(tmp_path: Path) -> None:
    store, ids = _store_with_articles(tmp_path)
    article = store.load_articles([ids[0]])[0]
    assert article.text.startswith("Armenia and Azerbaijan")
    start = article.text.index("Armenia")
    sentence = Sentence(0, 0, article.text.index(".") + 1)
    mention = Mention(start, start + 7, "Armenia", 0, "country", "ARM", "ARM", "Armenia", "ARM")
    trigger = article.text.index("held talks")
    event = Event(
        sentence=0,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        source_code="ARM",
        source_name="Armenia",
        source_start=start,
        source_end=start + 7,
        code="043",
        trigger_start=trigger,
        trigger_end=trigger + 10,
        trigger="held talks",
        target_code="AZE",
        root="04",
        quad_class=1,
        goldstein=2.8,
        date=EventDate("2023-05-01", "day", "2023-05-01", "2023-05-01", "sentence"),
        location=Location("Brussels", "BEL", "Brussels Capital", 50.85, 4.35, "city", 2800866),
        coder_version="test",
    )
    with store.transaction():
        store.replace_sentences(ids[0], [sentence])
        store.replace_mentions(ids[0], [mention])
        store.replace_events(ids[0], [event])
        store.replace_events(ids[0], [event])  # replacing, not adding
    assert store.sentences(ids[0]) == [sentence]
    assert store.mentions(ids[0]) == [mention]
    stored = store.events(ids[0])
    assert len(stored) == 1
    assert stored[0] == Event(**{**event.__dict__, "article_id": ids[0]})
    store.close()
