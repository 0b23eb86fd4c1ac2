"""Browser tests: Debian's headless Chromium, driven by Playwright, against a real server.

The server is ``detente serve`` started as a subprocess on 127.0.0.1 with a free port. No
browser is downloaded: ``make browser`` (run by ``make test``) installs Debian's chromium.
Set ``DETENTE_SKIP_BROWSER=1`` to skip these tests explicitly; a missing chromium is a
failure otherwise, so CI never passes without having run them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from web_support import build_web_db

CHROMIUM = Path(os.environ.get("DETENTE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
TOKEN = "browser-test-token"

if os.environ.get("DETENTE_SKIP_BROWSER") == "1":
    pytest.skip("DETENTE_SKIP_BROWSER=1: browser tests skipped", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_web_db(tmp_path_factory.mktemp("browser"))
    port = _free_port()
    env = {**os.environ, "DETENTE_WRITE_TOKEN": TOKEN}
    command = [sys.executable, "-m", "detente.cli", "--db", str(db), "serve", "--port", str(port)]
    log = tmp_path_factory.mktemp("serverlog") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + "/api/stats", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"detente serve did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} not found: run `make browser` (installs Debian's chromium) or set "
            "DETENTE_SKIP_BROWSER=1 to skip the browser tests explicitly"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], errors


def _article_id(base: str, needle: str) -> int:
    rows = httpx.get(base + "/api/articles").json()
    return int(next(r["id"] for r in rows if needle in r["title"]))


def test_hostile_article_never_executes(server: str, page: Page) -> None:
    hostile = _article_id(server, "__pwned")
    page.goto(f"{server}/articles/{hostile}")
    title = page.locator("#article-title")
    expect(title).to_contain_text("</script><script>window.__pwned=1</script>")
    # Hover and click everything that came from the article; nothing may run.
    page.locator("#article-title").hover()
    page.locator("#article-text").hover()
    page.get_by_text("javascript:window.__pwned=3").click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#article-text script, #article-text img").count() == 0
    for path in ("/", "/articles", "/search?q=pwned"):
        page.goto(server + path)
        assert page.evaluate("typeof window.__pwned") == "undefined"


def test_article_page_evidence_and_screenshot(server: str, page: Page) -> None:
    article = _article_id(server, "hold talks in Brussels")
    page.goto(f"{server}/articles/{article}")
    expect(page.locator("#article-text .hl-trigger").first).to_be_visible()
    # Follow an event's evidence link: the page scrolls to and marks that sentence.
    page.locator("#events a", has_text="sentence").nth(1).click()
    evidence = page.locator("#article-text .hl-evidence")
    expect(evidence.first).to_be_visible()
    assert "accused" in " ".join(evidence.all_inner_texts())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "article.png"), full_page=True)
    # A highlighted actor mention leads to the actor page.
    page.locator("#article-text a[href='/actors/AZE']").first.click()
    expect(page.locator("h1")).to_contain_text("AZE")


def test_network_page_draws_actors(server: str, page: Page) -> None:
    page.goto(f"{server}/network")
    expect(page.locator("#network-status")).to_contain_text("actors")
    assert page.locator("#network canvas").count() > 0


def test_upload_a_file(server: str, page: Page, tmp_path: Path) -> None:
    upload = tmp_path / "ceasefire.txt"
    upload.write_text(
        "Ceasefire agreed on the border\n"
        "Armenia and Azerbaijan agreed a ceasefire on the border on Wednesday, the two "
        "defence ministries said in statements published after the talks ended.",
        encoding="utf-8",
    )
    page.goto(f"{server}/ingest")
    page.locator("#files").set_input_files(str(upload))
    page.locator("#token").fill("wrong")
    page.locator("#upload").click()
    expect(page.locator("#ingest-error")).to_contain_text("wrong or missing write token")
    page.locator("#files").set_input_files(str(upload))
    page.locator("#token").fill(TOKEN)
    page.locator("#upload").click()
    result = page.locator("#ingest-result")
    expect(result).to_contain_text("1 new article")
    result.get_by_role("link", name="Ceasefire agreed on the border").click()
    expect(page.locator("#article-title")).to_have_text("Ceasefire agreed on the border")


def test_dyad_dashboard_click_through_to_evidence(server: str, page: Page) -> None:
    # Armenia against everyone, by day: two days with events.
    page.goto(f"{server}/dyads?a=ARM&by=day")
    canvas = page.locator("#dyad-chart")
    expect(canvas).to_have_attribute("data-ready", "1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Click the Goldstein point of the second day where Chart.js drew it.
    x, y = page.evaluate(
        """() => {
            const chart = Chart.getChart(document.getElementById("dyad-chart"));
            const line = chart.data.datasets.length - 1;
            const point = chart.getDatasetMeta(line).data[1];
            const box = chart.canvas.getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }"""
    )
    page.mouse.click(x, y)
    expect(page.locator("#evidence-title")).to_have_text("Evidence for 2023-09-19")
    expect(page.locator("#evidence-hint")).to_contain_text("1 event(s) from 1 independent")
    link = page.locator("#evidence a.evidence-link")
    expect(link).to_have_count(1)
    expect(page.locator("#evidence")).to_contain_text("criticised Russia")
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    # The accessible route: the period table loads the other day's evidence in place.
    page.locator("a.period-link[data-period='2023-09-18']").click()
    expect(page.locator("#evidence a.evidence-link")).to_have_count(2)
    page.locator("a.period-link[data-period='2023-09-19']").click()
    expect(link).to_have_count(1)
    link.click()
    # The article page marks the evidence sentence.
    expect(page.locator("#article-title")).to_have_text(
        "Yerevan criticises Moscow over peacekeepers"
    )
    evidence = page.locator("#article-text .hl-evidence")
    expect(evidence.first).to_be_visible()
    assert "Armenia criticised Russia on Tuesday" in "".join(evidence.all_inner_texts())
