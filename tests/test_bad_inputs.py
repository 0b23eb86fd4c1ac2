"""Bad inputs: each gets a clear, stored error and the rest of the batch goes on.

Every test ingests the bad input together with a good article, into a store that already
holds an article from an earlier run, and checks (a) the error names the input and says
why, (b) it is recorded in ``ingest_errors``, (c) the good article is stored, (d) the
database is intact and the earlier article untouched.
"""

from __future__ import annotations

import gzip
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import (
    PARAGRAPHS,
    LocalServer,
    Route,
    WarcResponse,
    all_articles,
    article_by_source,
    html_page,
    integrity_ok,
    plain_article,
    write_warc,
)
from detente.cli import app
from detente.model import IngestError
from detente.pipeline import IngestReport
from detente.store import Store

Ingest = Callable[..., IngestReport]


@pytest.fixture
def earlier(ingest: Ingest, store: Store, tmp_path_factory: pytest.TempPathFactory) -> int:
    """An article stored by an earlier run; bad inputs later must leave it as it was."""
    path = tmp_path_factory.mktemp("earlier") / "earlier.txt"
    path.write_text(plain_article("Earlier story", marker="Stored before."), encoding="utf-8")
    report = ingest([path])
    assert (report.n_new, report.errors) == (1, [])
    return report.article_ids[0]


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    return folder


@pytest.fixture
def check(store: Store, earlier: int, good_txt: Path) -> Callable[..., IngestError]:
    """Assert (a)-(d) for one bad input; returns its error."""
    before = store.article(earlier)
    assert before is not None

    def run(report: IngestReport, bad: str | Path, *fragments: str) -> IngestError:
        bad = str(bad)
        # (a) a clear error naming the input, with the reason.
        mine = [e for e in report.errors if e.input == bad or e.input.startswith(bad + "#")]
        assert mine, f"no error for {bad}: {report.errors}"
        error = mine[0]
        for fragment in fragments:
            assert fragment.lower() in error.reason.lower(), (fragment, error.reason)
        # (b) recorded in the store.
        recorded = store.errors(report.run_id)
        assert {"input": error.input, "reason": error.reason} in [
            {"input": r["input"], "reason": r["reason"]} for r in recorded
        ]
        assert len(recorded) == len(report.errors)
        # (c) the good batch-mate is stored.
        good = article_by_source(store, str(good_txt))
        assert good["title"] == "Peace talks continue in Washington"
        assert good["id"] in report.article_ids
        # (d) the database is intact; the earlier article is still there, unchanged.
        assert integrity_ok(store.path)
        assert store.article(earlier) == before
        return error

    return run


# --- files ----------------------------------------------------------------------------------


def test_empty_file(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "empty.txt"
    bad.write_bytes(b"")

    report = ingest([bad, good_txt])

    check(report, bad, "empty file")
    assert report.n_new == 1


def test_whitespace_only_file(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "blank.txt"
    bad.write_text("  \n\n\t \n", encoding="utf-8")

    report = ingest([bad, good_txt])

    check(report, bad, "no text")


def test_binary_file_with_txt_extension(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    bad = inputs / "photo.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)

    report = ingest([bad, good_txt])

    check(report, bad, "binary content")
    assert report.n_new == 1


def test_invalid_utf8(
    inputs: Path, good_txt: Path, ingest: Ingest, store: Store, check: Any
) -> None:
    # A UTF-8 article with one damaged byte: guessing a legacy encoding would turn every
    # accented letter into mojibake, so the input is refused with the position.
    text = "Réunion à Paris sur la sécurité\n" + "Le ministre français a rencontré " * 10
    data = text.encode("utf-8")
    bad = inputs / "damaged.txt"
    bad.write_bytes(data[:40] + b"\xff" + data[40:])

    report = ingest([bad, good_txt])

    error = check(report, bad, "invalid UTF-8", "byte 40")
    assert "otherwise UTF-8" in error.reason
    assert [a["source_path"] for a in all_articles(store) if "damaged" in a["source_path"]] == []


FRENCH = (
    "Réunion à Paris sur la sécurité régionale\n"
    "Le ministre français des Affaires étrangères a rencontré son homologue arménien à Paris "
    "mercredi pour évoquer la sécurité régionale et les négociations de paix, selon un "
    "communiqué publié après la réunion.\n"
    "L'accord « historique » coûterait 5 € par habitant, ont précisé les élèves de l'école.\n"
)
RUSSIAN = (
    "Переговоры в Москве о безопасности\n"
    "Министр иностранных дел России встретился в среду в Москве со своим армянским коллегой, "
    "чтобы обсудить вопросы региональной безопасности и мирные переговоры с Азербайджаном, "
    "сообщило министерство после встречи.\n"
    "Стороны также обсудили экономическое сотрудничество и гуманитарную помощь беженцам.\n"
)
GERMAN = (
    "Gespräche über Sicherheit in Berlin\n"
    "Der deutsche Außenminister hat am Mittwoch in Berlin seinen armenischen Amtskollegen "
    "getroffen, um über die regionale Sicherheit und die Friedensverhandlungen zu sprechen, "
    "teilte das Ministerium nach dem Treffen mit.\n"
    "Beide Seiten erörterten außerdem die humanitäre Hilfe für Flüchtlinge.\n"
)


@pytest.mark.parametrize(
    ("name", "text", "encoding", "words", "language"),
    [
        ("cp1252.txt", FRENCH, "cp1252", ["sécurité", "étrangères", "« historique »", "5 €"], "fr"),
        ("koi8r.txt", RUSSIAN, "koi8-r", ["Министр", "безопасности", "Азербайджаном"], "ru"),
        ("utf16.txt", GERMAN, "utf-16", ["Außenminister", "erörterten", "Flüchtlinge"], "de"),
    ],
)
def test_legacy_and_utf16_encodings_are_decoded(
    inputs: Path,
    good_txt: Path,
    ingest: Ingest,
    store: Store,
    earlier: int,
    name: str,
    text: str,
    encoding: str,
    words: list[str],
    language: str,
) -> None:
    path = inputs / name
    data = text.encode(encoding)
    if encoding == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")  # Python writes the byte-order mark
    path.write_bytes(data)

    report = ingest([path, good_txt])

    assert (report.n_new, report.errors) == (2, [])
    article = article_by_source(store, name)
    assert article["title"] == text.splitlines()[0]
    for word in words:
        assert word in article["text"], word
    assert article["language"] == language
    assert article["flags"]["non_english"] is True
    assert article["flags"]["encoding"].replace("_", "-") == encoding
    assert store.article(earlier) is not None


def test_truncated_gzip(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    payload = "\n".join(
        json.dumps({"title": f"T{i}", "text": " ".join(PARAGRAPHS)}) for i in range(20)
    ).encode()
    compressed = gzip.compress(payload)
    bad = inputs / "cut.jsonl.gz"
    bad.write_bytes(compressed[: len(compressed) // 2])

    report = ingest([bad, good_txt])

    check(report, bad, "truncated gzip")
    assert report.n_new == 1  # nothing from the cut file


def test_corrupt_gzip(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    compressed = bytearray(gzip.compress(html_page().encode()))
    compressed[20:40] = b"\xff" * 20
    bad = inputs / "page.html.gz"
    bad.write_bytes(bytes(compressed))
    not_gzip = inputs / "plain.html.gz"
    not_gzip.write_text(html_page(), encoding="utf-8")

    report = ingest([bad, not_gzip, good_txt])

    check(report, bad, "corrupt gzip")
    check(report, not_gzip, "corrupt gzip", "incorrect header check")
    assert report.n_new == 1


def test_gzip_with_trailing_garbage(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    bad = inputs / "padded.jsonl.gz"
    bad.write_bytes(
        gzip.compress(json.dumps({"title": "T", "text": PARAGRAPHS[0]}).encode()) + b"GARBAGE!"
    )

    report = ingest([bad, good_txt])

    check(report, bad, "corrupt gzip data", "8 unexpected bytes after the compressed data")


def _stories(n: int) -> list[WarcResponse]:
    return [
        WarcResponse(
            f"https://wire.example/story-{i}",
            html_page(
                title=f"Story {i} of the crawl", paragraphs=[f"{p} Crawl {i}." for p in PARAGRAPHS]
            ).encode(),
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("name", ["cut.warc.gz", "cut.warc"])
def test_truncated_warc_keeps_records_before_the_cut(
    inputs: Path, good_txt: Path, ingest: Ingest, store: Store, check: Any, name: str
) -> None:
    whole = write_warc(inputs / ("whole-" + name), _stories(6), gzip=name.endswith(".gz"))
    data = whole.read_bytes()
    whole.unlink()
    bad = inputs / name
    bad.write_bytes(data[: len(data) // 2])

    report = ingest([bad, good_txt])

    error = check(report, bad, "truncated or corrupt WARC")
    kept = [a for a in all_articles(store) if a["source_format"] == "warc"]
    # About half the crawl survives, each record whole; the error says how many were kept.
    assert 1 <= len(kept) < 6
    assert f"({len(kept)} articles kept)" in error.reason
    assert sorted(a["url"] for a in kept) == [
        f"https://wire.example/story-{i}" for i in range(len(kept))
    ]
    for article in kept:
        n = article["url"].rsplit("-", 1)[1]
        assert f"{PARAGRAPHS[-1]} Crawl {n}." in article["text"]


def test_garbage_warc(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "junk.warc"
    bad.write_bytes(b"this is not a web archive, just a few lines of text\n" * 40)
    random_gz = inputs / "junk.warc.gz"
    random_gz.write_bytes(os.urandom(4096))

    report = ingest([bad, random_gz, good_txt])

    check(report, bad, "corrupt WARC", "not a WARC record")
    check(report, random_gz, "corrupt WARC")
    assert report.n_new == 1


def test_enormous_file_is_refused(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "huge.txt"
    bad.write_text(plain_article("Huge") * 40, encoding="utf-8")
    size = bad.stat().st_size
    assert good_txt.stat().st_size < 2_000 < size

    report = ingest([bad, good_txt], max_input_bytes=2_000)

    error = check(report, bad, "file too large", "limit 2,000", "DETENTE_MAX_INPUT_BYTES")
    assert f"{size:,} bytes" in error.reason


def test_html_nested_5000_levels(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "deep.html"
    bad.write_text(
        "<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>",
        encoding="utf-8",
    )

    report = ingest([bad, good_txt])

    check(report, bad, "HTML nested deeper than 400 levels")


def test_html_nested_5000_levels_without_the_depth_guard(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    # With the cheap guard lifted the parsers meet the nesting themselves: still one error
    # for that input, no RecursionError out of ingest.
    bad = inputs / "deep.html"
    bad.write_text(
        "<html><body>" + "<div><span>" * 2500 + "deep" + "</body></html>", encoding="utf-8"
    )

    report = ingest([bad, good_txt], max_html_depth=1_000_000)

    check(report, bad)
    assert report.n_new == 1


def test_json_nested_too_deeply(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "deep.json"
    bad.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")

    report = ingest([bad, good_txt])

    check(report, bad, "nested too deeply")


def test_compression_bomb(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "bomb.jsonl.gz"
    bad.write_bytes(gzip.compress(b" " * 50_000_000, compresslevel=1))
    assert bad.stat().st_size < 1_000_000

    report = ingest([bad, good_txt], max_decompressed_bytes=1_000_000)

    check(report, bad, "decompressed size exceeds 1,000,000 bytes", "compression bomb")


def test_unreadable_file_permission_error(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = inputs / "secret.txt"
    bad.write_text(plain_article("Secret"), encoding="utf-8")
    real_open = Path.open

    def guarded_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded_open)

    report = ingest([bad, good_txt])

    check(report, bad, "permission denied")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files")
def test_unreadable_file_chmod_000(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    bad = inputs / "locked.txt"
    bad.write_text(plain_article("Locked"), encoding="utf-8")
    bad.chmod(0)
    try:
        report = ingest([bad, good_txt])
    finally:
        bad.chmod(0o644)

    check(report, bad, "permission denied")


def test_symlink_to_its_own_directory(
    inputs: Path, good_txt: Path, ingest: Ingest, store: Store, check: Any
) -> None:
    folder = inputs / "loop"
    folder.mkdir()
    (folder / "inside.txt").write_text(plain_article("Inside", marker="In."), encoding="utf-8")
    (folder / "self").symlink_to(".", target_is_directory=True)
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)

    report = ingest([folder, good_txt])

    check(report, folder / "self", "symbolic link loop")
    check(report, folder / "sub" / "up", "symbolic link loop")
    assert len(report.errors) == 2
    # The file inside is read once, not once per way round the loop.
    assert [a["title"] for a in all_articles(store)].count("Inside") == 1


def test_symlinks_pointing_at_each_other(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    folder = inputs / "pair"
    folder.mkdir()
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")

    walked = ingest([folder, good_txt])
    check(walked, folder / "a.txt", "symbolic link loop")
    check(walked, folder / "b.txt", "symbolic link loop")

    named = ingest([folder / "a.txt", good_txt])
    check(named, folder / "a.txt", "symbolic link loop")


def test_broken_symlink(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    folder = inputs / "links"
    folder.mkdir()
    dead = folder / "gone.txt"
    dead.symlink_to(inputs / "does-not-exist.txt")

    named = ingest([dead, good_txt])
    check(named, dead, "broken symbolic link")

    walked = ingest([folder, good_txt])
    check(walked, dead, "broken symbolic link")


def test_missing_file_and_unmatched_glob(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    missing = inputs / "nope.txt"
    pattern = f"{inputs}/*.nothing"

    report = ingest([missing, pattern, good_txt])

    check(report, missing, "no such file")
    check(report, pattern, "no file matches")


def test_unknown_extension_named_explicitly_is_an_error(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    bad = inputs / "report.docx"
    bad.write_bytes(b"PK\x03\x04 a word document")

    report = ingest([bad, good_txt])

    error = check(report, bad, "unknown extension '.docx'", "supported:")
    assert ".txt" in error.reason and ".warc.gz" in error.reason


def test_unknown_extension_in_a_directory_walk_is_skipped(
    inputs: Path, ingest: Ingest, store: Store, earlier: int
) -> None:
    (inputs / "story.txt").write_text(plain_article("Walked story"), encoding="utf-8")
    (inputs / "report.docx").write_bytes(b"PK\x03\x04 a word document")
    (inputs / "README.md").write_text("# notes\n", encoding="utf-8")
    (inputs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    report = ingest([inputs])

    assert report.errors == []
    assert sorted(report.skipped) == sorted(
        str(inputs / n) for n in ("README.md", "logo.png", "report.docx")
    )
    assert [a["title"] for a in all_articles(store) if a["id"] != earlier] == ["Walked story"]
    assert store.errors(report.run_id) == []


# --- URLs -----------------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_url(good_txt: Path, ingest: Ingest, check: Any) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/news/story.html"

    report = ingest([url, good_txt])

    check(report, url, "unreachable", "ConnectError")


def test_url_returning_404(
    good_txt: Path, ingest: Ingest, check: Any, http_server: LocalServer
) -> None:
    url = http_server.url("/news/removed.html")

    report = ingest([url, good_txt])

    check(report, url, "HTTP 404 Not Found")
    assert [p for p, _ in http_server.requests] == ["/news/removed.html"]


def test_url_that_times_out(
    good_txt: Path, ingest: Ingest, check: Any, http_server: LocalServer
) -> None:
    http_server.routes["/slow.html"] = Route(html_page().encode(), delay=10)
    url = http_server.url("/slow.html")

    report = ingest([url, good_txt], fetch_timeout=0.3)

    check(report, url, "timed out after 0.3s")


def test_redirect_loop(
    good_txt: Path, ingest: Ingest, check: Any, http_server: LocalServer
) -> None:
    http_server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    http_server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    url = http_server.url("/a")

    report = ingest([url, good_txt], fetch_max_redirects=3)

    check(report, url, "too many redirects")
    assert len(http_server.requests) == 4  # the first request and three redirects


def test_response_too_large(
    good_txt: Path, ingest: Ingest, check: Any, http_server: LocalServer
) -> None:
    http_server.routes["/big.html"] = Route(html_page().encode() * 10)
    url = http_server.url("/big.html")

    report = ingest([url, good_txt], max_input_bytes=5_000)

    check(report, url, "response too large")


def test_feed_item_whose_linked_page_fails(
    inputs: Path,
    good_txt: Path,
    ingest: Ingest,
    store: Store,
    check: Any,
    http_server: LocalServer,
) -> None:
    link = http_server.url("/gone-story")
    feed = inputs / "feed.rss"
    feed.write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
<item><title>Teaser item</title><link>{link}</link>
<description>Ministers met in Washington for talks.</description></item>
</channel></rss>""",
        encoding="utf-8",
    )

    report = ingest([feed, good_txt])

    error = check(report, link, "linked page: HTTP 404")
    assert error.input == link
    # The item is still kept with the summary it carried.
    teaser = article_by_source(store, f"feed.rss#{link}")
    assert teaser["text"] == "Ministers met in Washington for talks."


# --- JSON -----------------------------------------------------------------------------------


def test_invalid_json(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "broken.json"
    bad.write_text('{"title": "Half a record", "maintext": ', encoding="utf-8")

    report = ingest([bad, good_txt])

    check(report, bad, "invalid JSON", "line 1 column")


def test_json_record_without_text(inputs: Path, good_txt: Path, ingest: Ingest, check: Any) -> None:
    bad = inputs / "notext.json"
    bad.write_text(
        json.dumps({"title": "Only a title", "url": "https://x.example/a", "date": "2023-01-01"}),
        encoding="utf-8",
    )

    report = ingest([bad, good_txt])

    error = check(report, bad, "record has no article text", "maintext")
    assert error.input == str(bad)


def test_json_list_with_one_record_without_text(
    inputs: Path, good_txt: Path, ingest: Ingest, store: Store, check: Any
) -> None:
    bad = inputs / "mixed.json"
    bad.write_text(
        json.dumps(
            [
                {"title": "Has text", "maintext": " ".join(PARAGRAPHS)},
                {"title": "Only a title"},
                "not an object",
            ]
        ),
        encoding="utf-8",
    )

    report = ingest([bad, good_txt])

    error = check(report, bad, "record has no article text")
    assert error.input == f"{bad}#2"
    assert [(e.input, e.reason) for e in report.errors][1] == (
        f"{bad}#3",
        "record is a JSON str, not an object",
    )
    assert article_by_source(store, "mixed.json#1")["title"] == "Has text"


# --- the CLI --------------------------------------------------------------------------------


def test_cli_exit_status_and_error_lines(tmp_path: Path, good_txt: Path) -> None:
    db = tmp_path / "cli.db"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    runner = CliRunner()

    failed = runner.invoke(app, ["--db", str(db), "ingest", str(empty), str(good_txt), str(binary)])

    assert failed.exit_code == 1
    assert failed.stderr.splitlines() == [
        f"error: {empty}: empty file",
        f"error: {binary}: binary content (NUL bytes) in a text input",
    ]
    summary = " ".join(failed.stdout.split())
    assert "3 inputs, 1 documents: 1 new articles, 0 already stored, 2 errors" in summary

    ok = runner.invoke(app, ["--db", str(db), "ingest", str(good_txt)])

    assert ok.exit_code == 0
    assert ok.stderr == ""
    assert "0 new articles, 1 already stored, 0 errors" in " ".join(ok.stdout.split())

    as_json = runner.invoke(app, ["--db", str(db), "ingest", "--json", str(empty)])
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["errors"] == 1

    recorded = json.loads(runner.invoke(app, ["--db", str(db), "errors", "--json"]).stdout)
    assert sorted((r["input"], r["reason"]) for r in recorded) == sorted(
        [
            (str(empty), "empty file"),
            (str(binary), "binary content (NUL bytes) in a text input"),
            (str(empty), "empty file"),
        ]
    )
    stats = json.loads(runner.invoke(app, ["--db", str(db), "stats", "--json"]).stdout)
    assert (stats["articles"], stats["ingest_runs"], stats["ingest_errors"]) == (1, 3, 3)


def test_cli_reports_a_timeout_and_keeps_going(
    tmp_path: Path, good_txt: Path, http_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.routes["/slow"] = Route(html_page().encode(), delay=10)
    url = http_server.url("/slow")
    monkeypatch.setenv("DETENTE_FETCH_TIMEOUT", "0.3")
    runner = CliRunner()

    result = runner.invoke(app, ["--db", str(tmp_path / "c.db"), "ingest", url, str(good_txt)])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"error: {url}: timed out after 0.3s"]
    assert "1 new articles" in " ".join(result.stdout.split())


def test_fifo_named_explicitly_is_refused_not_read(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any
) -> None:
    # Opening a FIFO with no writer would block the whole batch for ever.
    fifo = inputs / "pipe.txt"
    os.mkfifo(fifo)

    report = ingest([fifo, good_txt])

    check(report, fifo, "not a regular file")


@pytest.mark.parametrize("content", ["[]", '{"articles": []}', "\n\n  \n"])
def test_json_without_any_record(
    inputs: Path, good_txt: Path, ingest: Ingest, check: Any, content: str
) -> None:
    name = "blank.jsonl" if not content.strip() else "empty.json"
    bad = inputs / name
    bad.write_text(content, encoding="utf-8")

    report = ingest([bad, good_txt])

    check(report, bad, "no ")
