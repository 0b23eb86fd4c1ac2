"""Comparing stored articles with a hand annotation in the ``gold.yaml`` format.

The format is the one of ``../shared/corpus/seeds/gold.yaml`` and of the bundled sample
corpus: a list of ``articles``, each naming its ``file`` (relative to the gold file's
folder) and, for files that hold several records (JSON Lines, feeds, WARC), the ``record``
URL. Pure functions: the caller loads the gold file and the stored articles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from .clean import line_key, normalise_text


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
