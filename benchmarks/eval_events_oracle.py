"""The event coder on the seed articles with *oracle* actor mentions, before the actor stage.

Mentions are exact matches of the gold file's own actor list for each article plus country
names and demonyms from pycountry (a stand-in for the actor stage, which supplies real
mentions once merged; ``tests/test_events.py::test_seed_acceptance`` then measures the real
pipeline). Sentences come from a simple splitter. Prints the issue's figures and every
extracted event that matches no gold event.

    python benchmarks/eval_events_oracle.py [SEEDS_DIR]
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import pycountry
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from detente import events as ev  # noqa: E402
from detente.model import Mention, Sentence  # noqa: E402
from detente.nlp import load_pipeline  # noqa: E402
from detente.pipeline import ingest_inputs  # noqa: E402
from detente.settings import Settings  # noqa: E402
from detente.store import Store  # noqa: E402
from test_events import evaluate_against_gold, print_evaluation  # noqa: E402

DEMONYMS = {"Armenian": "ARM", "Azerbaijani": "AZE", "Russian": "RUS", "Ukrainian": "UKR",
            "Kazakh": "KAZ", "French": "FRA", "Turkish": "TUR", "Georgian": "GEO",
            "American": "USA", "Chinese": "CHN", "Azeri": "AZE", "Iranian": "IRN"}  # fmt: skip
# Non-state actors of the gold file's conventions (what the actor stage resolves).
ORGANISATIONS = {"Nagorno-Karabakh": "NKR", "Karabakh": "NKR", "UN Security Council": "UNSC",
                 "United Nations": "UN", "CSTO": "CSTO", "NATO": "NATO", "ICC": "ICC",
                 "International Criminal Court": "ICC", "European Union": "EU"}  # fmt: skip


def sentences_of(text: str, captions: list[tuple[int, int]]) -> list[Sentence]:
    result = []
    for m in re.finditer(r"[^.!?\n]+(?:[.!?]+[\"”’]?|\n|$)", text):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        end = m.end()
        if text[start:end].strip():
            caption = any(s <= start < e for s, e in captions)
            result.append(Sentence(len(result), start, end, caption))
    return result


def main() -> None:
    default = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    gold = yaml.safe_load((seeds / "gold.yaml").read_text(encoding="utf-8"))
    countries = {c.name: c.alpha_3 for c in pycountry.countries}
    countries.update({"Russia": "RUS", "Iran": "IRN", "Turkey": "TUR", "United States": "USA"})
    nlp = load_pipeline(Settings().spacy_model, ("ner",))
    gold_events, extracted = [], []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "e.db", fetch_linked_pages=False)
        store = Store(settings.db)
        report = ingest_inputs([str(seeds)], store, settings)
        for article in store.load_articles(set(report.article_ids)):
            file = Path(article.source_path).name
            entry = next(a for a in gold["articles"] if a["file"] == file)
            gold_events += [(file, e) for e in entry.get("events", [])]
            actors = {**{k: (v, v[:3]) for k, v in entry.get("actors", {}).items()},
                      **{k: (v, v) for k, v in countries.items()},
                      **{k: (v, v) for k, v in DEMONYMS.items()},
                      **{k: (v, v) for k, v in ORGANISATIONS.items()}}  # fmt: skip
            captions = [(s.start, s.end) for s in article.spans if s.kind == "caption"]
            sentences = sentences_of(article.text, captions)
            names = sorted(actors, key=len, reverse=True)
            pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
            mentions = []
            for m in pattern.finditer(article.text):
                s = next((s for s in sentences if s.start <= m.start() < s.end), None)
                if s is None:
                    continue
                code, country = actors[m.group(0)]
                kind = "person" if " " in m.group(0) and code.endswith("GOV") else "country"
                mentions.append(Mention(m.start(), m.end(), m.group(0), s.index, kind, code,
                                        code, m.group(0), country))  # fmt: skip
            result = ev.extract_events(article, sentences, mentions, nlp)
            for e in ev.counted(result.events):
                extracted.append((file, article.text[e.sentence_start : e.sentence_end], e))
        store.close()
    r = evaluate_against_gold(gold_events, extracted)
    print_evaluation("seeds (oracle mentions)", r)


if __name__ == "__main__":
    main()
