"""`detente serve` on the demo database: the sample corpus ingested and processed by every
stage, then every page and API endpoint fetched through the app (status 200, inert markup)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from detente.data import sample_corpus_path
from detente.pipeline import ingest_inputs, process_articles
from detente.settings import Settings
from detente.store import Store
from detente.web import create_app
from test_web import assert_inert


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    settings = Settings(db=db)
    with Store(db) as store:
        ingest_inputs([str(sample_corpus_path())], store, settings)
        process_articles(store, settings, None)
    with TestClient(create_app(settings)) as client:
        yield client


def _every_path(client: TestClient) -> list[str]:
    """The pages and GET endpoints, with ids and codes taken from the data itself."""
    articles = client.get("/api/articles", params={"limit": 1000}).json()
    stories = client.get("/api/stories").json()
    actors = client.get("/api/actors").json()
    pairs = client.get("/api/dyads").json()
    assert articles and stories and actors, "the demo database is empty"
    story, actor = stories[0]["id"], actors[0]["code"]
    paths = ["/", "/articles", "/search?q=Armenia", "/actors", f"/actors/{actor}", "/network",
             "/errors", "/ingest", "/stories", f"/stories/{story}",
             f"/stories/{story}/brief?format=md", f"/stories/{story}/brief?format=html",
             "/claims", "/quotes", "/events", "/api/events", "/dyads", f"/dyads?a={actor}",
             "/alliances",
             "/alliances?code=NATO", "/api/stats", "/api/articles", "/api/search?q=Armenia",
             "/api/errors", "/api/actors", f"/api/actors/{actor}", "/api/network",
             "/api/stories", f"/api/stories/{story}", "/api/claims", "/api/quotes",
             "/api/quantities", "/api/dyads", f"/api/dyads/{actor}/*",
             "/api/alliances", "/api/alliances/CSTO/stress", "/openapi.json"]  # fmt: skip
    for a in articles:
        i = a["id"]
        paths += [f"/articles/{i}", f"/api/articles/{i}", f"/api/articles/{i}/mentions",
                  f"/api/articles/{i}/events", f"/api/articles/{i}/sentences",
                  f"/api/articles/{i}/copies"]  # fmt: skip
    for p in pairs[:5]:
        a, b = p["source_code"], p["target_code"]
        paths += [f"/dyads?a={a}&b={b}", f"/api/dyads/{a}/{b}", f"/api/dyads/{a}/{b}/evidence",
                  f"/dyads/brief?a={a}&b={b}&format=md"]  # fmt: skip
    paths += [f"/stories/{s['id']}" for s in stories[1:]]
    return paths


def test_every_page_and_endpoint_answers(demo: TestClient) -> None:
    failures = []
    for path in _every_path(demo):
        response = demo.get(path)
        if response.status_code != 200:
            failures.append(f"{path}: {response.status_code} {response.text[:200]}")
        elif response.headers["content-type"].startswith("text/html"):
            assert_inert(response.text)
    assert failures == []


def test_demo_analysis_reaches_the_pages(demo: TestClient) -> None:
    # The copies the corpus annotates show on the article page of a copy.
    copied = [
        a["id"]
        for a in demo.get("/api/articles", params={"limit": 1000}).json()
        if demo.get(f"/api/articles/{a['id']}/copies").json()["links"]
    ]
    assert copied, "no copy links in the sample corpus"
    html = demo.get(f"/articles/{copied[0]}").text
    assert 'id="copies"' in html
    # Conflicting claims list every version with its source articles.
    claims = demo.get("/api/claims").json()
    assert claims, "no conflicting claims in the sample corpus"
    page = demo.get("/claims").text
    for version in claims[0]["versions"]:
        assert f'href="/articles/{version["article_ids"][0]}"' in page
