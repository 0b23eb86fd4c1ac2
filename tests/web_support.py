"""A small database for the web and browser tests: three articles (one hostile), with
hand-built sentences, actor mentions and events so every page has something to show."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from detente import analysis
from detente.model import Event, EventDate, Mention, Sentence
from detente.pipeline import ingest_inputs, run_provenance
from detente.settings import Settings
from detente.store import Store

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = DATA / "hostile_article.json"

ARTICLES = {
    "talks.txt": (
        "Armenia and Azerbaijan hold talks in Brussels\n"
        "Armenia and Azerbaijan held talks in Brussels on Monday, officials said.\n\n"
        "Armenia accused Azerbaijan of shelling border villages overnight.\n\n"
        "The foreign ministers agreed to meet again next month to discuss the border."
    ),
    "moscow.txt": (
        "Yerevan criticises Moscow over peacekeepers\n"
        "Armenia criticised Russia on Tuesday for failing to stop the blockade.\n\n"
        "Russia rejected the criticism and said its peacekeepers remained in place."
    ),
}
# Actor codes for the names the hand-built mentions look for.
ACTORS = {"Armenia": ("ARM", "Armenia"), "Azerbaijan": ("AZE", "Azerbaijan"),
          "Russia": ("RUS", "Russia")}  # fmt: skip
# (source, trigger word, target, CAMEO code, root, quad class, Goldstein, date)
EVENTS = [
    ("Armenia", "held talks", "Azerbaijan", "040", "04", 1, 1.0, "2023-09-18"),
    ("Armenia", "accused", "Azerbaijan", "112", "11", 3, -2.0, "2023-09-18"),
    ("Armenia", "criticised", "Russia", "111", "11", 3, -2.0, "2023-09-19"),
    ("Russia", "rejected", None, "120", "12", 3, -4.0, "2023-09-19"),
]


def _sentences(text: str) -> list[Sentence]:
    result = []
    for i, m in enumerate(re.finditer(r"[^\n]+", text)):
        result.append(Sentence(i, m.start(), m.end()))
    return result


def build_web_db(folder: Path) -> Path:
    """Ingest the fixture articles into ``folder/web.db`` and annotate them by hand."""
    inputs = folder / "inputs"
    inputs.mkdir(parents=True)
    for name, text in ARTICLES.items():
        (inputs / name).write_text(text, encoding="utf-8")
        (inputs / f"{name}.meta.json").write_text(
            '{"outlet": "Test Wire", "published": "2023-09-19", '
            f'"url": "https://wire.example/{name}"}}',
            encoding="utf-8",
        )
    shutil.copy(HOSTILE, inputs / HOSTILE.name)
    db = folder / "web.db"
    settings = Settings(db=db, fetch_linked_pages=False)
    with Store(db) as store:
        report = ingest_inputs([str(inputs)], store, settings)
        assert report.ok, report.errors
        for article in store.load_articles(report.article_ids):
            assert article.id is not None
            _annotate(store, article.id, article.text)
        # The real later stages over the hand-built annotation: copy links and quality
        # signals, then stories, quotes, claims and the dyad aggregates.
        run_provenance(store, settings, report.article_ids)
        analysis.run(store, settings, report.article_ids)
    return db


def _annotate(store: Store, article_id: int, text: str) -> None:
    sentences = _sentences(text)
    mentions = []
    for name, (code, full) in ACTORS.items():
        for m in re.finditer(re.escape(name), text):
            sentence = next(s.index for s in sentences if s.start <= m.start() < s.end)
            mentions.append(
                Mention(m.start(), m.end(), name, sentence, "country", code, code, full, code)
            )
    events = []
    for source, trigger, target, code, root, quad, goldstein, date in EVENTS:
        t = text.find(trigger)
        if t < 0:
            continue
        sentence = next(s for s in sentences if s.start <= t < s.end)
        s_at = text.find(source, sentence.start)
        g_at = text.find(target, sentence.start) if target else -1
        events.append(
            Event(
                sentence=sentence.index,
                sentence_start=sentence.start,
                sentence_end=sentence.end,
                source_code=ACTORS[source][0],
                source_name=source,
                source_start=s_at,
                source_end=s_at + len(source),
                code=code,
                trigger_start=t,
                trigger_end=t + len(trigger),
                trigger=trigger,
                target_code=ACTORS[target][0] if target else None,
                target_name=target,
                target_start=g_at if target else None,
                target_end=g_at + len(target) if target else None,
                root=root,
                quad_class=quad,
                goldstein=goldstein,
                date=EventDate(date, "day", date, date, "sentence"),
                coder_version="test",
            )
        )
    with store.transaction():
        store.replace_sentences(article_id, sentences)
        store.replace_mentions(article_id, mentions)
        store.replace_events(article_id, events)
