"""Parsing inputs into raw documents: text, HTML, crawler JSON/JSONL, WARC and feeds.

Pure functions over bytes already read (see ``sources`` for reading and fetching).
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from charset_normalizer import from_bytes

from .model import Blob, DocumentMeta, IngestError, RawDocument
from .settings import Settings
from .sources import gunzip_capped

TEXT_EXTENSIONS = (".txt", ".text")
HTML_EXTENSIONS = (".html", ".htm", ".xhtml", ".shtml")
JSON_EXTENSIONS = (".json",)
JSONL_EXTENSIONS = (".jsonl", ".ndjson", ".jsonlines")
WARC_EXTENSIONS = (".warc", ".warc.gz")
FEED_EXTENSIONS = (".rss", ".atom", ".xml", ".rdf")
SUPPORTED = (
    TEXT_EXTENSIONS
    + HTML_EXTENSIONS
    + JSON_EXTENSIONS
    + JSONL_EXTENSIONS
    + WARC_EXTENSIONS
    + FEED_EXTENSIONS
)

Result = tuple[list[RawDocument], list[IngestError]]


class InputProblem(Exception):
    """A problem with one input that the user must be told about."""


def supported_name(name: str) -> bool:
    """Whether a file name has an extension detente reads (``.gz`` variants included)."""
    name = name.lower().removesuffix(".gz") if not name.endswith(".warc.gz") else name
    return name.endswith(SUPPORTED)


def detect_format(blob: Blob) -> str | None:
    name = blob.name
    for exts, fmt in (
        (WARC_EXTENSIONS, "warc"),
        (HTML_EXTENSIONS, "html"),
        (JSONL_EXTENSIONS, "jsonl"),
        (JSON_EXTENSIONS, "json"),
        (FEED_EXTENSIONS, "feed"),
        (TEXT_EXTENSIONS, "text"),
    ):
        if name.endswith(exts):
            return fmt
    ctype = blob.content_type or ""
    if "html" in ctype:
        return "html"
    if "rss" in ctype or "atom" in ctype or ctype.endswith("/xml"):
        return "feed"
    if "json" in ctype:
        return "json"
    if ctype.startswith("text/plain"):
        return "text"
    return None


def parse_blob(blob: Blob, settings: Settings) -> Result:
    fmt = detect_format(blob)
    if fmt is None:
        ext = "." + blob.name.rsplit(".", 1)[-1] if "." in blob.name else "(none)"
        return [], [
            IngestError(
                blob.source,
                f"unknown extension {ext!r} (supported: {', '.join(SUPPORTED)})",
            )
        ]
    parser: Callable[[Blob, Settings], Result] = PARSERS[fmt]
    try:
        return parser(blob, settings)
    except InputProblem as exc:
        return [], [IngestError(blob.source, str(exc))]
    except RecursionError:
        return [], [IngestError(blob.source, "input nested too deeply to parse")]


# --- decoding ------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of unknown encoding; refuse binary data.

    Order: byte-order mark, strict UTF-8, a declared charset, then charset detection.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data.decode(encoding)), encoding
            except UnicodeDecodeError as exc:
                raise InputProblem(f"invalid {encoding} after byte-order mark: {exc}") from exc
    if b"\x00" in data[:4096]:
        raise InputProblem("binary content (NUL bytes) in a text input")
    try:
        return _check_text(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if declared:
        try:
            return _check_text(data.decode(declared)), declared
        except (UnicodeDecodeError, LookupError):
            pass
    if _mostly_utf8(data):
        # UTF-8 with damaged bytes: a legacy-encoding guess would turn every accented
        # letter of the text into mojibake, so say what is wrong instead.
        raise InputProblem(
            f"invalid UTF-8 at byte {utf8_error.start:,} ({utf8_error.reason}) "
            "in text that is otherwise UTF-8"
        )
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise InputProblem("not valid UTF-8 and no other text encoding fits (binary file?)")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputProblem(f"undecodable text (guessed {best.encoding}): {exc}") from exc
    return _check_text(text), best.encoding


_UTF8_SAMPLE = 1_000_000
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_ESCAPED_BYTES_AT_END = re.compile("[\udc80-\udcff]{1,3}$")
_NON_ASCII = re.compile("[^\x00-\x7f]")


def _mostly_utf8(data: bytes) -> bool:
    """Whether non-ASCII bytes are mostly valid UTF-8 sequences (a few damaged ones aside).

    Text in a legacy 8-bit encoding (cp1252, koi8-r, ...) forms valid multi-byte UTF-8
    sequences only by rare coincidence, so it fails this test.
    """
    text = data[:_UTF8_SAMPLE].decode("utf-8", errors="surrogateescape")
    if len(data) > _UTF8_SAMPLE:
        text = _ESCAPED_BYTES_AT_END.sub("", text)  # a character cut by the sample's end
    bad = len(_ESCAPED_BYTE.findall(text))
    good = len(_NON_ASCII.findall(text)) - bad
    return good > 0 and good >= 2 * bad


def _check_text(text: str) -> str:
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputProblem("binary content (control characters) in a text input")
    if not text.strip():
        raise InputProblem("no text (file holds only white space)")
    return text


def _declared_charset(data: bytes) -> str | None:
    m = re.search(rb"""<meta[^>]+charset=["']?([\w-]+)""", data[:4096], re.I)
    if m is None:
        m = re.search(rb"""encoding=["']([\w-]+)["']""", data[:200])
    return m.group(1).decode("ascii", "replace") if m else None


# --- plain text ---------------------------------------------------------------------------


def parse_text(blob: Blob, settings: Settings) -> Result:
    text, encoding = decode_text(blob.data)
    meta = (blob.hints or DocumentMeta()).merged_over(DocumentMeta(url=blob.url))
    return [
        RawDocument(
            source=blob.source, format="text", raw=text, text=text, meta=meta, encoding=encoding
        )
    ], []


# --- HTML ---------------------------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "p",
        "li",
        "dt",
        "dd",
        "tr",
        "td",
        "th",
        "option",
    ]
)


def html_depth_exceeds(html: str, limit: int) -> bool:
    """Cheap nesting check before handing markup to parsers that recurse.

    Elements whose end tag is optional count as void, so sloppy markup is not penalised.
    """
    depth = 0
    for m in _TAG.finditer(html):
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in _VOID or selfclose:
            continue
        if closing:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > limit:
                return True
    return False


def parse_html(blob: Blob, settings: Settings) -> Result:
    html, encoding = decode_text(blob.data, _declared_charset(blob.data))
    if html_depth_exceeds(html, settings.max_html_depth):
        raise InputProblem(f"HTML nested deeper than {settings.max_html_depth} levels")
    meta = (blob.hints or DocumentMeta()).merged_over(DocumentMeta(url=blob.url))
    return [
        RawDocument(
            source=blob.source, format="html", raw=html, html=html, meta=meta, encoding=encoding
        )
    ], []


# --- crawler exports (news-please and friends) ------------------------------------------

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "title_page", "title_rss", "name"),
    "text": ("maintext", "text", "body", "content", "article", "article_text", "full_text"),
    "html": ("html", "raw_html", "content_html"),
    "summary": ("description", "summary", "abstract", "lead"),
    "published": (
        "date_publish",
        "published",
        "published_at",
        "publish_date",
        "date_published",
        "datePublished",
        "pubDate",
        "pub_date",
        "date",
        "publication_date",
    ),
    "url": ("url", "link", "canonical_url", "source_url", "href", "uri"),
    "outlet": (
        "source_domain",
        "domain",
        "outlet",
        "site_name",
        "source",
        "publisher",
        "source_name",
    ),
    "language": ("language", "lang", "language_code"),
    "author": ("authors", "author", "byline", "creator"),
    "retrieved": ("date_download", "date_crawled", "crawled_at", "retrieved", "fetched_at"),
}


def _field(record: dict[str, Any], name: str) -> str | None:
    for key in FIELD_ALIASES[name]:
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name") or value.get("url")
        if isinstance(value, list):
            value = ", ".join(str(v.get("name") if isinstance(v, dict) else v) for v in value if v)
        if value not in (None, ""):
            return str(value).strip()
    return None


def record_to_document(
    record: Any, source: str, fmt: str, hints: DocumentMeta | None
) -> RawDocument | IngestError:
    if not isinstance(record, dict):
        return IngestError(source, f"record is a JSON {type(record).__name__}, not an object")
    text = _field(record, "text")
    html = _field(record, "html") if text is None else None
    if text is None and html is None:
        text = _field(record, "summary")
    if text is None and html is None:
        return IngestError(
            source,
            "record has no article text (looked for "
            + ", ".join(FIELD_ALIASES["text"] + FIELD_ALIASES["html"])
            + ")",
        )
    meta = DocumentMeta(
        title=_field(record, "title"),
        url=_field(record, "url"),
        outlet=_field(record, "outlet"),
        author=_field(record, "author"),
        published=_field(record, "published"),
        language=_field(record, "language"),
        retrieved=_field(record, "retrieved"),
    ).merged_over(hints)
    raw = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return RawDocument(source=source, format=fmt, raw=raw, text=text, html=html, meta=meta)


def _records_in(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        for key in ("articles", "items", "data", "results", "records"):
            if isinstance(value.get(key), list):
                return list(value[key])
        return [value]
    raise InputProblem(f"top-level JSON {type(value).__name__} holds no article object")


def parse_json(blob: Blob, settings: Settings) -> Result:
    text, _ = decode_text(blob.data)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputProblem(f"invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InputProblem("JSON nested too deeply") from exc
    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    records = _records_in(value)
    if not records:
        raise InputProblem("JSON holds no article records (an empty list or object)")
    for i, record in enumerate(records):
        source = blob.source if len(records) == 1 else f"{blob.source}#{i + 1}"
        result = record_to_document(record, source, "json", blob.hints)
        (errors if isinstance(result, IngestError) else docs).append(result)  # type: ignore[arg-type]
    return docs, errors


def parse_jsonl(blob: Blob, settings: Settings) -> Result:
    text, _ = decode_text(blob.data)
    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    shared_hints = replace(blob.hints, url=None, title=None) if blob.hints else None
    # Records end at "\n" only: str.splitlines() would also split at U+2028, U+2029 and
    # U+0085, which JSON allows unescaped inside strings (json.dumps(ensure_ascii=False)).
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        source = f"{blob.source}#L{lineno}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            errors.append(IngestError(source, f"invalid JSON on line {lineno}: {exc}"))
            continue
        # A sidecar or manifest entry for the export fills what every record lacks
        # (outlet, language); a URL or title names one article, never all of them.
        result = record_to_document(record, source, "jsonl", shared_hints)
        if isinstance(result, IngestError):
            errors.append(result)
        else:
            docs.append(result)
    if not docs and not errors:
        errors.append(IngestError(blob.source, "no records: the file holds only blank lines"))
    return docs, errors


# --- WARC ---------------------------------------------------------------------------------


def parse_warc(blob: Blob, settings: Settings) -> Result:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    limit = settings.max_decompressed_bytes
    data = blob.data
    if _single_gzip_member(data):
        # A WARC gzipped as one whole file (``gzip file.warc``) rather than record by
        # record: warcio cannot read it, so it is inflated first, under the same cap.
        inflated = gunzip_capped(data, limit)
        if isinstance(inflated, str):
            return [], [IngestError(blob.source, inflated)]
        data = inflated
    total = 0
    n_records = 0
    n_complete = 0
    # warcio ends quietly where a file is cut off, so completeness is checked here: every
    # record must hold its declared Content-Length and nothing may follow the last one.
    end = 0
    problem: str | None = None
    archive = ArchiveIterator(io.BytesIO(data))
    try:
        for record in archive:
            n_records += 1
            if record.format != "warc":
                problem = f"record {n_records} is not a WARC record (no 'WARC/1.x' header)"
                break
            doc: RawDocument | None = None
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            source = f"{blob.source}#{uri or n_records}"
            http = record.http_headers
            status = http.get_statuscode() if http is not None else None
            ctype = (http.get_header("Content-Type") if http is not None else "") or ""
            wanted = (
                record.rec_type == "response"
                and (status is None or status.startswith("2"))
                and "html" in ctype.lower()
            )
            if wanted:
                payload = record.content_stream().read(limit - total + 1)
                total += len(payload)
                if total > limit:
                    errors.append(
                        IngestError(source, f"WARC payloads exceed {limit:,} bytes; rest skipped")
                    )
                    break
                doc = _warc_document(record, payload, uri, ctype, source, settings, errors)
            archive.read_to_end()
            if _warc_record_cut_short(record):
                problem = f"record {n_records} ({uri or record.rec_type}) is cut short"
                break
            n_complete += 1
            end = archive.get_record_offset() + archive.get_record_length()
            if doc is not None:
                docs.append(doc)
        else:
            if data[end:].strip():
                problem = f"{len(data) - end:,} bytes after the last record cannot be read"
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, Exception) as exc:  # noqa: B014
        # warcio surfaces corrupt gzip members and truncated records as assorted exceptions.
        problem = f"{exc.__class__.__name__}: {exc}"
    if problem is not None:
        errors.append(
            IngestError(
                blob.source,
                f"truncated or corrupt WARC after {n_complete} records "
                f"({len(docs)} articles kept): {problem}",
            )
        )
    if n_records == 0 and not errors:
        errors.append(IngestError(blob.source, "no WARC records found"))
    return docs, errors


def _single_gzip_member(data: bytes) -> bool:
    """True for gzip data whose first member holds the whole file (or is cut off)."""
    if not data.startswith(b"\x1f\x8b"):
        return False
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        pos = 0
        while not decompressor.eof and pos < len(data):
            # Only the member boundary matters: decompress in small steps, output discarded.
            decompressor.decompress(data[pos : pos + 65536], 65536)
            while decompressor.unconsumed_tail and not decompressor.eof:
                decompressor.decompress(decompressor.unconsumed_tail, 65536)
            pos += 65536
    except zlib.error:
        return False
    return not decompressor.unused_data.strip(b"\x00") and pos >= len(data)


def _warc_document(
    record: Any,
    payload: bytes,
    uri: str,
    ctype: str,
    source: str,
    settings: Settings,
    errors: list[IngestError],
) -> RawDocument | None:
    charset = None
    m = re.search(r"charset=([\w-]+)", ctype, re.I)
    if m:
        charset = m.group(1)
    try:
        html, encoding = decode_text(payload, charset or _declared_charset(payload))
        if html_depth_exceeds(html, settings.max_html_depth):
            raise InputProblem(f"HTML nested deeper than {settings.max_html_depth} levels")
    except InputProblem as exc:
        errors.append(IngestError(source, str(exc)))
        return None
    retrieved = record.rec_headers.get_header("WARC-Date")
    return RawDocument(
        source=source,
        format="warc",
        raw=html,
        html=html,
        encoding=encoding,
        meta=DocumentMeta(url=uri or None, retrieved=retrieved),
    )


def _warc_record_cut_short(record: Any) -> bool:
    """Whether a record ended before its declared Content-Length (or declared none)."""
    from warcio.limitreader import LimitReader

    declared = (record.rec_headers.get_header("Content-Length") or "").strip()
    stream = record.raw_stream
    return not declared.isdigit() or not isinstance(stream, LimitReader) or stream.limit > 0


# --- feeds --------------------------------------------------------------------------------


def parse_feed(blob: Blob, settings: Settings) -> Result:
    import feedparser

    if b"\x00" in blob.data[:4096]:
        raise InputProblem("binary content (NUL bytes) in a feed")
    parsed = feedparser.parse(blob.data)
    if not parsed.entries:
        reason = parsed.get("bozo_exception")
        raise InputProblem(f"not an RSS/Atom feed or no entries: {reason or 'no items'}")
    outlet = parsed.feed.get("title")
    docs: list[RawDocument] = []
    errors: list[IngestError] = []
    for i, entry in enumerate(parsed.entries, start=1):
        link = entry.get("link")
        source = f"{blob.source}#{link or i}"
        content = ""
        if entry.get("content"):
            content = max((c.get("value", "") for c in entry.content), key=len)
        summary = entry.get("summary", "") or ""
        body = content if len(content) >= len(summary) else summary
        published = entry.get("published") or entry.get("updated")
        if entry.get("published_parsed"):
            t = entry.published_parsed
            published = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
        meta = DocumentMeta(
            title=entry.get("title"),
            url=link,
            outlet=outlet,
            author=entry.get("author"),
            published=published,
            language=parsed.feed.get("language"),
        )
        plain = _strip_tags(body)
        needs_page = len(plain) < settings.feed_min_fulltext_chars and bool(link)
        if not body.strip() and not link:
            errors.append(IngestError(source, "feed item has neither content nor link"))
            continue
        raw = json.dumps(dict(entry), ensure_ascii=False, default=str)
        looks_html = bool(re.search(r"<(p|div|br|article|h\d)\b", body, re.I))
        docs.append(
            RawDocument(
                source=source,
                format="feed",
                raw=raw,
                html=f"<html><body><article>{body}</article></body></html>" if looks_html else None,
                text=None if looks_html else plain,
                meta=meta,
                fetch_url=link if needs_page else None,
            )
        )
    return docs, errors


def _strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


PARSERS: dict[str, Callable[[Blob, Settings], Result]] = {
    "text": parse_text,
    "html": parse_html,
    "json": parse_json,
    "jsonl": parse_jsonl,
    "warc": parse_warc,
    "feed": parse_feed,
}


def iter_documents(blob: Blob, settings: Settings) -> Iterator[RawDocument | IngestError]:
    docs, errors = parse_blob(blob, settings)
    yield from errors
    yield from docs
