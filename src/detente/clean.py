"""Cleaning: from a raw document to an article with a clean body, lifted metadata and marks.

Pure functions. Rules live in ``data/boilerplate.yaml``; corpus-level evidence (lines that
one site repeats across many different articles) comes in as a ``SiteEvidence`` value.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import ftfy
import ftfy.badness
import ftfy.fixes

from . import dates
from .data import load_yaml
from .language import detect_language
from .model import Article, DocumentMeta, PublicationDate, RawDocument, RemovedLine, Span
from .settings import Settings

# Only short lines count as repeated site chrome: long paragraphs shared between articles
# are copied news, which is provenance's business, not cleaning's.
SITE_LINE_MAX_WORDS = 15


@dataclass(frozen=True)
class Rules:
    exact: frozenset[str]
    prefixes: re.Pattern[str]
    paywall: re.Pattern[str]
    tail_markers: frozenset[str]
    tail_prefixes: re.Pattern[str]
    caption_credit: re.Pattern[str]
    caption_cue: re.Pattern[str]
    paywall_keywords: tuple[str, ...]
    caption_keywords: tuple[str, ...]

    def maybe_paywall(self, line: str) -> bool:
        lower = line.lower()
        return any(k in lower for k in self.paywall_keywords) and bool(self.paywall.search(line))

    def caption_kind(self, line: str) -> str | None:
        """'credit' for a photo credit, 'cue' for a picture description, else None."""
        lower = line.lower()
        if not any(k in lower for k in self.caption_keywords) and "/" not in line:
            return None
        if self.caption_cue.search(line):
            return "cue"
        if self.caption_credit.search(line):
            return "credit"
        return None


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = load_yaml("boilerplate.yaml")

    def any_of(patterns: Iterable[str], anchored: bool = False) -> re.Pattern[str]:
        body = "|".join(f"(?:{p})" for p in patterns)
        return re.compile(("^(?:" + body + ")") if anchored else body, re.I)

    return Rules(
        exact=frozenset(line_key(x) for x in data["exact"]),
        prefixes=any_of(data["prefixes"], anchored=True),
        paywall=any_of(data["paywall"]),
        tail_markers=frozenset(line_key(x) for x in data["tail_markers"]),
        tail_prefixes=any_of(data["tail_marker_patterns"], anchored=True),
        caption_credit=any_of(data["caption_credits"]),
        caption_cue=any_of(data["caption_cues"]),
        paywall_keywords=tuple(data["paywall_keywords"]),
        caption_keywords=tuple(data["caption_keywords"]),
    )


# --- text normalisation -------------------------------------------------------------------

# Entities mangled by scrapers and spinners: "& nbsp," "&amp ;" "&nbsp" without semicolon.
_BROKEN_ENTITY = re.compile(
    r"&\s?(nbsp|amp|quot|apos|lt|gt|mdash|ndash|hellip|rsquo|lsquo|rdquo|ldquo|#\d{2,5})\b\s?[;,]?",
    re.I,
)
_ENTITY_TEXT = {
    "nbsp": " ",
    "amp": "&",
    "quot": '"',
    "apos": "'",
    "lt": "<",
    "gt": ">",
    "mdash": "-",
    "ndash": "-",
    "hellip": "...",
    "rsquo": "'",
    "lsquo": "'",
    "rdquo": '"',
    "ldquo": '"',
}
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _entity(m: re.Match[str]) -> str:
    name = m.group(1).lower()
    if name.startswith("#"):
        try:
            return chr(int(name[1:]))
        except (ValueError, OverflowError):
            return " "
    return _ENTITY_TEXT.get(name, " ")


_HTML_ENTITY = re.compile(r"&#?\w{2,8};")
_C1_CONTROL = re.compile("[\x80-\x9f]")


def _repair(text: str) -> str:
    """ftfy in full where there is damage to repair; its cheap typographic fixes elsewhere.

    Most articles carry no mojibake or entities, and ftfy's full pass is the most expensive
    step of cleaning, so ``is_bad`` (ftfy's own detector) decides.
    """
    # Control characters go first: removing one can join the halves of a mojibake sequence.
    text = ftfy.fixes.remove_control_chars(text)
    if _HTML_ENTITY.search(text) or ftfy.badness.is_bad(text) or _C1_CONTROL.search(text):
        return ftfy.fix_text(text)
    text = ftfy.fixes.uncurl_quotes(text)
    text = ftfy.fixes.fix_latin_ligatures(text)
    text = ftfy.fixes.fix_character_width(text)
    text = ftfy.fixes.remove_control_chars(text)
    return ftfy.fixes.fix_line_breaks(text)


def normalise_text(text: str) -> str:
    """Repair encoding damage and typography without changing what is said.

    ftfy fixes mojibake and HTML entities and straightens curly quotes; broken entities that
    ftfy cannot recognise become what they stood for; runs of spaces become one space.
    Apply the same function to any string you want to find in a cleaned text.
    """
    # Each repair can uncover damage that only another pass sees (a stripped space or a
    # removed control character joins the halves of a mojibake sequence), so repeat to a
    # fixed point: cleaning a cleaned text must change nothing.
    for _ in range(5):
        repaired = _normalise_once(text)
        if repaired == text:
            break
        text = repaired
    return text


def _normalise_once(text: str) -> str:
    text = _repair(text)
    text = _BROKEN_ENTITY.sub(_entity, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    # Space left before punctuation by a removed entity ("text & nbsp," -> "text ,").
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return unicodedata.normalize("NFC", text)


_SPACE_BEFORE_PUNCT = re.compile(r" +([,;:.!?])(?=\s|$)")


_NON_WORD = re.compile(r"[\W_]+")


def line_key(line: str) -> str:
    """A comparison key for a line: case, quotes, punctuation and spacing ignored."""
    return _NON_WORD.sub(" ", line.casefold()).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(line_key(text).encode("utf-8")).hexdigest()


def content_hash(raw: str, url: str | None, outlet: str | None) -> str:
    """Identity of an input: the same content from the same place is the same article."""
    key = "\x00".join([url or "", outlet or "", " ".join(raw.split())])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# --- corpus-level evidence ----------------------------------------------------------------


@dataclass
class SiteEvidence:
    """How many different articles (by title) of a site carry each short line."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    threshold: int = 3

    def is_chrome(self, site: str | None, line: str) -> bool:
        if site is None:
            return False
        return self.counts.get(site, {}).get(line_key(line), 0) >= self.threshold


def site_of(meta: DocumentMeta, source: str) -> str | None:
    """The site an article comes from: its outlet, its URL's host, else its folder."""
    if meta.url:
        host = urlsplit(meta.url).hostname
        if host:
            return host.removeprefix("www.")
    if meta.outlet:
        return meta.outlet.lower()
    if "://" in source:
        return None
    folder = source.rsplit("/", 1)[0] if "/" in source else "."
    return "dir:" + folder


def short_lines(text: str) -> set[str]:
    """Candidate chrome lines of a document: short lines, by comparison key."""
    out = set()
    for line in text.split("\n"):
        words = line.split()
        if 0 < len(words) <= SITE_LINE_MAX_WORDS:
            key = line_key(line)
            if key:
                out.add(key)
    return out


def document_lines(doc: RawDocument) -> tuple[str | None, str, set[str]]:
    """(site, title key, short line keys) of a plain-text document, for site evidence."""
    if doc.text is None:
        return None, "", set()
    text = normalise_text(doc.text)
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    title = doc.meta.title or first
    return site_of(doc.meta, doc.source), line_key(title), short_lines(text)


# --- line rules ---------------------------------------------------------------------------

_HASHTAGS = re.compile(r"^(?:#[\w-]+[\s,]*){1,}$")
_BYLINE = re.compile(
    r"^(?:by|written by|author|words by|reporting by|reporter|von|par|por)\s*:?\s+"
    r"(?P<name>[^\d@:|]{2,80}?)\s*$",
    re.I,
)
_DATE_PREFIX = re.compile(
    r"^(?P<label>published|posted|updated|last updated|first published|date)?\s*(?:on|:)?\s*",
    re.I,
)
_TIME_SUFFIX = re.compile(
    r"[\s,|-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)?\s*"
    r"(?:[A-Z]{2,5}|[+-]\d{2}:?\d{2}|Z)?\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?\"')\]]\s*$")


@dataclass
class _Line:
    text: str
    removed: str | None = None
    caption: bool = False


def _date_line(line: str) -> tuple[str, Any] | None:
    """A line that holds only a date (optionally labelled and with a time)."""
    if len(line.split()) > 9:
        return None
    m = _DATE_PREFIX.match(line)
    label = (m.group("label") or "").lower() if m else ""
    rest = line[m.end() :] if m else line
    parsed = dates.parse_date_string(rest)
    if parsed is None:
        stripped = _TIME_SUFFIX.sub("", rest)
        parsed = dates.parse_date_string(stripped)
    if parsed is None:
        return None
    return label, parsed


# Short lines above the first paragraph: mastheads ("HIGHLAND HERALD"), section labels
# ("Africa Desk"), kickers ("Nagorno-Karabakh conflict"). A standfirst is longer than this.
HEADER_MAX_WORDS = 4
# The first line with this many words, or ending a sentence, starts the article body.
BODY_MIN_WORDS = 10
_QUESTION = re.compile(r"\?[\"')]?\s*$")
# "Politics | Region", "AFRICA | SUDAN", "World > Europe": short parts joined by separators.
_SECTION_PATH = re.compile(r"^[^.!?|>]{1,30}(?:\s+[|>»/]\s+[^.!?|>]{1,30}){1,5}$")


def _first_body_line(items: list[_Line]) -> int:
    for i, item in enumerate(items):
        if item.removed:
            continue
        words = len(item.text.split())
        if words >= BODY_MIN_WORDS or (
            words > HEADER_MAX_WORDS and _SENTENCE_END.search(item.text)
        ):
            return i
    return 0


def _is_breadcrumb_of(key: str, title_key: str) -> bool:
    """'HomeSouth CaucasusTitle' or 'Home > World > Title': a short path glued to the title."""
    if not title_key or not key.endswith(title_key) or key == title_key:
        return False
    return len(key[: -len(title_key)].split()) <= 5


def _author_keys(author: str | None) -> list[str]:
    if not author:
        return []
    names = re.split(r"\s*(?:;|,|\band\b|&)\s*", author)
    return [line_key(n) for n in names if len(line_key(n).split()) >= 2]


def _names_author(key: str, authors: list[str]) -> bool:
    """A short line made of the author's name(s), a place and joining words: a byline."""
    rest = key
    for name in authors:
        rest = rest.replace(name, " ")
    if rest == key:
        return False
    leftover = [w for w in rest.split() if w not in _BYLINE_GLUE]
    return len(leftover) <= 2


# Words a byline adds around names, in the languages we ingest most ("Von", "par", "por").
_BYLINE_GLUE = frozenset(
    [
        "by",
        "and",
        "in",
        "from",
        "reporting",
        "with",
        "von",
        "und",
        "par",
        "et",
        "por",
        "y",
        "di",
        "e",
        "door",
        "en",
        "av",
        "og",
        "af",
    ]
)


def _headline_like(line: str) -> bool:
    return not _SENTENCE_END.search(line) or len(line.split()) <= 6


def _is_title_copy(line: str, title_key: str) -> bool:
    return bool(title_key) and line_key(line) == title_key


def _strip_title_suffix(title: str) -> str:
    """'Headline | Section' and 'Headline | Site' keep the headline (the longest part)."""
    parts = [
        p.strip() for p in re.split(r"\s+[|\u2013\u2014]\s+|\s+-\s+(?=[A-Z][\w .]{0,30}$)", title)
    ]
    parts = [p for p in parts if p]
    return max(parts, key=len) if parts else title.strip()


_TITLE_REASONS = ("title", "breadcrumb navigation")


@dataclass(frozen=True)
class LineCleaning:
    title: str
    lines: list[str]
    captions: list[int]
    removed: list[RemovedLine]
    lifted: DocumentMeta
    paywalled: bool


def clean_lines(
    lines: list[str],
    title: str | None,
    site: str | None,
    evidence: SiteEvidence,
    title_from_first_line: bool,
    author: str | None = None,
) -> LineCleaning:
    r = rules()
    items = [_Line(ln) for ln in lines if ln.strip()]
    removed: list[RemovedLine] = []
    lifted: dict[str, str] = {}
    paywalled = False

    # Title: the first line of a scrape, unless a later line is its tail ("HomeNewsTitle"
    # then "Title"), which means the first line was navigation glued onto the title.
    if title_from_first_line and items:
        first = items[0]
        title = first.text
        first.removed = "title"
        for nxt in items[1:4]:
            k = line_key(nxt.text)
            if k and k != line_key(first.text) and line_key(first.text).endswith(k):
                first.removed = "breadcrumb navigation"
                title = nxt.text
                nxt.removed = "title"
                break
    title = _strip_title_suffix(title or "")
    title_key = line_key(title)

    authors = _author_keys(author)
    header_end = _first_body_line(items)
    in_tail = False
    for position, item in enumerate(items):
        if item.removed:
            continue
        text = item.text
        key = line_key(text)
        n_words = len(text.split())
        if _is_title_copy(text, title_key):
            item.removed = "repeated title"
        elif _is_breadcrumb_of(key, title_key):
            item.removed = "breadcrumb navigation"
        elif key in r.tail_markers or r.tail_prefixes.match(text):
            item.removed = "end-of-article navigation"
            in_tail = True
        elif key in r.exact or not key:
            item.removed = "site chrome"
        elif r.maybe_paywall(text):
            item.removed = "paywall notice"
            paywalled = True
        elif r.prefixes.match(text):
            item.removed = "teaser or share link"
        elif _HASHTAGS.match(text):
            item.removed = "hashtag line"
        elif (m := _BYLINE.match(text)) and n_words <= 8:
            item.removed = "byline"
            lifted.setdefault("author", m.group("name").strip(" ,."))
        elif (d := _date_line(text)) is not None:
            label, (value, precision) = d
            item.removed = "timestamp"
            if label not in ("updated", "last updated") and precision == "day":
                lifted.setdefault("published", value.isoformat())
        elif authors and n_words <= 10 and _names_author(key, authors):
            item.removed = "byline"
        elif "©" in text and n_words <= 20:
            item.removed = "copyright line"
        elif _SECTION_PATH.match(text):
            item.removed = "section navigation"
        elif position < header_end and n_words <= HEADER_MAX_WORDS and _headline_like(text):
            # Masthead, section label or kicker above the first paragraph.
            item.removed = "page header"
        elif in_tail and (_headline_like(text) or _QUESTION.search(text) and n_words <= 15):
            item.removed = "related-link headline"
        elif evidence.is_chrome(site, text) and len(text.split()) <= SITE_LINE_MAX_WORDS:
            item.removed = "repeated across this site's articles"
        if item.removed:
            removed.append(RemovedLine(text, item.removed))

    head = [RemovedLine(it.text, it.removed) for it in items[:4] if it.removed in _TITLE_REASONS]
    removed = head + removed
    kept = [it for it in items if not it.removed]
    _mark_captions(kept, r)
    captions = [i for i, it in enumerate(kept) if it.caption]
    return LineCleaning(
        title=title,
        lines=[it.text for it in kept],
        captions=captions,
        removed=removed,
        lifted=DocumentMeta(author=lifted.get("author"), published=lifted.get("published")),
        paywalled=paywalled,
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 2}


def _mark_captions(lines: list[_Line], r: Rules) -> None:
    """Photo captions stay in the text but are marked so later stages can skip them.

    A caption is a line ending in (or followed by) a photo credit, or one that describes a
    picture ("is pictured"); an unpunctuated line just before a caption that repeats its
    words is the picture's alt text.
    """
    kinds = [r.caption_kind(line.text) for line in lines]
    for i, line in enumerate(lines):
        if kinds[i] is None:
            continue
        line.caption = True
        # A bare credit line ("Photo: Getty Images") belongs to the paragraph above it.
        if i > 0 and kinds[i] == "credit" and len(line.text.split()) <= 8:
            prev = lines[i - 1]
            # Captions are short; a long sentence above a credit is body text.
            if not prev.caption and (
                not _SENTENCE_END.search(prev.text) or len(prev.text.split()) <= 20
            ):
                prev.caption = True
    for i, line in enumerate(lines[:-1]):
        nxt = lines[i + 1]
        if line.caption or not nxt.caption or len(line.text.split()) > 30:
            continue
        mine = _words(line.text)
        # Alt text repeats the caption below it; a real sentence rarely repeats most words.
        needed = 0.5 if not _SENTENCE_END.search(line.text) else 0.7
        if mine and len(mine & _words(nxt.text)) >= needed * len(mine):
            line.caption = True


# --- the stage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Extracted:
    """What HTML extraction yields; produced by ``extract_html``."""

    text: str
    meta: DocumentMeta
    date_method: str | None = None


def extract_html(html: str, url: str | None) -> Extracted:
    """Main text and metadata of a page with trafilatura; dates from markup via htmldate.

    htmldate runs without its extensive text search, so only dates the page declares
    (meta tags, JSON-LD, ``<time>``, the URL) are taken as the publication date.
    """
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        fast=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return Extracted("", DocumentMeta(url=url))
    data: Mapping[str, Any] = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    meta = DocumentMeta(
        title=data.get("title"),
        url=data.get("url") or url,
        outlet=data.get("sitename") or data.get("hostname"),
        author=data.get("author"),
        published=data.get("date"),
    )
    text = data.get("text") or ""
    method = "html metadata (htmldate)" if data.get("date") else None
    if not data.get("date"):
        visible = _visible_published(html)
        if visible:
            meta = DocumentMeta(**{**meta.__dict__, "published": visible})
            method = "html visible 'Published' line"
    return Extracted(text, meta, method)


_VISIBLE_PUBLISHED = re.compile(
    r"(?:published|posted|first published)\s*(?:on|:)?\s*(?:<[^>]+>\s*)*"
    r"(?P<date>[A-Z]?[\w]{0,9}\.?\s?\d{1,2}(?:st|nd|rd|th)?,?\s+\w+\.?,?\s+\d{4}|\d{4}-\d{2}-\d{2})",
    re.I,
)


def _visible_published(html: str) -> str | None:
    for m in _VISIBLE_PUBLISHED.finditer(html):
        parsed = dates.parse_date_string(m.group("date"))
        if parsed and parsed[1] == "day":
            return parsed[0].isoformat()
    return None


def clean_document(
    doc: RawDocument,
    evidence: SiteEvidence | None = None,
    settings: Settings | None = None,
    extracted: Extracted | None = None,
) -> Article:
    """Clean one raw document. HTML is extracted first (pass ``extracted`` to reuse work)."""
    settings = settings or Settings()
    evidence = evidence or SiteEvidence(threshold=settings.site_repeat_threshold)
    meta = doc.meta
    date_method = "metadata"
    if doc.html is not None:
        extracted = extracted or extract_html(doc.html, meta.url)
        meta = meta.merged_over(extracted.meta)
        body = extracted.text
        title_from_first_line = False
        date_method = extracted.date_method or "input metadata"
        if doc.meta.published:
            date_method = "input metadata"
    else:
        body = doc.text or ""
        title_from_first_line = not meta.title
        date_method = "input metadata"
    body = normalise_text(body)
    site = site_of(meta, doc.source)
    lc = clean_lines(
        body.split("\n"),
        normalise_text(meta.title) if meta.title else None,
        site,
        evidence,
        title_from_first_line,
        meta.author,
    )
    text, spans = _assemble(lc.lines, lc.captions)
    meta = meta.merged_over(lc.lifted)
    if not doc.meta.published and lc.lifted.published:
        date_method = "timestamp line in the text"
    if not meta.published:
        dateline = dates.dateline_day(text)
        if dateline:
            meta = DocumentMeta(**{**meta.__dict__, "published": dateline})
            date_method = "wire dateline in the text"
    published = dates.publication_date(
        text, meta.published, date_method if meta.published else "none", meta.retrieved
    )
    language, confidence = detect_language(text, settings.languages)
    flags: dict[str, Any] = {}
    if language is None:
        language = (meta.language or "").split("-")[0].lower() or None
    if language and language != "en":
        flags["non_english"] = True
    if meta.language and language and meta.language.split("-")[0].lower() != language:
        flags["declared_language"] = meta.language
    if lc.paywalled:
        flags["paywalled"] = True
    if doc.encoding not in ("utf-8", "utf-8-sig"):
        flags["encoding"] = doc.encoding
    if not text.strip():
        flags["empty_body"] = True
    if published.precision == "unknown":
        flags["no_exact_date"] = True
    return Article(
        title=lc.title,
        text=text,
        source_path=doc.source,
        source_format=doc.format,
        raw=doc.raw,
        content_hash=content_hash(doc.raw, meta.url, meta.outlet),
        text_hash=text_hash(text),
        url=meta.url,
        outlet=meta.outlet or (site if site and not site.startswith("dir:") else None),
        author=meta.author,
        language=language,
        language_confidence=confidence,
        published=published if published else PublicationDate(),
        flags=flags,
        spans=spans,
        removed=lc.removed,
        encoding=doc.encoding,
    )


def _assemble(lines: list[str], captions: list[int]) -> tuple[str, list[Span]]:
    """Join kept lines into paragraphs and compute the caption spans in the result."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    caption_set = set(captions)
    for i, line in enumerate(lines):
        if parts:
            pos += 2
        if i in caption_set:
            spans.append(Span(pos, pos + len(line), "caption"))
        parts.append(line)
        pos += len(line)
    return "\n\n".join(parts), spans
