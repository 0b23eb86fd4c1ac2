"""What the speed work must not change: worker processes give the stored results of one
process (ingest and every stage), a dead worker's unit is redone, lazily read texts are
read only when needed, and the two spaCy selections share one loaded model."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import text_article as _article
from detente import actors, pipeline, provenance
from detente.data import sample_corpus_path
from detente.nlp import load_pipeline
from detente.pipeline import ingest_inputs, process_articles
from detente.settings import Settings
from detente.store import Store


def _results(db: Path, workers: int) -> dict[str, list[str]]:
    settings = Settings(db=db, fetch_linked_pages=False, workers=workers, batch_size=16)
    with Store(db) as store:
        ids = sorted(set(ingest_inputs([str(sample_corpus_path())], store, settings).article_ids))
        process_articles(store, settings)
        return {
            "articles": [
                json.dumps([a.id, a.title, a.text, a.language, a.spans], default=str)
                for a in store.load_articles(ids)
            ],
            # Quality signals and origins (the links, with their times, are the copies).
            "signals": [
                json.dumps({**(store.provenance(i) or {}), "links": None}, sort_keys=True)
                for i in ids
            ],
            "mentions": [json.dumps(r, sort_keys=True) for r in store.iter_mentions_for_export()],
            "events": [json.dumps(r, sort_keys=True) for r in store.iter_events_for_export()],
            "copies": [json.dumps(r, sort_keys=True) for r in store.iter_copy_links_for_export()],
        }


def test_two_worker_processes_store_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sample corpus is small: let every stage start its workers anyway.
    monkeypatch.setattr(pipeline, "MIN_ARTICLES_PER_PROCESS", 1)
    one = _results(tmp_path / "one.db", 1)
    two = _results(tmp_path / "two.db", 2)
    assert all(one[kind] for kind in ("articles", "mentions", "events", "copies", "signals"))
    assert two == one


def _dies_in_a_worker(unit: int, parent: int) -> int:
    if os.getpid() != parent and unit == 3:
        os._exit(1)  # a worker killed mid-unit (as by the out-of-memory killer)
    return unit * 10


def test_a_unit_whose_worker_died_is_redone_in_this_process() -> None:
    from functools import partial

    work = partial(_dies_in_a_worker, parent=os.getpid())
    assert list(pipeline._run_units(work, range(8), 2)) == [i * 10 for i in range(8)]
    assert list(pipeline._run_units(work, range(8), 1)) == [i * 10 for i in range(8)]


def test_pool_size_follows_the_setting_and_the_amount_of_work() -> None:
    settings = Settings(workers=2)
    assert pipeline._pool_size(settings, 10) == 1
    assert pipeline._pool_size(settings, 10 * pipeline.MIN_ARTICLES_PER_PROCESS) == 2
    assert pipeline._pool_size(Settings(workers=1), 10_000) == 1
    assert pipeline._unit_size(Settings(batch_size=200), 2) == 100
    assert pipeline._unit_size(Settings(batch_size=7), 2) == 4


# An invented report and a copy run through a synonym spinner (every few content words
# swapped, names, numbers and function words kept).
REPORT = (
    "The Chilean Interior Ministry said on Monday that Peru declined to join talks with "
    "Bolivia in Lima. Maria Soto, a regional envoy, told the Andean Council that the Tacna "
    "crossing must reopen for 40,000 traders. The two neighbours signed a trade accord in "
    "2019 after eight months of disputes that cost 300 million dollars."
)
SPUN_REPORT = (
    "The Chilean Home Ministry stated on Monday that Peru refused to enter negotiations with "
    "Bolivia in Lima. Maria Soto, a local emissary, informed the Andean Council that the "
    "Tacna passage must reopen for 40,000 merchants. The two neighbours inked a commerce pact "
    "in 2019 after eight months of quarrels that cost 300 million dollars."
)
UNRELATED = (
    "Heavy rain flooded the river valley overnight; farmers counted their losses while "
    "engineers inspected three bridges that the water had damaged badly."
)


def test_a_stored_text_is_read_only_when_a_comparison_needs_it() -> None:
    reads: list[int] = []

    def reader(article_id: int, text: str) -> Callable[[], str]:
        def read() -> str:
            reads.append(article_id)
            return text

        return read

    report = provenance.fingerprint(_article(1, REPORT))
    unrelated = provenance.fingerprint(_article(2, UNRELATED))
    assert provenance.compare(unrelated, report, UNRELATED, reader(1, REPORT)) is None
    assert reads == []
    # A spun copy is confirmed by aligning the two texts: only then is the text read.
    spun = provenance.fingerprint(_article(3, SPUN_REPORT))
    link = provenance.compare(spun, report, SPUN_REPORT, reader(1, REPORT))
    assert link is not None and link.link_type == "spun"
    assert reads == [1]
    assert link == provenance.compare(spun, report, SPUN_REPORT, REPORT)


def test_stage_selections_share_one_loaded_model() -> None:
    model = Settings().spacy_model
    ner = load_pipeline(model, actors.UNUSED_COMPONENTS)
    parser = load_pipeline(model, ("ner",))
    assert ner.pipe_names == ["ner"] and "ner" not in parser.pipe_names
    assert ner.vocab is parser.vocab and ner.tokenizer is parser.tokenizer
    assert load_pipeline(model).get_pipe("ner") is ner.get_pipe("ner")
    assert load_pipeline(model).get_pipe("parser") is parser.get_pipe("parser")


@pytest.mark.parametrize(
    "text",
    [
        "The harbour authority said on Tuesday that two cargo ships had been held at anchor "
        "because of the storm, and that the port would reopen once the wind dropped.",
        "Le ministre a déclaré mardi que les négociations reprendraient la semaine prochaine "
        "à Genève, malgré les désaccords sur le calendrier du retrait des troupes.",
        "Der Minister sagte am Dienstag, die Gespräche würden nächste Woche in Genf "
        "fortgesetzt, obwohl es Streit über den Zeitplan des Truppenabzugs gebe.",
        "Министр заявил во вторник, что переговоры возобновятся на следующей неделе.",
        "Bakan salı günü yaptığı açıklamada görüşmelerin gelecek hafta süreceğini söyledi.",
        "Talks resumed. Les pourparlers ont repris. Die Gespräche wurden fortgesetzt.",
        "OK 123 456 789 000 111 222 333 444 555 666 777 888 999 abc def ghi jkl mno",
        "!!! ??? ... 2024-05-02 12:00",
    ],
)
def test_language_identification_in_one_pass_decides_as_lingua_does(text: str) -> None:
    from detente.language import MIN_LETTERS, SAMPLE_CHARS, _detector, detect_language

    languages = Settings().languages
    detector = _detector(tuple(languages))
    sample = text[:SAMPLE_CHARS]
    code, confidence = detect_language(text, languages)
    expected = detector.detect_language_of(sample)
    if sum(c.isalpha() for c in sample) < MIN_LETTERS or expected is None:
        assert (code, confidence) == (None, None)
        return
    assert code == expected.iso_code_639_1.name.lower()
    reference = detector.compute_language_confidence(sample, expected)
    assert confidence == round(float(reference), 3)
