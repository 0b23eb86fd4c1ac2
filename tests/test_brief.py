"""Briefs: every summary sentence is a verbatim, cited span of a stored article."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from conftest import hand_article
from detente import analysis, brief
from detente.cli import app
from detente.model import Article, PublicationDate


def _article(i: int, text: str) -> Article:
    return hand_article(i, text, f"2023-01-0{i}", article_id=i, title=f"Title {i}",
                        outlet=f"outlet{i}")  # fmt: skip


def test_summary_sentences_are_verbatim_and_cited() -> None:
    articles = [
        _article(
            1,
            "Armenia refused to host the CSTO military drills planned for this year. "
            "Officials in Yerevan said the alliance had failed to respond to attacks.\n\n"
            "Short line.",
        ),
        _article(
            2,
            "Russia said Armenia's decision to cancel the CSTO drills was regrettable. "
            "The Kremlin said it would continue talks with Yerevan about the alliance.",
        ),
    ]
    b = brief.build("CSTO drills", "test", articles, {}, {1: 1, 2: 2}, [], 3)
    assert b.summary and len(b.summary) <= 3
    texts = {a.id: a.text for a in articles}
    for s in b.summary:
        assert texts[s.article_id][s.start : s.end] == s.text
    assert {s.article_id for s in b.summary} == {1, 2}  # one per source before repeating
    md = brief.render(b, "md")
    for s in b.summary:
        assert f"- {s.text} [{s.article_id}]" in md


def test_an_undated_source_is_labelled_by_what_the_text_tells() -> None:
    dated = _article(1, "Armenia refused to host the CSTO drills planned for this year.")
    undated = replace(
        _article(2, "Russia said Armenia's decision to cancel the drills was regrettable."),
        published=PublicationDate(None, "unknown", "2021-02-01", None, "text"),
    )
    b = brief.build("CSTO drills", "test", [dated, undated], {}, {1: 1, 2: 2}, [], 2)
    md = brief.render(b, "md")
    assert "(outlet2, not before 2021-02-01)" in md and "(outlet1, 2023-01-01)" in md
    # The open window leaves the period's end at the dated article's day.
    assert b.period == ("2021-02-01", "2023-01-01")


def test_html_brief_escapes_source_text() -> None:
    hostile = '<script>alert("x")</script> Armenia and Russia argued about the CSTO summit today.'
    b = brief.build("<b>t</b>", "s", [_article(1, hostile)], {}, {}, [], 2)
    page = brief.render(b, "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>t</b>" not in page


def test_seed_story_brief_only_says_what_the_sources_say(seeds_db: Any, tmp_path: Path) -> None:
    store, _ = seeds_db
    stories = analysis.list_stories(store)
    assert stories
    texts = {
        a.id: a.text for a in store.load_articles(s for st in stories for s in st["article_ids"])
    }
    for story in stories:
        found = analysis.story_brief(store, story["id"])
        assert found is not None
        for s in found.summary:
            assert s.text in texts[s.article_id]
    # The CLI writes the same, as Markdown and as HTML.
    runner = CliRunner()
    out = tmp_path / "brief.md"
    result = runner.invoke(
        app, ["--db", str(store.path), "brief", str(stories[0]["id"]), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    summary = out.read_text().split("## Summary")[1].split("## Timeline")[0]
    lines = [ln for ln in summary.splitlines() if ln.startswith("- ")]
    assert lines
    for line in lines:
        m = re.match(r"- (.*) \[(\d+)\]$", line)
        assert m is not None and m.group(1) in texts[int(m.group(2))]
    html_out = tmp_path / "brief.html"
    result = runner.invoke(
        app,
        [
            "--db",
            str(store.path),
            "brief",
            "--dyad",
            "RUS",
            "ARM",
            "--format",
            "html",
            "-o",
            str(html_out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert html_out.read_text().startswith("<!doctype html>")


def test_brief_needs_one_subject(seeds_db: Any) -> None:
    store, _ = seeds_db
    result = CliRunner().invoke(app, ["--db", str(store.path), "brief"])
    assert result.exit_code == 2
