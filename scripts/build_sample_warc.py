"""Build src/detente/data/sample_corpus/warc/sample.warc.gz from scripts/sample_warc_pages/.

The HTML pages live outside the sample corpus so that ingesting the whole corpus folder
does not read them twice (once as files, once from the archive). ``urls.csv`` beside them
gives each page's target URL and capture time.

The archive holds, in order:

- a ``warcinfo`` record;
- for each page, a ``request`` record and an HTTP 200 ``response`` record
  (``Content-Type: text/html; charset=utf-8``);
- a ``robots.txt`` response (``text/plain``) and a PNG image response: HTTP 200 but not
  HTML, so an ingester must skip them;
- a 404 response with an HTML error page, which an ingester must skip as well.

The output is byte-for-byte reproducible: record ids are derived from the URLs and dates
come from ``urls.csv``, not the clock. Run: ``python scripts/build_sample_warc.py``.
"""

from __future__ import annotations

import csv
import io
import struct
import sys
import uuid
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
PAGES = Path(__file__).resolve().parent / "sample_warc_pages"
OUT = ROOT / "src" / "detente" / "data" / "sample_corpus" / "warc" / "sample.warc.gz"

USER_AGENT = "detente-sample-crawler/1.0 (+https://detente.example/crawler)"
NAMESPACE = uuid.UUID("6f1c1f9e-3d0a-4c53-9a44-2a8f3f4b9e10")

ROBOTS_URL = "https://www.eurasia-wire.example/robots.txt"
ROBOTS_DATE = "2022-02-24T15:01:58Z"
ROBOTS_TXT = (
    b"User-agent: *\nDisallow: /search\nDisallow: /comments\n\n"
    b"Sitemap: https://www.eurasia-wire.example/sitemap.xml\n"
)

IMAGE_URL = "https://blacksea-monitor.example/static/img/razoni-leaves-odesa.png"
IMAGE_DATE = "2022-08-01T18:41:03Z"

MISSING_URL = "https://www.caspian-times.example/region/karabakh-talks-live-updates"
MISSING_DATE = "2023-09-22T06:16:12Z"
MISSING_HTML = (
    b'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    b"<title>Page not found - Caspian Times</title></head>\n<body><h1>Page not found</h1>\n"
    b"<p>The page you are looking for has been moved or no longer exists.</p>\n"
    b'<p><a href="/">Back to the front page</a></p></body></html>\n'
)


def record_id(kind: str, url: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(NAMESPACE, kind + ' ' + url)}>"


def tiny_png() -> bytes:
    """A valid 1x1 grey PNG, built here so the script needs no binary file."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def host_of(url: str) -> str:
    return url.split("/")[2]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"


def write_exchange(
    writer: WARCWriter,
    url: str,
    date: str,
    status: str,
    content_type: str,
    payload: bytes,
) -> None:
    """A request record and the response record that answers it."""
    request_headers = StatusAndHeaders(
        f"GET {path_of(url)} HTTP/1.1",
        [
            ("Host", host_of(url)),
            ("User-Agent", USER_AGENT),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Language", "en"),
        ],
        is_http_request=True,
    )
    request = writer.create_warc_record(
        url,
        "request",
        payload=io.BytesIO(b""),
        http_headers=request_headers,
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Record-ID": record_id("request", url),
        },
    )
    response_headers = StatusAndHeaders(
        status,
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(payload))),
            ("Server", "nginx"),
            ("Cache-Control", "max-age=300"),
        ],
        protocol="HTTP/1.1",
    )
    response = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(payload),
        length=len(payload),
        http_headers=response_headers,
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Record-ID": record_id("response", url),
            "WARC-Concurrent-To": record_id("request", url),
        },
    )
    writer.write_record(request)
    writer.write_record(response)


def read_pages() -> list[tuple[Path, str, str]]:
    with (PAGES / "urls.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    pages = []
    for row in rows:
        path = PAGES / row["file"]
        if not path.is_file():
            sys.exit(f"missing page {path}")
        pages.append((path, row["url"], row["warc_date"]))
    return pages


def build(out: Path = OUT) -> int:
    pages = read_pages()
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")

    info = writer.create_warcinfo_record(
        "sample.warc.gz",
        {
            "software": "detente scripts/build_sample_warc.py (warcio)",
            "format": "WARC File Format 1.1",
            "description": "Sample crawl of fictional news sites for the detente sample corpus",
            "isPartOf": "detente-sample-corpus",
            "robots": "obey",
            "http-header-user-agent": USER_AGENT,
        },
    )
    info.rec_headers.replace_header("WARC-Date", "2022-02-24T15:01:50Z")
    info.rec_headers.replace_header("WARC-Record-ID", record_id("warcinfo", "sample.warc.gz"))
    writer.write_record(info)

    write_exchange(writer, ROBOTS_URL, ROBOTS_DATE, "200 OK", "text/plain", ROBOTS_TXT)
    for path, url, date in pages:
        write_exchange(writer, url, date, "200 OK", "text/html; charset=utf-8", path.read_bytes())
        if "blacksea-monitor" in url:
            write_exchange(writer, IMAGE_URL, IMAGE_DATE, "200 OK", "image/png", tiny_png())
    write_exchange(
        writer,
        MISSING_URL,
        MISSING_DATE,
        "404 Not Found",
        "text/html; charset=utf-8",
        MISSING_HTML,
    )
    out.write_bytes(buffer.getvalue())
    return len(pages)


def main() -> None:
    n = build()
    print(f"wrote {OUT.relative_to(ROOT)}: warcinfo, robots.txt, {n} pages, 1 image, 1 404")


if __name__ == "__main__":
    main()
