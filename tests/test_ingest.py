"""Every input format detente reads, built by the tests: what is stored and what is not."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import (
    JUNK,
    PARAGRAPHS,
    LocalServer,
    Route,
    WarcResponse,
    all_articles,
    article_by_source,
    html_page,
    plain_article,
    write_warc,
)
from detente.cli import app
from detente.pipeline import IngestReport
from detente.store import Store

Ingest = Callable[..., IngestReport]

# --- plain text -----------------------------------------------------------------------------

SCRAPED_TEXT = """\
Armenia and Azerbaijan agree to reopen border crossing
Home
Skip to content
By Anna Petrosyan
12 March 2023 14:05
Armenia and Azerbaijan agreed on Sunday to reopen the Lachin border crossing after talks \
mediated by European Union officials in Brussels, according to a joint statement released \
by both foreign ministries late in the evening.
Read also: Pashinyan says peace treaty is close
The deal follows weeks of negotiation over customs procedures and the presence of \
international observers at the checkpoint, diplomats familiar with the talks said.
Trucks wait at the crossing near Goris.
Photo: Reuters
Officials said the first convoys could pass as early as next week, subject to a final \
technical agreement on inspections and security arrangements.
#Armenia #Azerbaijan #Lachin
"""


def test_plain_text_title_chrome_byline_timestamp_hashtags_teaser_caption(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    path = tmp_path / "lachin.txt"
    path.write_text(SCRAPED_TEXT, encoding="utf-8")

    report = ingest([path])

    assert (report.n_inputs, report.n_new, report.errors) == (1, 1, [])
    article = article_by_source(store, "lachin.txt")
    assert article["title"] == "Armenia and Azerbaijan agree to reopen border crossing"
    assert article["source_format"] == "text"
    assert article["author"] == "Anna Petrosyan"
    assert article["published"] == "2023-03-12"
    assert article["published_precision"] == "day"
    assert article["published_window"] == ["2023-03-12", "2023-03-12"]
    assert article["published_method"] == "timestamp line in the text"
    assert article["language"] == "en"
    text = article["text"]
    assert text.startswith("Armenia and Azerbaijan agreed on Sunday to reopen the Lachin")
    assert text.endswith(
        "subject to a final technical agreement on inspections and security arrangements."
    )
    for gone in (
        "Home",
        "Skip to content",
        "By Anna Petrosyan",
        "12 March 2023",
        "#Armenia",
        "Read also",
        "Pashinyan says peace treaty is close",
    ):
        assert gone not in text, gone
    reasons = {r["line"]: r["reason"] for r in article["removed_lines"]}
    assert reasons == {
        "Armenia and Azerbaijan agree to reopen border crossing": "title",
        "Home": "site chrome",
        "Skip to content": "site chrome",
        "By Anna Petrosyan": "byline",
        "12 March 2023 14:05": "timestamp",
        "Read also: Pashinyan says peace treaty is close": "teaser or share link",
        "#Armenia #Azerbaijan #Lachin": "hashtag line",
    }
    # The picture description and its credit stay in the text, marked as captions.
    captions = [text[start:end] for start, end in article["captions"]]
    assert captions == ["Trucks wait at the crossing near Goris.", "Photo: Reuters"]


def test_sidecar_named_after_the_full_file_name(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    path = tmp_path / "story.txt"
    path.write_text(SCRAPED_TEXT, encoding="utf-8")
    (tmp_path / "story.txt.meta.json").write_text(
        json.dumps(
            {
                "url": "https://news.example.org/lachin",
                "outlet": "Example News",
                "published": "2023-03-13",
                "language": "en",
                "author": "Sidecar Author",
            }
        ),
        encoding="utf-8",
    )

    report = ingest([tmp_path])

    # The sidecar describes the article; it is not an input of its own.
    assert (report.n_inputs, report.n_new, report.errors, report.skipped) == (1, 1, [], [])
    article = article_by_source(store, "story.txt")
    assert article["url"] == "https://news.example.org/lachin"
    assert article["outlet"] == "Example News"
    # Declared metadata wins over what the text's byline and timestamp line say.
    assert article["author"] == "Sidecar Author"
    assert (article["published"], article["published_precision"]) == ("2023-03-13", "day")
    assert article["published_method"] == "input metadata"


def test_sidecar_named_after_the_stem_with_crawler_field_names(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    path = tmp_path / "story.txt"
    path.write_text(SCRAPED_TEXT, encoding="utf-8")
    (tmp_path / "story.meta.json").write_text(
        json.dumps(
            {
                "link": "https://civil.example/2023/lachin",
                "source_domain": "civil.example",
                "date_publish": "2023-03-14 10:00:00",
            }
        ),
        encoding="utf-8",
    )

    report = ingest([path])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "story.txt")
    assert article["url"] == "https://civil.example/2023/lachin"
    assert article["outlet"] == "civil.example"
    assert (article["published"], article["published_precision"]) == ("2023-03-14", "day")
    assert article["author"] == "Anna Petrosyan"  # no author in the sidecar: the byline's


def _manifest_corpus(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "one.txt").write_text(plain_article("Border talks", marker="One."), encoding="utf-8")
    (root / "sub" / "two.txt").write_text(
        plain_article("Border talks again", marker="Two."), encoding="utf-8"
    )
    (root / "manifest.csv").write_text(
        "path,url,outlet,published,language\n"
        "one.txt,https://m.example.com/one,Manifest Times,2022-05-01,en\n"
        "sub/two.txt,https://m.example.com/two,Manifest Times,2022-06,en\n",
        encoding="utf-8",
    )
    return root


def test_manifest_csv_supplies_metadata_for_files_in_and_below_its_folder(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    root = _manifest_corpus(tmp_path / "corpus")

    report = ingest([root])

    assert (report.n_inputs, report.n_new, report.errors, report.skipped) == (2, 2, [], [])
    one = article_by_source(store, "one.txt")
    assert (one["url"], one["outlet"]) == ("https://m.example.com/one", "Manifest Times")
    assert (one["published"], one["published_precision"]) == ("2022-05-01", "day")
    two = article_by_source(store, "two.txt")
    assert (two["url"], two["outlet"]) == ("https://m.example.com/two", "Manifest Times")
    # A month stays a month: no day is invented.
    assert (two["published"], two["published_precision"]) == (None, "month")
    assert two["published_window"] == ["2022-06-01", "2022-06-30"]


def test_manifest_applies_to_a_file_named_explicitly(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    root = _manifest_corpus(tmp_path / "corpus")

    report = ingest([root / "one.txt"])

    assert (report.n_new, report.errors) == (1, [])
    one = article_by_source(store, "one.txt")
    assert one["url"] == "https://m.example.com/one"
    assert one["published"] == "2022-05-01"


# --- HTML -----------------------------------------------------------------------------------

META_HEAD = (
    '<meta property="og:title" content="Peace talks resume in Washington">'
    '<meta property="og:site_name" content="Caucasus Wire">'
    '<meta property="article:published_time" content="2023-05-04T10:30:00+00:00">'
    '<link rel="canonical" href="https://caucasuswire.example/world/peace-talks">'
)
JSON_LD_HEAD = (
    '<script type="application/ld+json">{"@context": "https://schema.org", '
    '"@type": "NewsArticle", "headline": "Peace talks resume", '
    '"datePublished": "2023-06-07T08:00:00Z", '
    '"author": {"@type": "Person", "name": "Lilit Hakobyan"}, '
    '"publisher": {"@type": "Organization", "name": "Caucasus Wire"}}</script>'
)
URL_DATE_HEAD = '<link rel="canonical" href="https://caucasuswire.example/2022/11/24/peace-talks/">'


def _assert_clean_body(text: str) -> None:
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for junk in JUNK:
        assert junk not in text, junk
    for chrome in ("Accept all cookies", "All rights reserved", "About us", "Politics"):
        assert chrome not in text, chrome


def test_html_metadata_from_meta_tags(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "meta.html").write_text(html_page(head=META_HEAD), encoding="utf-8")

    report = ingest([tmp_path / "meta.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "meta.html")
    assert article["source_format"] == "html"
    assert article["title"] == "Peace talks resume in Washington"
    assert article["outlet"] == "Caucasus Wire"
    assert article["url"] == "https://caucasuswire.example/world/peace-talks"
    assert (article["published"], article["published_precision"]) == ("2023-05-04", "day")
    _assert_clean_body(article["text"])


def test_html_metadata_from_json_ld(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "ld.html").write_text(html_page(head=JSON_LD_HEAD), encoding="utf-8")

    report = ingest([tmp_path / "ld.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "ld.html")
    assert (article["published"], article["published_precision"]) == ("2023-06-07", "day")
    assert article["author"] == "Lilit Hakobyan"
    assert article["outlet"] == "Caucasus Wire"
    assert article["title"] == "Peace talks resume"
    _assert_clean_body(article["text"])


def test_html_date_from_the_url(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "urldate.html").write_text(html_page(head=URL_DATE_HEAD), encoding="utf-8")

    report = ingest([tmp_path / "urldate.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "urldate.html")
    assert article["url"] == "https://caucasuswire.example/2022/11/24/peace-talks/"
    assert (article["published"], article["published_precision"]) == ("2022-11-24", "day")
    _assert_clean_body(article["text"])


def test_html_date_from_a_sidecar_url(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "saved.html").write_text(html_page(), encoding="utf-8")
    (tmp_path / "saved.html.meta.json").write_text(
        json.dumps({"url": "https://caucasuswire.example/2021/07/09/talks/"}), encoding="utf-8"
    )

    report = ingest([tmp_path / "saved.html"])

    assert report.errors == []
    article = article_by_source(store, "saved.html")
    assert article["url"] == "https://caucasuswire.example/2021/07/09/talks/"
    assert (article["published"], article["published_precision"]) == ("2021-07-09", "day")


def test_html_date_from_visible_published_line(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    page = html_page(before_body='<p class="article-info">Published 12 January 2023</p>')
    (tmp_path / "visible.html").write_text(page, encoding="utf-8")

    report = ingest([tmp_path / "visible.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "visible.html")
    assert (article["published"], article["published_precision"]) == ("2023-01-12", "day")
    assert article["published_window"] == ["2023-01-12", "2023-01-12"]
    assert "Published 12 January 2023" not in article["text"]
    _assert_clean_body(article["text"])


def test_html_without_any_date(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "nodate.html").write_text(html_page(), encoding="utf-8")

    report = ingest([tmp_path / "nodate.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "nodate.html")
    assert article["title"] == "Armenia and Azerbaijan hold peace talks in Washington"
    assert article["published"] is None
    assert article["published_precision"] == "unknown"
    assert article["published_window"] is None
    assert article["flags"]["no_exact_date"] is True
    _assert_clean_body(article["text"])
    # The headline is the title, not a line of the body.
    assert not article["text"].startswith("Armenia and Azerbaijan hold peace talks")


# --- crawler exports: JSON and JSON Lines --------------------------------------------------

BODY = (
    "Georgian authorities detained twelve protesters outside parliament in Tbilisi on "
    "Wednesday night after clashes with police over a draft law on foreign agents, the "
    "interior ministry said in a statement on Thursday morning."
)


def _news_please(i: int) -> dict[str, Any]:
    return {
        "title": f"Protesters detained in Tbilisi ({i})",
        "maintext": f"{BODY} Update number {i} followed later in the day.",
        "date_publish": f"2023-03-0{i + 1} 21:00:00",
        "url": f"https://civil.example/2023/protest-{i}",
        "source_domain": "civil.example",
        "language": "en",
        "authors": ["Nino Beridze", "Giorgi Kapanadze"],
    }


def test_news_please_json_record(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "np.json").write_text(json.dumps(_news_please(1)), encoding="utf-8")

    report = ingest([tmp_path / "np.json"])

    assert (report.n_documents, report.n_new, report.errors) == (1, 1, [])
    article = article_by_source(store, "np.json")
    assert article["source_format"] == "json"
    assert article["title"] == "Protesters detained in Tbilisi (1)"
    assert article["text"] == f"{BODY} Update number 1 followed later in the day."
    assert article["url"] == "https://civil.example/2023/protest-1"
    assert article["outlet"] == "civil.example"
    assert article["author"] == "Nino Beridze, Giorgi Kapanadze"
    assert article["language"] == "en"
    assert (article["published"], article["published_precision"]) == ("2023-03-02", "day")


def test_json_list_of_records(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "many.json").write_text(
        json.dumps([_news_please(i) for i in range(3)]), encoding="utf-8"
    )

    report = ingest([tmp_path / "many.json"])

    assert (report.n_documents, report.n_new, report.errors) == (3, 3, [])
    stored = all_articles(store)
    assert sorted(a["source_path"] for a in stored) == [
        f"{tmp_path / 'many.json'}#{i}" for i in (1, 2, 3)
    ]
    assert sorted(a["url"] for a in stored) == [
        f"https://civil.example/2023/protest-{i}" for i in range(3)
    ]
    assert sorted(a["published"] for a in stored) == ["2023-03-01", "2023-03-02", "2023-03-03"]


def test_json_articles_wrapper(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "wrapped.json").write_text(
        json.dumps({"status": "ok", "articles": [_news_please(4), _news_please(5)]}),
        encoding="utf-8",
    )

    report = ingest([tmp_path / "wrapped.json"])

    assert (report.n_new, report.errors) == (2, [])
    assert sorted(a["title"] for a in all_articles(store)) == [
        "Protesters detained in Tbilisi (4)",
        "Protesters detained in Tbilisi (5)",
    ]


def test_json_lines_with_aliases_and_a_bad_line(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    def line(n: int) -> str:
        return json.dumps(
            {
                "headline": f"Alias headline {n}",
                "text": f"{BODY} Line {n}.",
                "published": f"2023-04-0{n}",
                "link": f"https://x.example/{n}",
                "domain": "x.example",
                "lang": "en",
            }
        )

    path = tmp_path / "export.jsonl"
    path.write_text("\n".join([line(1), '{"headline": "broken", "text": ', line(3)]) + "\n")

    report = ingest([path])

    assert report.n_new == 2
    assert [(e.input, e.reason.split(":")[0]) for e in report.errors] == [
        (f"{path}#L2", "invalid JSON on line 2")
    ]
    first = article_by_source(store, "export.jsonl#L1")
    assert first["title"] == "Alias headline 1"
    assert first["text"] == f"{BODY} Line 1."
    assert (first["url"], first["outlet"], first["language"]) == (
        "https://x.example/1",
        "x.example",
        "en",
    )
    assert first["published"] == "2023-04-01"
    third = article_by_source(store, "export.jsonl#L3")
    assert (third["title"], third["published"]) == ("Alias headline 3", "2023-04-03")


def test_json_lines_keep_unicode_line_separators_inside_strings(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    # JSON allows U+2028, U+2029 and U+0085 unescaped in strings; only "\n" ends a record.
    records = [
        {"title": "Separated", "text": f"{BODY}\u2028Second paragraph after a separator."},
        {"title": "Paragraph sep", "text": f"{BODY}\u2029Another paragraph follows here."},
    ]
    path = tmp_path / "unicode.jsonl"
    path.write_bytes(
        "\r\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode("utf-8")
    )

    report = ingest([path])

    assert (report.n_documents, report.n_new, report.errors) == (2, 2, [])
    first = article_by_source(store, "unicode.jsonl#L1")
    assert first["title"] == "Separated"
    assert first["text"].startswith(BODY)
    assert first["text"].endswith("Second paragraph after a separator.")
    second = article_by_source(store, "unicode.jsonl#L2")
    assert second["text"].endswith("Another paragraph follows here.")


# --- WARC -----------------------------------------------------------------------------------


def _story(n: int) -> bytes:
    paragraphs = [f"{p} Report {n}." for p in PARAGRAPHS]
    return html_page(title=f"Story number {n} about the talks", paragraphs=paragraphs).encode()


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles(
    tmp_path: Path, ingest: Ingest, store: Store, name: str
) -> None:
    path = write_warc(
        tmp_path / name,
        [
            WarcResponse("https://wire.example/2023/02/01/first-story", _story(1)),
            WarcResponse(
                "https://wire.example/logo.png",
                b"\x89PNG\r\n\x1a\n" + bytes(64),
                content_type="image/png",
            ),
            WarcResponse("https://wire.example/second-story", _story(2)),
            WarcResponse(
                "https://wire.example/missing",
                b"<html><body>Not found</body></html>",
                status="404 Not Found",
            ),
        ],
        gzip=name.endswith(".gz"),
    )

    report = ingest([path])

    # The picture and the 404 page are skipped silently: they are not errors.
    assert report.errors == []
    assert (report.n_inputs, report.n_documents, report.n_new) == (1, 2, 2)
    stored = {a["url"]: a for a in all_articles(store)}
    assert sorted(stored) == [
        "https://wire.example/2023/02/01/first-story",
        "https://wire.example/second-story",
    ]
    first = stored["https://wire.example/2023/02/01/first-story"]
    assert first["source_format"] == "warc"
    assert first["source_path"] == f"{path}#https://wire.example/2023/02/01/first-story"
    assert first["title"] == "Story number 1 about the talks"
    assert (first["published"], first["published_precision"]) == ("2023-02-01", "day")
    assert f"{PARAGRAPHS[0]} Report 1." in first["text"]
    for junk in JUNK:
        assert junk not in first["text"]
    second = stored["https://wire.example/second-story"]
    assert f"{PARAGRAPHS[2]} Report 2." in second["text"]
    # No date on the page: the crawl date bounds publication from above, no day is invented.
    assert second["published"] is None
    assert second["published_window"] is not None and second["published_window"][0] is None


# --- feeds ----------------------------------------------------------------------------------

FULL_HTML = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def _rss(items: str, title: str = "Caucasus Wire") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{title}</title><link>https://wire.example/</link>
<description>Regional news</description><language>en</language>
{items}
</channel></rss>"""


def test_rss_with_content_encoded_full_text(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    item = f"""<item><title>Talks resume in Washington</title>
<link>https://wire.example/2023/talks</link>
<pubDate>Tue, 14 Mar 2023 09:00:00 GMT</pubDate>
<description>Short teaser only.</description>
<content:encoded><![CDATA[{FULL_HTML}]]></content:encoded></item>"""
    (tmp_path / "news.rss").write_text(_rss(item), encoding="utf-8")

    report = ingest([tmp_path / "news.rss"], fetch_linked_pages=False)

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "news.rss#https://wire.example/2023/talks")
    assert article["source_format"] == "feed"
    assert article["title"] == "Talks resume in Washington"
    assert article["url"] == "https://wire.example/2023/talks"
    assert article["outlet"] == "Caucasus Wire"
    assert (article["published"], article["published_precision"]) == ("2023-03-14", "day")
    for paragraph in PARAGRAPHS:
        assert paragraph in article["text"]
    assert "Short teaser only." not in article["text"]


def test_atom_with_html_content(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    escaped = FULL_HTML.replace("<", "&lt;").replace(">", "&gt;")
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title><id>urn:feed</id>
<updated>2023-04-02T12:00:00Z</updated>
<entry><title>Atom entry about the talks</title>
<link href="https://atom.example/2023/entry"/><id>urn:e1</id>
<published>2023-04-01T12:00:00Z</published><updated>2023-04-02T12:00:00Z</updated>
<author><name>Ani Karapetyan</name></author>
<content type="html">{escaped}</content></entry></feed>"""
    (tmp_path / "news.atom").write_text(atom, encoding="utf-8")

    report = ingest([tmp_path / "news.atom"], fetch_linked_pages=False)

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "news.atom#https://atom.example/2023/entry")
    assert article["title"] == "Atom entry about the talks"
    assert article["author"] == "Ani Karapetyan"
    assert article["outlet"] == "Atom Wire"
    assert (article["published"], article["published_precision"]) == ("2023-04-01", "day")
    for paragraph in PARAGRAPHS:
        assert paragraph in article["text"]
    assert "<p>" not in article["text"]


def test_rss_summary_item_gets_its_linked_page_fetched(
    tmp_path: Path, ingest: Ingest, store: Store, http_server: LocalServer
) -> None:
    http_server.routes["/2023/03/linked-story"] = Route(html_page().encode())
    link = http_server.url("/2023/03/linked-story")
    item = f"""<item><title>Summary-only item</title><link>{link}</link>
<pubDate>Wed, 15 Mar 2023 09:00:00 GMT</pubDate>
<description>Ministers met in Washington.</description></item>"""
    (tmp_path / "summary.rss").write_text(_rss(item), encoding="utf-8")

    report = ingest([tmp_path / "summary.rss"])

    assert (report.n_new, report.errors) == (1, [])
    assert len(http_server.headers_for("/2023/03/linked-story")) == 1
    article = article_by_source(store, f"summary.rss#{link}")
    assert article["source_format"] == "feed"
    assert article["url"] == link
    # The feed's metadata is kept; the body is the fetched page's, without its furniture.
    assert article["title"] == "Summary-only item"
    assert (article["published"], article["outlet"]) == ("2023-03-15", "Caucasus Wire")
    _assert_clean_body(article["text"])


# --- URLs -----------------------------------------------------------------------------------


def test_url_of_an_html_page(ingest: Ingest, store: Store, http_server: LocalServer) -> None:
    http_server.routes["/world/peace-talks.html"] = Route(html_page(head=JSON_LD_HEAD).encode())
    url = http_server.url("/world/peace-talks.html")

    report = ingest([url])

    assert (report.n_inputs, report.n_new, report.errors) == (1, 1, [])
    article = article_by_source(store, url)
    assert article["source_path"] == url
    assert article["url"] == url
    assert article["source_format"] == "html"
    assert article["published"] == "2023-06-07"
    _assert_clean_body(article["text"])
    (headers,) = http_server.headers_for("/world/peace-talks.html")
    assert "detente" in headers["user-agent"]


def test_url_of_a_feed(ingest: Ingest, store: Store, http_server: LocalServer) -> None:
    item = f"""<item><title>Feed by URL</title><link>https://wire.example/2023/by-url</link>
<pubDate>Thu, 16 Mar 2023 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[{FULL_HTML}]]></content:encoded></item>"""
    # No extension in the path: the Content-Type says it is a feed.
    http_server.routes["/feeds/latest"] = Route(
        _rss(item).encode(), content_type="application/rss+xml; charset=utf-8"
    )
    url = http_server.url("/feeds/latest")

    report = ingest([url])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, f"{url}#https://wire.example/2023/by-url")
    assert article["source_format"] == "feed"
    assert article["title"] == "Feed by URL"
    assert article["published"] == "2023-03-16"
    assert PARAGRAPHS[1] in article["text"]
    assert "detente" in http_server.headers_for("/feeds/latest")[0]["user-agent"]


def test_url_that_redirects(ingest: Ingest, store: Store, http_server: LocalServer) -> None:
    http_server.routes["/short/abc"] = Route(
        status=302, headers={"Location": "/2023/01/05/final-page"}
    )
    http_server.routes["/2023/01/05/final-page"] = Route(html_page().encode())
    url = http_server.url("/short/abc")

    report = ingest([url])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, url)
    assert article["url"] == http_server.url("/2023/01/05/final-page")
    assert (article["published"], article["published_precision"]) == ("2023-01-05", "day")
    _assert_clean_body(article["text"])
    assert [path for path, _ in http_server.requests] == ["/short/abc", "/2023/01/05/final-page"]
    assert all("detente" in h["user-agent"] for _, h in http_server.requests)


# --- globs, directories, compression --------------------------------------------------------


def _tree(root: Path) -> Path:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_text(plain_article("Story A", marker="A."), encoding="utf-8")
    (root / "sub" / "b.txt").write_text(plain_article("Story B", marker="B."), encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text(
        plain_article("Story C", marker="C."), encoding="utf-8"
    )
    (root / ".hidden" / "h.txt").write_text(plain_article("Hidden", marker="H."), encoding="utf-8")
    return root


def test_glob_reads_only_matching_files(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    root = _tree(tmp_path / "corpus")

    report = ingest([f"{root}/*.txt"])

    assert (report.n_inputs, report.n_new, report.errors) == (1, 1, [])
    assert [a["source_path"] for a in all_articles(store)] == [str(root / "a.txt")]


def test_recursive_glob(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    root = _tree(tmp_path / "corpus")

    report = ingest([f"{root}/**/*.txt"])

    assert (report.n_new, report.errors) == (3, [])
    assert sorted(a["title"] for a in all_articles(store)) == ["Story A", "Story B", "Story C"]


def test_directory_is_walked_recursively_skipping_hidden_files(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    root = _tree(tmp_path / "corpus")
    with gzip.open(root / "sub" / "page.html.gz", "wt", encoding="utf-8") as fh:
        fh.write(html_page(head=META_HEAD))
    with gzip.open(root / "sub" / "deeper" / "export.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "Zipped line", "text": BODY, "url": "https://z.example/1"}))

    report = ingest([root])

    assert report.errors == []
    assert report.n_inputs == 5
    by_title = {a["title"]: a for a in all_articles(store)}
    assert sorted(by_title) == [
        "Peace talks resume in Washington",
        "Story A",
        "Story B",
        "Story C",
        "Zipped line",
    ]
    assert by_title["Peace talks resume in Washington"]["source_format"] == "html"
    assert by_title["Zipped line"]["source_format"] == "jsonl"
    assert by_title["Zipped line"]["text"] == BODY
    assert not any(".hidden" in a["source_path"] for a in all_articles(store))


def test_gzip_compressed_jsonl_and_html(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    jsonl = tmp_path / "export.jsonl.gz"
    jsonl.write_bytes(
        gzip.compress("\n".join(json.dumps(_news_please(i)) for i in range(2)).encode("utf-8"))
    )
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(html_page(head=URL_DATE_HEAD).encode("utf-8")))

    report = ingest([jsonl, page])

    assert (report.n_inputs, report.n_new, report.errors) == (2, 3, [])
    assert article_by_source(store, "export.jsonl.gz#L1")["title"] == (
        "Protesters detained in Tbilisi (0)"
    )
    assert article_by_source(store, "export.jsonl.gz#L2")["source_format"] == "jsonl"
    html_article = article_by_source(store, "page.html.gz")
    assert html_article["source_format"] == "html"
    assert html_article["published"] == "2022-11-24"
    _assert_clean_body(html_article["text"])


def test_multi_member_gzip_is_read_to_the_end(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    # What `cat day1.jsonl.gz day2.jsonl.gz > week.jsonl.gz` makes: gzip -d reads both.
    day1 = gzip.compress((json.dumps(_news_please(1)) + "\n").encode())
    day2 = gzip.compress((json.dumps(_news_please(2)) + "\n").encode())
    path = tmp_path / "week.jsonl.gz"
    path.write_bytes(day1 + day2)

    report = ingest([path])

    assert (report.n_new, report.errors) == (2, [])
    assert sorted(a["title"] for a in all_articles(store)) == [
        "Protesters detained in Tbilisi (1)",
        "Protesters detained in Tbilisi (2)",
    ]


# --- idempotence and languages --------------------------------------------------------------


def test_reingesting_the_same_inputs_adds_nothing(
    tmp_path: Path, ingest: Ingest, store: Store
) -> None:
    root = tmp_path / "mixed"
    root.mkdir()
    (root / "scraped.txt").write_text(SCRAPED_TEXT, encoding="utf-8")
    (root / "page.html").write_text(html_page(head=META_HEAD), encoding="utf-8")
    (root / "records.json").write_text(json.dumps([_news_please(i) for i in range(3)]))
    write_warc(
        root / "crawl.warc.gz",
        [
            WarcResponse("https://wire.example/s1", _story(1)),
            WarcResponse("https://wire.example/s2", _story(2)),
        ],
        gzip=True,
    )
    item = f"""<item><title>Feed item</title><link>https://wire.example/feed-item</link>
<content:encoded><![CDATA[{FULL_HTML}]]></content:encoded></item>"""
    (root / "feed.rss").write_text(_rss(item), encoding="utf-8")

    first = ingest([root])
    assert (first.n_new, first.n_known, first.errors) == (8, 0, [])
    count = store.stats()["articles"]
    assert count == 8

    second = ingest([root])

    assert (second.n_new, second.n_known, second.errors) == (0, count, [])
    assert sorted(second.article_ids) == sorted(first.article_ids)
    assert store.stats()["articles"] == count
    assert store.stats()["ingest_runs"] == 2


FRENCH = (
    "Réunion à Paris sur la sécurité régionale\n"
    "Le ministre français des Affaires étrangères a rencontré son homologue arménien à Paris "
    "mercredi pour évoquer la sécurité régionale et les négociations de paix avec "
    "l'Azerbaïdjan, selon un communiqué publié après la réunion.\n"
    "Les deux responsables ont également discuté de la coopération économique et de l'aide "
    "humanitaire destinée aux réfugiés déplacés par le conflit, a précisé le ministère.\n"
)
GERMAN_PARAGRAPHS = [
    "Der deutsche Außenminister hat am Mittwoch in Berlin seinen armenischen Amtskollegen "
    "getroffen, um über die regionale Sicherheit und die Friedensverhandlungen mit "
    "Aserbaidschan zu sprechen, teilte das Ministerium nach dem Treffen am Abend mit.",
    "Beide Seiten erörterten außerdem die wirtschaftliche Zusammenarbeit und die humanitäre "
    "Hilfe für Flüchtlinge, die wegen des Konflikts ihre Häuser verlassen mussten und nun in "
    "Notunterkünften leben.",
    "Ein weiteres Treffen ist für die kommenden Wochen geplant, ein genaues Datum wurde nach "
    "Angaben beider Regierungen jedoch noch nicht festgelegt, hieß es aus diplomatischen "
    "Kreisen in der Hauptstadt.",
]


def test_french_text_is_flagged_non_english(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")

    report = ingest([tmp_path / "fr.txt"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "fr.txt")
    assert article["language"] == "fr"
    assert article["flags"]["non_english"] is True
    assert "sécurité régionale" in article["text"]


def test_german_html_is_flagged_non_english(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    page = html_page(
        title="Gespräche über Sicherheit in Berlin", paragraphs=GERMAN_PARAGRAPHS, lang="de"
    )
    (tmp_path / "de.html").write_text(page, encoding="utf-8")

    report = ingest([tmp_path / "de.html"])

    assert (report.n_new, report.errors) == (1, [])
    article = article_by_source(store, "de.html")
    assert article["language"] == "de"
    assert article["language"] != "en"
    assert article["flags"]["non_english"] is True
    assert "Außenminister" in article["text"]


# --- the CLI over stored articles -----------------------------------------------------------


def test_cli_lists_shows_searches_and_exports_ingested_articles(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    (tmp_path / "lachin.txt").write_text(SCRAPED_TEXT, encoding="utf-8")
    runner = CliRunner()

    result = runner.invoke(app, ["--db", str(db), "ingest", str(tmp_path / "lachin.txt")])
    assert result.exit_code == 0, result.output

    listed = json.loads(runner.invoke(app, ["--db", str(db), "articles", "--json"]).stdout)
    assert [a["title"] for a in listed] == [
        "Armenia and Azerbaijan agree to reopen border crossing"
    ]
    shown = json.loads(
        runner.invoke(app, ["--db", str(db), "show", str(listed[0]["id"]), "--json"]).stdout
    )
    assert shown["author"] == "Anna Petrosyan"
    assert shown["published"] == "2023-03-12"
    found = json.loads(runner.invoke(app, ["--db", str(db), "search", "Lachin", "--json"]).stdout)
    assert [f["id"] for f in found] == [listed[0]["id"]]
    out = tmp_path / "articles.jsonl"
    result = runner.invoke(
        app, ["--db", str(db), "export", "articles", "--format", "jsonl", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in rows] == [listed[0]["title"]]
    assert rows[0]["captions"] == shown["captions"]
    stats = json.loads(runner.invoke(app, ["--db", str(db), "stats", "--json"]).stdout)
    assert (stats["articles"], stats["ingest_errors"]) == (1, 0)


def test_warc_gzipped_as_one_whole_file(tmp_path: Path, ingest: Ingest, store: Store) -> None:
    # `gzip crawl.warc` makes one gzip member for the whole file, which warcio cannot read.
    import gzip as gzip_module

    plain = write_warc(
        tmp_path / "crawl.warc",
        [
            WarcResponse("https://wire.example/first-story", _story(1)),
            WarcResponse("https://wire.example/second-story", _story(2)),
        ],
        gzip=False,
    )
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip_module.compress(plain.read_bytes()))
    plain.unlink()

    report = ingest([whole])

    assert report.errors == []
    assert report.n_new == 2
    assert sorted(a["url"] for a in all_articles(store)) == [
        "https://wire.example/first-story",
        "https://wire.example/second-story",
    ]
