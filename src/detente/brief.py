"""Briefs: a dated timeline of events and an extractive summary, in Markdown or HTML.

Every summary sentence is a verbatim span of a stored article and cites it; nothing is
written that is not in the sources. Sentences are chosen by centrality (TF-IDF cosine to
the centroid of all the brief's articles) with redundancy removed (maximal marginal
relevance), at most one sentence per independent origin first, then shown in date order.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .claims import sentence_spans
from .model import Article, Sentence
from .stories import cosine, term_counts, unit_vector

# Sentences shorter than this are datelines, bylines or headings, not statements.
MIN_WORDS = 8
MAX_WORDS = 60


@dataclass(frozen=True)
class Citation:
    article_id: int
    title: str
    outlet: str | None
    published: str | None


@dataclass(frozen=True)
class SummarySentence:
    text: str
    article_id: int
    start: int
    end: int
    score: float


@dataclass
class Brief:
    title: str
    subtitle: str
    period: tuple[str | None, str | None]
    summary: list[SummarySentence] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)
    n_sources: int = 0


def _published(article: Article) -> str | None:
    p = article.published
    return p.date or p.window_start


def _published_label(article: Article) -> str | None:
    """The publication day, or what the text tells of it ("not before 2021-02-01")."""
    p = article.published
    if p.date:
        return p.date
    if p.window_start and p.window_end:
        return f"{p.window_start} to {p.window_end}"
    if p.window_start:
        return f"not before {p.window_start}"
    return None


def summarise(
    articles: Sequence[Article],
    sentences: Mapping[int, Sequence[Sentence]],
    origins: Mapping[int, int],
    n: int = 6,
    redundancy: float = 0.5,
) -> list[SummarySentence]:
    """The ``n`` most central, least redundant body sentences of the articles."""
    candidates: list[tuple[SummarySentence, dict[str, float], int]] = []
    df: Counter[str] = Counter()
    captions = {a.id: [(s.start, s.end) for s in a.spans if s.kind == "caption"] for a in articles}
    for article in articles:
        assert article.id is not None
        for s in sentence_spans(article.text, sentences.get(article.id, ())):
            if s.is_caption or any(a <= s.start < b for a, b in captions[article.id]):
                continue
            text = article.text[s.start : s.end]
            n_words = len(text.split())
            if n_words < MIN_WORDS or n_words > MAX_WORDS or "\n" in text.strip():
                continue
            counts = term_counts(text)
            if not counts:
                continue
            df.update(counts.keys())
            candidates.append(
                (
                    SummarySentence(text, article.id, s.start, s.end, 0.0),
                    unit_vector(counts),
                    origins.get(article.id, article.id),
                )
            )
    if not candidates:
        return []
    n_docs = len(candidates)
    centroid: dict[str, float] = {}
    for _, vec, _ in candidates:
        for t, w in vec.items():
            centroid[t] = centroid.get(t, 0.0) + w
    scored = [(cosine(vec, centroid, df, n_docs), s, vec, o) for s, vec, o in candidates]
    chosen: list[tuple[float, SummarySentence, dict[str, float], int]] = []
    used_origins: set[int] = set()
    seen_texts: set[str] = set()
    while len(chosen) < n:
        best = None
        best_value = float("-inf")
        for score, cand, vec, origin in scored:
            key = " ".join(cand.text.lower().split())
            if key in seen_texts:
                continue
            overlap = max((cosine(vec, c[2], df, n_docs) for c in chosen), default=0.0)
            # A new origin first: a brief that quotes one outlet five times is not a brief.
            bonus = 0.0 if origin in used_origins else 0.1
            value = score - redundancy * overlap + bonus
            if best is None or value > best_value:
                best, best_value = (score, cand, vec, origin), value
        if best is None:
            break
        chosen.append(best)
        used_origins.add(best[3])
        seen_texts.add(" ".join(best[1].text.lower().split()))
    return [
        SummarySentence(c.text, c.article_id, c.start, c.end, round(score, 4))
        for score, c, _, _ in chosen
    ]


def build(
    title: str,
    subtitle: str,
    articles: Sequence[Article],
    sentences: Mapping[int, Sequence[Sentence]],
    origins: Mapping[int, int],
    timeline: Sequence[dict[str, Any]],
    n_sentences: int = 6,
) -> Brief:
    order = {a.id: (_published(a) or "9999", a.id) for a in articles}
    summary = summarise(articles, sentences, origins, n_sentences)
    summary.sort(key=lambda s: (order.get(s.article_id, ("9999", 0)), s.start))
    # An undated article's window bounds the period only where the window is closed.
    starts = sorted(d for a in articles if (d := _published(a)))
    ends = sorted(d for a in articles if (d := a.published.date or a.published.window_end))
    return Brief(
        title=title,
        subtitle=subtitle,
        period=(starts[0] if starts else None, ends[-1] if ends else None),
        summary=summary,
        timeline=list(timeline),
        sources=[
            Citation(a.id, a.title, a.outlet, _published_label(a))
            for a in sorted(articles, key=lambda a: order[a.id])
            if a.id is not None
        ],
        n_sources=len({origins.get(a.id, a.id) for a in articles if a.id is not None}),
    )


def _event_line(e: Mapping[str, Any]) -> tuple[str, str, str]:
    when = e.get("date") or e.get("day") or "undated"
    who = f"{e.get('source_name') or e.get('source_code') or e.get('event_source')}"
    whom = e.get("target_name") or e.get("target_code") or e.get("event_target") or ""
    what = f"{who} -{e.get('trigger', '')}-> {whom} (CAMEO {e.get('code')})"
    return str(when), what, str(e.get("sentence_text") or "").strip()


def render_markdown(brief: Brief) -> str:
    lo, hi = brief.period
    out = [f"# {brief.title}", "", f"_{brief.subtitle}_", ""]
    out.append(
        f"Period: {lo or '?'} to {hi or '?'}; {len(brief.sources)} articles from "
        f"{brief.n_sources} independent sources."
    )
    out += ["", "## Summary", ""]
    if not brief.summary:
        out.append("_No sentence of the sources qualifies for a summary._")
    for s in brief.summary:
        out.append(f"- {s.text} [{s.article_id}]")
    out += ["", "## Timeline", ""]
    if not brief.timeline:
        out.append("_No coded events._")
    for e in brief.timeline:
        when, what, sentence = _event_line(e)
        out.append(f'- **{when}** {what}: "{sentence}" [{e.get("article_id")}]')
    out += ["", "## Sources", ""]
    for c in brief.sources:
        out.append(
            f"- [{c.article_id}] {c.title} ({c.outlet or 'unknown outlet'}, "
            f"{c.published or 'date unknown'})"
        )
    return "\n".join(out) + "\n"


def render_html(brief: Brief) -> str:
    """A standalone page; every text from the sources is escaped."""
    esc = html.escape
    lo, hi = brief.period
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(brief.title)}</title></head><body>",
        f"<h1>{esc(brief.title)}</h1><p><em>{esc(brief.subtitle)}</em></p>",
        f"<p>Period: {esc(lo or '?')} to {esc(hi or '?')}; {len(brief.sources)} articles "
        f"from {brief.n_sources} independent sources.</p>",
        "<h2>Summary</h2><ul>",
    ]
    for s in brief.summary:
        parts.append(f'<li>{esc(s.text)} <a href="#src-{s.article_id}">[{s.article_id}]</a></li>')
    parts.append("</ul><h2>Timeline</h2><ul>")
    for e in brief.timeline:
        when, what, sentence = _event_line(e)
        parts.append(
            f"<li><strong>{esc(when)}</strong> {esc(what)}: &ldquo;{esc(sentence)}&rdquo; "
            f'<a href="#src-{e.get("article_id")}">[{e.get("article_id")}]</a></li>'
        )
    parts.append("</ul><h2>Sources</h2><ol>")
    for c in brief.sources:
        parts.append(
            f'<li id="src-{c.article_id}">[{c.article_id}] {esc(c.title)} '
            f"({esc(c.outlet or 'unknown outlet')}, {esc(c.published or 'date unknown')})</li>"
        )
    parts.append("</ol></body></html>")
    return "\n".join(parts) + "\n"


def render(brief: Brief, fmt: str = "md") -> str:
    if fmt in ("md", "markdown"):
        return render_markdown(brief)
    if fmt == "html":
        return render_html(brief)
    raise ValueError(f"unknown brief format {fmt!r} (choose md or html)")
