"""Shared fixtures for the ingest tests: stores, realistic inputs and a local HTTP server."""

from __future__ import annotations

import dataclasses
import io
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from detente.model import Article
from detente.pipeline import IngestReport, ingest_inputs
from detente.settings import Settings
from detente.store import ArticleFilter, Store

# CI must be reproducible: the same examples on every run (set HYPOTHESIS_PROFILE=explore to
# search afresh when working on a parser).
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("explore", max_examples=2000, deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# --- realistic article material -------------------------------------------------------------

# Four paragraphs of 30+ words: enough body for trafilatura to accept a page as an article.
PARAGRAPHS = [
    "Foreign ministers from Armenia and Azerbaijan met in Washington on Thursday for a third "
    "round of talks on a peace treaty, officials from both delegations said after the meeting "
    "ended late in the afternoon.",
    "The talks focused on the delimitation of the border between the two countries and on the "
    "opening of transport links, according to a statement issued by the United States "
    "Department of State after the session.",
    "Diplomats described the atmosphere as constructive but cautioned that significant "
    "differences remain on several key points, including the status of ethnic Armenians living "
    "in the region and the future of the enclaves.",
    "The next round of negotiations is expected to take place in the coming weeks, although no "
    "date has been announced publicly by either government or by the mediators who attended.",
]

# Site furniture that must never end up in an extracted article text.
NAV_JUNK = "Subscribe to our newsletter for daily regional updates"
COOKIE_JUNK = "We use cookies to improve your experience on our website"
COMMENT_JUNK = "Great article, thanks for sharing this information with all of us readers"
FOOTER_JUNK = "Copyright 2023 Caucasus Wire Media Group"
JUNK = (NAV_JUNK, COOKIE_JUNK, COMMENT_JUNK, FOOTER_JUNK)


def html_page(
    *,
    title: str = "Armenia and Azerbaijan hold peace talks in Washington",
    head: str = "",
    before_body: str = "",
    paragraphs: list[str] | None = None,
    lang: str = "en",
) -> str:
    """A news page with navigation, a cookie banner, comments and a footer around the story."""
    body = "\n".join(f"<p>{p}</p>" for p in (paragraphs or PARAGRAPHS))
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>{title} | Caucasus Wire</title>{head}</head>
<body>
<header><nav class="main-menu"><ul>
  <li><a href="/">Home</a></li><li><a href="/world">World</a></li>
  <li><a href="/politics">Politics</a></li>
  <li><a href="/newsletter">{NAV_JUNK}</a></li>
</ul></nav></header>
<div id="cookie-banner" class="cookie-consent"><p>{COOKIE_JUNK}. Accept all cookies</p></div>
<main><article>
<h1>{title}</h1>
{before_body}
{body}
</article>
<section id="comments" class="comments"><h3>Comments</h3>
  <div class="comment"><p>{COMMENT_JUNK}!</p></div>
</section>
</main>
<footer class="site-footer"><p>{FOOTER_JUNK}. All rights reserved.</p>
  <a href="/about">About us</a> <a href="/contact">Contact</a></footer>
</body></html>"""


def plain_article(title: str, *, marker: str = "") -> str:
    """A plain-text article: title line then three long paragraphs (``marker`` makes it unique)."""
    return "\n".join([title, *(p + (f" {marker}" if marker else "") for p in PARAGRAPHS[:3])])


# --- WARC files -----------------------------------------------------------------------------


@dataclass
class WarcResponse:
    url: str
    body: bytes
    status: str = "200 OK"
    content_type: str = "text/html; charset=utf-8"


def write_warc(path: Path, responses: list[WarcResponse], *, gzip: bool) -> Path:
    """A WARC with a warcinfo record and a request + response pair per response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "pytest"}))
        for resp in responses:
            request_headers = StatusAndHeaders(
                "GET / HTTP/1.1",
                [("Host", "wire.example"), ("User-Agent", "pytest")],
                protocol="HTTP/1.1",
                is_http_request=True,
            )
            writer.write_record(
                writer.create_warc_record(
                    resp.url, "request", payload=io.BytesIO(b""), http_headers=request_headers
                )
            )
            http_headers = StatusAndHeaders(
                resp.status, [("Content-Type", resp.content_type)], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    resp.url, "response", payload=io.BytesIO(resp.body), http_headers=http_headers
                )
            )
    return path


# --- stores and ingest ----------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Outside the test's tmp_path, so walking tmp_path never meets the database files.
    return tmp_path_factory.mktemp("db") / "detente.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as s:
        yield s


@pytest.fixture
def ingest(store: Store, db_path: Path) -> Callable[..., IngestReport]:
    """``ingest(inputs, **setting_overrides)`` into the test's store."""

    def run(inputs: list[str | Path], **overrides: Any) -> IngestReport:
        settings = dataclasses.replace(Settings(db=db_path), **overrides)
        return ingest_inputs([str(i) for i in inputs], store, settings)

    return run


def all_articles(store: Store) -> list[dict[str, Any]]:
    """Every stored article in full (text, captions, removed lines), in id order."""
    rows = store.articles(ArticleFilter(limit=None))
    full = [store.article(r["id"]) for r in sorted(rows, key=lambda r: r["id"])]
    return [a for a in full if a is not None]


def article_by_source(store: Store, suffix: str) -> dict[str, Any]:
    matches = [a for a in all_articles(store) if a["source_path"].endswith(suffix)]
    assert len(matches) == 1, [a["source_path"] for a in all_articles(store)]
    return matches[0]


def integrity_ok(db_path: Path) -> bool:
    with sqlite3.connect(db_path) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- a local HTTP server --------------------------------------------------------------------


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    # Seconds to wait before answering (for timeouts); cut short when the server stops.
    delay: float = 0.0


@dataclass
class LocalServer:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]
    stopping: threading.Event

    def url(self, path: str) -> str:
        return self.base + path

    def headers_for(self, path: str) -> list[dict[str, str]]:
        return [h for p, h in self.requests if p == path]


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    """A threaded HTTP server on 127.0.0.1 (ephemeral port) serving ``routes``."""
    routes: dict[str, Route] = {}
    requests: list[tuple[str, dict[str, str]]] = []
    stopping = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = routes.get(self.path)
            if route is None:
                route = Route(b"<html><body>not here</body></html>", status=404)
            if route.delay and stopping.wait(route.delay):
                return
            try:
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield LocalServer(f"http://{host}:{port}", routes, requests, stopping)
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def good_txt(tmp_path: Path) -> Path:
    """A well-formed article that every bad-input batch carries alongside the bad input."""
    path = tmp_path / "good" / "good.txt"
    path.parent.mkdir()
    path.write_text(
        plain_article("Peace talks continue in Washington", marker="Good batch-mate."),
        encoding="utf-8",
    )
    return path


# --- the seeds, ingested and analysed once per test session ---------------------------------

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="session")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[str, int]]]:
    """The five seed articles ingested and run through every stage: (store, file -> id)."""
    if not (SEEDS / "gold.yaml").exists():
        pytest.skip(f"no {SEEDS}")
    from detente.pipeline import process_articles

    db = tmp_path_factory.mktemp("seeds-analysis") / "seeds.db"
    with Store(db) as seeded:
        report = ingest_inputs([str(SEEDS)], seeded, Settings(db=db))
        assert report.errors == []
        process_articles(seeded, Settings(db=db))
        by_file = {}
        for article_id in report.article_ids:
            stored = seeded.article(article_id)
            assert stored is not None
            by_file[Path(stored["source_path"]).name] = article_id
        yield seeded, by_file


def hand_article(
    key: int, text: str, day: str | None = None, *, article_id: int | None = None, **fields: Any
) -> Article:
    """A cleaned article built by hand for the analysis tests (``key`` makes it unique)."""
    from detente.model import Article, PublicationDate

    published = PublicationDate(day, "day", day, day, "test") if day else PublicationDate()
    values: dict[str, Any] = {
        "title": text.split(",")[0][:60],
        "source_path": f"hand/{key}.txt",
        "source_format": "text",
        "raw": text,
        "content_hash": f"hand-{key}",
        "text_hash": f"hand-{key}",
        "published": published,
        "id": article_id,
    }
    values.update(fields)
    return Article(text=text, **values)


def text_article(article_id: int, text: str, published: str | None = None) -> Article:
    """A stored-looking article with only a text (and a day, if given), for the copy
    detection tests: its text hash is the text's, so equal texts are exact duplicates."""
    from detente.model import Article, PublicationDate

    return Article(
        title="t",
        text=text,
        source_path=f"{article_id}.txt",
        source_format="txt",
        raw=text,
        content_hash=str(article_id),
        text_hash=str(hash(text)),
        id=article_id,
        published=PublicationDate(published, "day" if published else "unknown"),
    )
