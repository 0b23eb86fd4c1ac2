"""The web app and JSON API through FastAPI's TestClient: pages, endpoints, escaping, uploads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from detente.claims import Claim, ClaimVersion, Quote
from detente.model import Mention
from detente.settings import Settings
from detente.store import Store
from detente.web import create_app
from detente.web.app import TEMPLATES, safe_href
from detente.web.highlight import MARK_KINDS, Mark, segments
from web_support import ARTICLES, build_web_db

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_db(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=web_db))) as c:
        yield c


def _ids_by_title(client: TestClient) -> dict[str, int]:
    return {a["title"]: a["id"] for a in client.get("/api/articles").json()}


def _hostile_id(client: TestClient) -> int:
    return next(i for t, i in _ids_by_title(client).items() if "__pwned" in t)


# --- the markup every page sends ---------------------------------------------------------


URL_ATTRIBUTES = ("href", "src", "action", "formaction")


class TagAudit(HTMLParser):
    """Collects what would run in a browser: script elements, event-handler attributes,
    ``javascript:`` URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str | None] = []
        self.handlers: list[tuple[str, str]] = []
        self.js_urls: list[str] = []
        self.inline_styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values.get("src"))
        if tag == "style":
            self.inline_styles.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            risky = ("javascript:", "data:", "vbscript:")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith(risky):
                self.js_urls.append(value or "")


def audit(html: str) -> TagAudit:
    parser = TagAudit()
    parser.feed(html)
    return parser


def assert_inert(html: str) -> None:
    found = audit(html)
    assert all(src and src.startswith("/static/") for src in found.scripts), found.scripts
    assert found.handlers == []
    assert found.js_urls == []
    assert found.inline_styles == []


PAGES = ["/", "/articles", "/actors", "/actors/ARM", "/network", "/errors", "/ingest",
         "/search?q=talks", "/search?q=script", "/dyads", "/dyads?a=ARM&b=RUS",
         "/dyads?a=ARM&by=day", "/dyads?a=ARM&b=AZE&period=2023-09", "/alliances",
         "/alliances?code=NATO", "/stories", "/claims", "/quotes",
         "/quotes?speaker=ARM", "/events", "/events?actor=ARM&root=11",
         "/events?all_modalities=true"]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_pages_render_inert_markup_with_csp(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:500]
    assert "text/html" in response.headers["content-type"]
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "object-src 'none'" in csp
    assert_inert(response.text)


def test_hostile_article_is_escaped_everywhere(client: TestClient) -> None:
    hostile = _hostile_id(client)
    pages = [f"/articles/{hostile}", "/articles", "/", "/search?q=pwned", "/actors/ARM"]
    for path in pages:
        html = client.get(path).text
        assert_inert(html)
        assert "<script>window" not in html
        assert "<img src=x" not in html
    article = client.get(f"/articles/{hostile}").text
    # The hostile strings are shown, as text.
    assert "&lt;/script&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;" in article
    assert "&lt;img src=x onerror=" in article
    # Its javascript: URL is printed, never linked.
    assert 'href="javascript:' not in article
    assert "javascript:window.__pwned=3" in article


def test_hostile_actor_codes_are_escaped_in_text_and_links(web_db: Path) -> None:
    with Store(web_db) as store:
        article_id = store.articles()[0]["id"]
        text = store.article(article_id)["text"]  # type: ignore[index]
        end = text.index(" ")
        bad = '"><svg onload=alert(1)>'
        saved = store.mentions(article_id)
        with store.transaction():
            store.replace_mentions(
                article_id, [Mention(0, end, text[:end], 0, "country", bad, bad, bad)]
            )
    try:
        with TestClient(create_app(Settings(db=web_db))) as c:
            for path in (f"/articles/{article_id}", "/actors", "/"):
                html = c.get(path).text
                assert_inert(html)
                assert "<svg" not in html
            assert c.get(f"/api/actors/{bad}").json()["code"] == bad
    finally:
        with Store(web_db) as store, store.transaction():
            store.replace_mentions(article_id, saved)


HOSTILE_TEXT = '"><script>window.__pwned=8</script><img src=x onerror=alert(1)>'


def test_hostile_quotes_claims_and_stories_are_escaped(web_db: Path) -> None:
    """Quotes, claims, story titles and evidence sentences carry article text onto the
    analysis pages: inject hostile ones through the store and check every page."""
    with Store(web_db) as store:
        hostile = next(a["id"] for a in store.articles() if "__pwned" in a["title"])
        text = store.article(hostile)["text"]  # type: ignore[index]
        end = text.index(".") + 1
        version = ClaimVersion(5.0, False, (hostile,), (hostile,), ((hostile, 0, end),))
        other = ClaimVersion(7.0, False, (hostile,), (hostile + 1000,), ((hostile, 0, end),))
        with store.transaction():
            store.replace_quotes(
                hostile,
                [
                    Quote(
                        HOSTILE_TEXT,
                        0,
                        end,
                        "said",
                        "direct",
                        HOSTILE_TEXT,
                        0,
                        7,
                        0,
                        HOSTILE_TEXT,
                        HOSTILE_TEXT,
                    )
                ],  # fmt: skip
            )
            store.replace_claims(
                [HOSTILE_TEXT], [Claim(HOSTILE_TEXT, HOSTILE_TEXT, None, None, (version, other))]
            )
    try:
        with TestClient(create_app(Settings(db=web_db))) as c:
            story = next(
                s["id"] for s in c.get("/api/stories").json() if hostile in s["article_ids"]
            )
            pages = ["/quotes", "/claims", "/stories", f"/stories/{story}",
                     "/dyads?a=ARM&b=AZE&period=2023-09",
                     "/dyads?a=ARM&by=day&period=2023-09-20"]  # fmt: skip
            for path in pages:
                response = c.get(path)
                assert response.status_code == 200, path
                assert_inert(response.text)
                assert "<script>window" not in response.text, path
                assert "<img src=x" not in response.text, path
            assert "&lt;script&gt;window.__pwned=8" in c.get("/quotes").text
            assert "&lt;script&gt;window.__pwned=8" in c.get("/claims").text
            assert (
                "&lt;/script&gt;&lt;script&gt;window.__pwned=1" in c.get(f"/stories/{story}").text
            )
            # The HTML brief is a standalone page: its source text is escaped as well.
            brief = c.get(f"/stories/{story}/brief", params={"format": "html"})
            assert brief.status_code == 200 and "<script>window" not in brief.text
            assert_inert(brief.text)
    finally:
        with Store(web_db) as store, store.transaction():
            store.replace_quotes(hostile, [])
            store.replace_claims([HOSTILE_TEXT], [])


def test_templates_never_mark_data_safe() -> None:
    for template in TEMPLATES.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"\|\s*safe\b", source), template.name
        assert "autoescape false" not in source, template.name
        assert "Markup(" not in source, template.name


def test_article_page_highlights_mentions_events_and_followed_evidence(
    client: TestClient,
) -> None:
    ids = _ids_by_title(client)
    article_id = ids["Armenia and Azerbaijan hold talks in Brussels"]
    events = client.get(f"/api/articles/{article_id}/events").json()
    accused = next(e for e in events if e["trigger"] == "accused")
    start, end = accused["sentence_start"], accused["sentence_end"]
    html = client.get(f"/articles/{article_id}?start={start}&end={end}").text
    assert re.search(r'class="hl-sentence hl-evidence hl-trigger"[^>]*>accused<', html)
    assert re.search(
        r'<a class="hl-sentence hl-evidence hl-source hl-mention" href="/actors/ARM"', html
    )
    # The other sentences are not the followed evidence.
    assert html.count("hl-evidence") == html.count('class="hl-sentence hl-evidence') + 1
    assert f'id="s{accused["sentence"]}"' in html
    # The rendered text, tags stripped, is exactly the stored text.
    body = html.split('id="article-text">', 1)[1].split("</div>", 1)[0]
    plain = re.sub(r"<[^>]+>", "", body)
    stored = client.get(f"/api/articles/{article_id}").json()["text"]
    assert plain.replace("&#39;", "'").replace("&amp;", "&") == stored


def test_api_endpoints(client: TestClient) -> None:
    stats = client.get("/api/stats").json()
    assert stats["articles"] == len(ARTICLES) + 1
    rows = client.get("/api/articles", params={"limit": 2}).json()
    assert len(rows) == 2 and all("title" in r for r in rows)
    article_id = _ids_by_title(client)["Yerevan criticises Moscow over peacekeepers"]
    article = client.get(f"/api/articles/{article_id}").json()
    assert article["outlet"] == "Test Wire"
    mentions = client.get(f"/api/articles/{article_id}/mentions").json()
    assert {m["actor_code"] for m in mentions} == {"ARM", "RUS"}
    events = client.get(f"/api/articles/{article_id}/events").json()
    assert [e["code"] for e in events] == ["111", "120"]
    assert client.get(f"/api/articles/{article_id}/sentences").json()[0]["index"] == 0
    hits = client.get("/api/search", params={"q": "peacekeepers"}).json()
    assert [h["id"] for h in hits] == [article_id]
    assert client.get("/api/search", params={"q": 'broken "quote'}).status_code == 200
    actors = {a["code"]: a for a in client.get("/api/actors").json()}
    assert actors["ARM"]["n_as_source"] == 3 and actors["RUS"]["n_as_target"] == 1
    arm = client.get("/api/actors/ARM").json()
    assert {c["other"]: c["n_events"] for c in arm["counterparts"]} == {"AZE": 2, "RUS": 1}
    network = client.get("/api/network").json()
    edge = next(e for e in network["edges"] if (e["a"], e["b"]) == ("ARM", "AZE"))
    assert edge["n_events"] == 2 and edge["goldstein_sum"] == -1.0
    assert client.get("/api/errors").json() == []
    assert client.get("/api/articles/99999").status_code == 404
    assert client.get("/articles/99999").status_code == 404
    schema = client.get("/openapi.json").json()
    assert {"/api/articles", "/api/search", "/api/network", "/api/ingest", "/api/stories",
            "/api/stories/{story_id}", "/api/dyads/{a}/{b}", "/api/dyads/{a}/{b}/evidence",
            "/api/claims", "/api/quotes", "/api/quantities", "/api/articles/{article_id}/copies",
            "/api/alliances/{code}/stress"} <= set(schema["paths"])  # fmt: skip


def test_events_list_filters_and_links_to_evidence(client: TestClient) -> None:
    every = client.get("/api/events", params={"all_modalities": True}).json()
    assert every and all(e["evidence"] for e in every)
    arm = client.get("/api/events", params={"source": "ARM"}).json()
    assert arm and all(e["source_code"].startswith("ARM") for e in arm)
    accusations = client.get("/api/events", params={"root": "11"}).json()
    assert accusations and all(e["root"] == "11" for e in accusations)
    assert len(client.get("/api/events", params={"limit": 1}).json()) == 1
    html = client.get("/events", params={"source": "ARM"}).text
    first = arm[0]
    assert f"/articles/{first['article_id']}?start={first['sentence_start']}" in html
    assert "/api/events" in client.get("/openapi.json").json()["paths"]


def test_dyad_api_serves_the_relations_library(client: TestClient) -> None:
    series = client.get("/api/dyads/ARM/RUS", params={"by": "month"}).json()
    assert (series["source"], series["target"], series["grain"]) == ("ARM", "RUS", "month")
    (point,) = series["points"]
    assert point["period"] == "2023-09" and point["quad_counts"]["3"] == 1
    assert point["goldstein_sum"] == -2.0 and point["n_sources"] == 1
    # The pair is unordered with direction=both; "out" keeps the direction.
    assert client.get("/api/dyads/RUS/ARM").json()["n_events"] == 1
    assert client.get("/api/dyads/RUS/ARM", params={"direction": "out"}).json()["n_events"] == 0
    # One actor against everyone, by day: the talks and the accusation, then the criticism.
    everyone = client.get("/api/dyads/ARM/*", params={"by": "day"}).json()
    assert [(p["period"], p["n_events"]) for p in everyone["points"]] == [
        ("2023-09-18", 2),
        ("2023-09-19", 1),
    ]
    evidence = client.get(
        "/api/dyads/ARM/*/evidence", params={"by": "day", "period": "2023-09-19"}
    ).json()
    assert evidence["n_events"] == 1 and evidence["n_sources"] == 1
    (item,) = evidence["items"]
    assert "criticised Russia" in item["sentence_text"]
    # The evidence link of the dashboard marks that sentence on the article page.
    html = client.get(
        f"/articles/{item['article_id']}",
        params={"start": item["sentence_start"], "end": item["sentence_end"]},
    ).text
    assert re.search(r'class="[^"]*hl-evidence[^"]*"[^>]*>criticised<', html)
    assert client.get("/api/dyads/ARM/RUS", params={"by": "year"}).status_code == 422
    pairs = client.get("/api/dyads").json()
    assert {(p["source_code"], p["target_code"]) for p in pairs} >= {("ARM", "AZE"), ("ARM", "RUS")}


def test_dyad_page_renders_periods_evidence_and_brief_links(client: TestClient) -> None:
    html = client.get("/dyads", params={"a": "arm", "b": "aze", "period": "2023-09"}).text
    assert 'data-series="/api/dyads/ARM/AZE?by=month&amp;direction=both"' in html
    assert "2 event(s) from 1 independent source(s)." in html
    assert html.count('class="evidence-link"') == 2
    assert "accused Azerbaijan of shelling" in html
    assert 'class="period-link" data-period="2023-09"' in html
    brief = client.get("/dyads/brief", params={"a": "ARM", "b": "AZE", "format": "md"})
    assert brief.status_code == 200 and brief.headers["content-type"].startswith("text/markdown")
    assert "ARM and AZE" in brief.text
    # Everyone: the second actor left empty.
    assert "everyone" in client.get("/dyads", params={"a": "ARM"}).text


def test_alliance_stress(client: TestClient) -> None:
    stress = client.get("/api/alliances/CSTO/stress").json()
    pair = next(r for r in stress if r["pair"] == ["ARM", "RUS"])
    assert pair["net"] == -1 and pair["points"][0]["conflict"] == 1
    assert client.get("/api/alliances/NOPE/stress").status_code == 404
    assert "ARM" in {m["member"] for m in client.get("/api/alliances").json()["CSTO"]}
    assert "ARM" in client.get("/alliances", params={"code": "CSTO"}).text


def test_stories_pages_api_and_briefs(client: TestClient) -> None:
    stories = client.get("/api/stories").json()
    assert stories and all({"id", "title", "start", "end", "n_sources"} <= set(s) for s in stories)
    ids = _ids_by_title(client)
    talks = ids["Armenia and Azerbaijan hold talks in Brussels"]
    story = next(s for s in stories if talks in s["article_ids"])
    one = client.get(f"/api/stories/{story['id']}").json()
    assert one["article_ids"] == story["article_ids"]
    assert any(e["trigger"] == "accused" for e in one["timeline"])
    html = client.get(f"/stories/{story['id']}").text
    assert_inert(html)
    assert f'href="/stories/{story["id"]}/brief?format=md"' in html
    assert "accused Azerbaijan of shelling" in html  # the timeline's evidence sentence
    for fmt, media in (("md", "text/markdown"), ("html", "text/html")):
        brief = client.get(f"/stories/{story['id']}/brief", params={"format": fmt})
        assert brief.status_code == 200 and brief.headers["content-type"].startswith(media)
        assert "attachment" in brief.headers["content-disposition"]
    assert client.get(f"/stories/{story['id']}/brief", params={"format": "pdf"}).status_code == 422
    assert client.get("/api/stories/99999").status_code == 404
    assert client.get("/stories/99999").status_code == 404
    assert client.get("/stories/99999/brief").status_code == 404


def test_copies_endpoint(client: TestClient) -> None:
    article_id = _ids_by_title(client)["Yerevan criticises Moscow over peacekeepers"]
    copies = client.get(f"/api/articles/{article_id}/copies").json()
    assert copies["article_id"] == article_id and copies["origin_id"] == article_id
    assert {"spun", "machine_translated", "content_farm", "links"} <= set(copies)
    assert client.get("/api/articles/99999/copies").status_code == 404
    html = client.get(f"/articles/{article_id}").text
    assert 'id="quality"' in html and "machine-translated" in html


def test_read_only_server_refuses_uploads(client: TestClient) -> None:
    files = {"files": ("x.txt", b"Title\nBody text of an article.", "text/plain")}
    assert client.post("/api/ingest", files=files).status_code == 403
    response = client.post("/ingest", files=files, data={"token": "anything"})
    assert response.status_code == 403 and "read-only" in response.text
    assert 'enctype="multipart/form-data"' not in client.get("/ingest").text


def test_upload_with_write_token(tmp_path: Path) -> None:
    db = build_web_db(tmp_path)
    body = (
        b"Georgia and Armenia sign a transit agreement\n"
        b"Georgia and Armenia signed an agreement on transit trade in Tbilisi on Friday, the "
        b"two governments said in a joint statement after the meeting of their ministers."
    )
    with TestClient(create_app(Settings(db=db), write_token=TOKEN)) as c:
        files = [("files", ("../../transit.txt", body, "text/plain"))]
        wrong = c.post("/api/ingest", files=files, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        ok = c.post("/api/ingest", files=files, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200, ok.text
        result = ok.json()
        assert result["new_articles"] == 1 and result["errors"] == []
        assert result["files"] == ["transit.txt"]
        new_id = result["article_ids"][0]
        assert c.get(f"/api/articles/{new_id}").json()["title"].startswith("Georgia")
        # A bad file is reported by the name it was uploaded under, and the batch goes on.
        bad = [("files", ("broken.json", b"{not json", "application/json")),
               ("files", ("again.txt", body + b" Again.", "text/plain"))]  # fmt: skip
        page = c.post("/ingest", files=bad, data={"token": TOKEN})
        assert page.status_code == 200
        assert "broken.json" in page.text and "1</b> new article" in page.text
        assert str(tmp_path) not in page.text and "detente-upload-" not in page.text


# --- pure helpers ------------------------------------------------------------------------


def test_safe_href() -> None:
    assert safe_href("https://x.example/a?b=1") == "https://x.example/a?b=1"
    assert safe_href(" http://x.example ") == "http://x.example"
    for bad in ("javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "//x", None):
        assert safe_href(bad) is None


marks_strategy = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40), st.sampled_from(MARK_KINDS)), max_size=8
)


@given(st.text(max_size=40), marks_strategy)
def test_segments_partition_text_and_carry_covering_marks(
    text: str, raw: list[tuple[int, int, str]]
) -> None:
    marks = [Mark(a, b, kind, kind) for a, b, kind in raw]
    segs = segments(text, marks)
    assert "".join(s.text for s in segs) == text
    for seg in segs:
        assert text[seg.start : seg.end] == seg.text
        covering = {
            m
            for m in marks
            if m.start <= seg.start and seg.end <= m.end and m.end <= len(text) and m.start < m.end
        }
        assert set(seg.marks) == covering
