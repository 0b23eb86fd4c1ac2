"""Comparing stored articles with a hand annotation in the ``gold.yaml`` format.

The format is the one of ``../shared/corpus/seeds/gold.yaml`` and of the bundled sample
corpus: a list of ``articles``, each naming its ``file`` (relative to the gold file's
folder) and, for files that hold several records (JSON Lines, feeds, WARC), the ``record``
URL. Pure functions: the caller loads the gold file and the stored articles.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .clean import line_key, normalise_text
from .dates import period_bounds


@dataclass(frozen=True)
class GoldMatch:
    """One annotated article and the stored article it was matched to (or ``None``)."""

    gold: Mapping[str, Any]
    article: Mapping[str, Any] | None

    @property
    def label(self) -> str:
        record = self.gold.get("record")
        return f"{self.gold['file']}#{record}" if record else str(self.gold["file"])


def match_gold_articles(
    gold_articles: Iterable[Mapping[str, Any]], stored: Iterable[Mapping[str, Any]]
) -> list[GoldMatch]:
    """Pair annotated articles with stored ones by file path (suffix) and record URL.

    ``stored`` rows need ``source_path`` and ``url``; a stored ``source_path`` of a
    multi-record file carries the record after ``#`` (``export.jsonl#L3``, ``feed.rss#URL``),
    so records are matched by their URL.
    """
    rows = list(stored)
    matches = []
    for gold in gold_articles:
        wanted = PurePosixPath(str(gold["file"])).parts
        record = gold.get("record")
        found = None
        for row in rows:
            path = str(row["source_path"]).split("#", 1)[0].replace("\\", "/")
            parts = PurePosixPath(path).parts
            if parts[-len(wanted) :] != wanted:
                continue
            if record and row.get("url") != record:
                continue
            found = row
            break
        matches.append(GoldMatch(gold, found))
    return matches


@dataclass
class CleaningReport:
    """What cleaning left behind or lost, against the annotation."""

    n_articles: int = 0
    n_unmatched: int = 0
    n_boilerplate: int = 0
    boilerplate_left: list[tuple[str, str]] = field(default_factory=list)
    n_evidence: int = 0
    evidence_lost: list[tuple[str, str]] = field(default_factory=list)
    n_captions: int = 0
    captions_unmarked: list[tuple[str, str]] = field(default_factory=list)
    captions_dropped: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.n_articles,
            "unmatched": self.n_unmatched,
            "boilerplate_lines": self.n_boilerplate,
            "boilerplate_left": len(self.boilerplate_left),
            "evidence_sentences": self.n_evidence,
            "evidence_lost": len(self.evidence_lost),
            "captions": self.n_captions,
            "captions_unmarked": len(self.captions_unmarked),
            "captions_dropped": len(self.captions_dropped),
        }


def cleaning_report(matches: Iterable[GoldMatch]) -> CleaningReport:
    """Boilerplate lines left as whole lines, evidence lost, captions not marked.

    Each matched article needs ``text`` and ``captions`` (``[[start, end], ...]``). A caption
    that is not in the text at all is counted as dropped (an HTML extractor may drop
    ``<figcaption>``), which is harmless for later stages but reported all the same.
    """
    report = CleaningReport()
    for match in matches:
        report.n_articles += 1
        gold = match.gold
        if match.article is None:
            report.n_unmatched += 1
            report.unmatched.append(match.label)
            continue
        text = str(match.article["text"])
        line_keys = {line_key(line) for line in text.split("\n")}
        for line in gold.get("boilerplate") or []:
            report.n_boilerplate += 1
            key = line_key(normalise_text(line))
            if key and key in line_keys:
                report.boilerplate_left.append((match.label, line))
        for event in gold.get("events") or []:
            report.n_evidence += 1
            if normalise_text(event["evidence"]) not in text:
                report.evidence_lost.append((match.label, event["evidence"]))
        spans = [tuple(s) for s in match.article.get("captions") or []]
        for caption in gold.get("captions") or []:
            report.n_captions += 1
            wanted = normalise_text(caption)
            start = text.find(wanted)
            if start < 0:
                report.captions_dropped.append((match.label, caption))
                continue
            end = start + len(wanted)
            if not any(s <= start and end <= e for s, e in spans):
                report.captions_unmarked.append((match.label, caption))
    return report


# --- events ------------------------------------------------------------------------------


def _normalise_quotes(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split()).lower()


def _as_list(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value or []]


def actor_code_matches(code: str | None, listed: Iterable[str]) -> bool:
    """An extracted actor code matches a listed one exactly or by its country (3 letters)."""
    if not code:
        return False
    return any(code == g or code[:3] == g[:3] for g in listed)


def gold_date_window(d: Mapping[str, Any]) -> tuple[str, str]:
    """The first and last day a gold ``date`` ({date|month|year|window}) allows."""
    if "date" in d:
        return str(d["date"]), str(d["date"])
    if "month" in d:
        y, m = map(int, str(d["month"]).split("-"))
        first, last = period_bounds(y, m)
        return first.isoformat(), last.isoformat()
    if "year" in d:
        return f"{d['year']}-01-01", f"{d['year']}-12-31"
    lo, hi = d["window"]
    return str(lo), str(hi)


@dataclass
class EventMatchReport:
    """Extracted events against gold events, with the issue's matching rule."""

    n_gold: int = 0
    n_extracted: int = 0
    n_matched_gold: int = 0
    n_matched_extracted: int = 0
    n_dated: int = 0
    missed: list[tuple[str, Mapping[str, Any]]] = field(default_factory=list)
    unmatched: list[tuple[str, str, Any]] = field(default_factory=list)  # label, sentence, event

    @property
    def recall(self) -> float:
        return self.n_matched_gold / self.n_gold if self.n_gold else 0.0

    @property
    def precision(self) -> float:
        return self.n_matched_extracted / self.n_extracted if self.n_extracted else 0.0

    @property
    def per_gold(self) -> float:
        return self.n_extracted / self.n_gold if self.n_gold else 0.0

    @property
    def dated(self) -> float:
        return self.n_dated / self.n_matched_gold if self.n_matched_gold else 0.0

    def summary(self) -> str:
        return (
            f"{self.n_extracted} events for {self.n_gold} gold events: recall {self.recall:.2f}"
            f"  precision {self.precision:.2f}  extracted per gold {self.per_gold:.2f}"
            f"  dated in gold window {self.dated:.2f}"
        )


def event_matches_gold(event: Any, sentence: str, gold: Mapping[str, Any]) -> bool:
    """The issue's rule: the evidence sentence contains the gold evidence or is contained
    in it, source and target match a listed actor or its country, the root is listed."""
    evidence, text = _normalise_quotes(str(gold["evidence"])), _normalise_quotes(sentence)
    if not (evidence in text or text in evidence):
        return False
    if not actor_code_matches(event.source_code, _as_list(gold["source"])):
        return False
    if not actor_code_matches(event.target_code, _as_list(gold["target"])):
        return False
    return str(event.root) in [str(c).zfill(2) for c in gold["cameo"]]


def event_match_report(
    matches: Iterable[GoldMatch], events_by_article: Mapping[int, Iterable[Any]]
) -> EventMatchReport:
    """Precision, recall, events per gold event and dating of the stored events.

    ``matches`` come from ``match_gold_articles`` (stored rows need ``id`` and ``text``);
    ``events_by_article`` maps a stored article id to its events (``detente.model.Event``:
    ``source_code``, ``target_code``, ``root``, ``sentence_start``/``end``, ``date``).
    Gold events of unmatched articles count as missed.
    """
    report = EventMatchReport()
    for match in matches:
        gold_events = list(match.gold.get("events") or [])
        report.n_gold += len(gold_events)
        if match.article is None:
            report.missed.extend((match.label, g) for g in gold_events)
            continue
        text = str(match.article["text"])
        found: dict[int, list[Any]] = {}
        for event in events_by_article.get(int(match.article["id"]), []):
            report.n_extracted += 1
            sentence = text[event.sentence_start : event.sentence_end]
            hits = [i for i, g in enumerate(gold_events) if event_matches_gold(event, sentence, g)]
            for i in hits:
                found.setdefault(i, []).append(event)
            if hits:
                report.n_matched_extracted += 1
            else:
                report.unmatched.append((match.label, sentence, event))
        for i, gold in enumerate(gold_events):
            if i not in found:
                report.missed.append((match.label, gold))
                continue
            report.n_matched_gold += 1
            lo, hi = gold_date_window(gold["date"])
            if any(
                (e.date.window_start or "0000") <= hi and lo <= (e.date.window_end or "9999")
                for e in found[i]
            ):
                report.n_dated += 1
    return report


def story_pairwise_f1(
    predicted: Mapping[int, Iterable[int]], gold: Iterable[set[int]]
) -> tuple[float, float, float]:
    """Precision, recall and F1 over pairs of articles that share at least one story (an
    article may be in several, in the prediction and in the gold), restricted to the
    articles the gold annotation places in a story."""
    universe = {a for g in gold for a in g}
    clusters: dict[int, set[int]] = {}
    for article_id, story_ids in predicted.items():
        if article_id in universe:
            for story_id in story_ids:
                clusters.setdefault(story_id, set()).add(article_id)

    def pairs(groups: Any) -> set[frozenset[int]]:
        return {frozenset(p) for g in groups for p in itertools.combinations(sorted(g), 2)}

    found, wanted = pairs(clusters.values()), pairs(gold)
    tp = len(found & wanted)
    p = tp / len(found) if found else 0.0
    r = tp / len(wanted) if wanted else 0.0
    return p, r, (2 * p * r / (p + r) if tp else 0.0)


def gold_story_members(
    gold_stories: Iterable[Mapping[str, Any]], rows: Iterable[Mapping[str, Any]]
) -> list[set[int]]:
    """The stored article ids of each gold story of a gold file in the sample corpus's
    schema (members given by file, and by record URL inside a multi-record file)."""
    rows = list(rows)

    def find(member: Mapping[str, str]) -> int:
        for r in rows:
            if r["source_path"].endswith(member["file"]) or (
                member.get("record")
                and member["file"] in r["source_path"]
                and r["url"] == member["record"]
            ):
                return int(r["id"])
        raise KeyError(f"gold story member not stored: {dict(member)}")

    return [{find(m) for m in s["members"]} for s in gold_stories]
