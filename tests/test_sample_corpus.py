"""The bundled sample corpus against its own annotation (sample_corpus/gold.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from detente.data import sample_corpus_path
from detente.evaluation import GoldMatch, cleaning_report, match_gold_articles
from detente.pipeline import ingest_inputs
from detente.settings import Settings
from detente.store import Store


@pytest.fixture(scope="module")
def gold() -> dict[str, Any]:
    return yaml.safe_load((sample_corpus_path() / "gold.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def matches(tmp_path_factory: pytest.TempPathFactory, gold: dict[str, Any]) -> list[GoldMatch]:
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    with Store(db) as store:
        report = ingest_inputs([str(sample_corpus_path())], store, Settings(db=db))
        assert report.errors == []
        rows = [store.article(i) for i in sorted(set(report.article_ids))]
    return match_gold_articles(gold["articles"], [r for r in rows if r is not None])


def test_every_annotated_article_is_ingested(matches: list[GoldMatch]) -> None:
    assert len(matches) >= 40
    assert [m.label for m in matches if m.article is None] == []
    ids = [m.article["id"] for m in matches if m.article is not None]
    assert len(ids) == len(set(ids)), "two annotations matched one stored article"


def test_cleaning_against_the_annotation(matches: list[GoldMatch]) -> None:
    report = cleaning_report(matches)
    assert report.n_boilerplate >= 200 and report.n_evidence >= 400
    assert report.boilerplate_left == []
    assert report.evidence_lost == []
    assert report.captions_unmarked == []
    # <figcaption> text may be dropped by the HTML extractor, never kept unmarked.
    assert all(label.startswith("html/") for label, _ in report.captions_dropped)


def test_publication_dates_are_never_more_precise_than_the_evidence(
    matches: list[GoldMatch],
) -> None:
    wrong = []
    for m in matches:
        assert m.article is not None
        published = m.gold.get("published") or {}
        stored = m.article["published"]
        if "date" in published:
            if stored != str(published["date"]):
                wrong.append((m.label, stored, published))
        elif "window" in published:
            low, high = (str(d) for d in published["window"])
            start, end = m.article["published_window"] or [None, None]
            # No exact day the text does not support; a window, when given, must hold
            # the true period.
            if m.article["published_precision"] == "day":
                wrong.append((m.label, stored, published))
            elif start is not None and end is not None and (end < low or start > high):
                wrong.append((m.label, (start, end), published))
    assert wrong == []


def test_languages_are_detected_and_non_english_flagged(matches: list[GoldMatch]) -> None:
    mismatched = [
        (m.label, m.article["language"], m.gold["language"])
        for m in matches
        if m.article is not None
        and m.gold.get("language")
        and m.article["language"] != m.gold["language"]
    ]
    assert mismatched == []
    foreign = [m for m in matches if m.article is not None and m.article["language"] != "en"]
    assert len(foreign) >= 2
    assert all(m.article is not None and m.article["flags"].get("non_english") for m in foreign)


def test_sample_corpus_path_is_inside_the_package() -> None:
    assert sample_corpus_path().is_dir()
    assert (sample_corpus_path() / "gold.yaml").is_file()
    assert Path(__file__).resolve().parents[1] in sample_corpus_path().resolve().parents
