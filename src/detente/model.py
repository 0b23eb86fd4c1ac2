"""Plain dataclasses passed between pipeline stages. No behaviour beyond small conveniences."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "year", "unknown"]


@dataclass(frozen=True)
class Blob:
    """Bytes read from one input (a file or a URL), before any parsing."""

    source: str
    data: bytes
    # Lower-cased name used to pick a parser, e.g. "page.html", "export.jsonl.gz".
    name: str
    content_type: str | None = None
    url: str | None = None
    hints: DocumentMeta | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """Metadata that came with a document (sidecar, manifest, crawler fields, HTML tags)."""

    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    language: str | None = None
    # When the crawler saw the page: an upper bound for its publication date.
    retrieved: str | None = None

    def merged_over(self, other: DocumentMeta | None) -> DocumentMeta:
        """Fields of ``self`` win; gaps are filled from ``other``."""
        if other is None:
            return self
        return DocumentMeta(
            **{k: getattr(self, k) or getattr(other, k) for k in self.__dataclass_fields__}
        )


@dataclass(frozen=True)
class RawDocument:
    """One article-sized record found in an input, as it came."""

    source: str
    format: str
    raw: str
    meta: DocumentMeta = field(default_factory=DocumentMeta)
    # Exactly one of text and html is set: plain bodies (txt, crawler exports, feeds
    # with text) or markup still to be extracted.
    text: str | None = None
    html: str | None = None
    encoding: str = "utf-8"
    # A feed item that carried only a summary: the page to fetch for the full text.
    fetch_url: str | None = None


@dataclass(frozen=True)
class IngestError:
    input: str
    reason: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass(frozen=True)
class PublicationDate:
    date: str | None = None
    precision: Precision = "unknown"
    window_start: str | None = None
    window_end: str | None = None
    method: str = "none"

    @property
    def window(self) -> tuple[str | None, str | None] | None:
        if self.window_start is None and self.window_end is None:
            return None
        return (self.window_start, self.window_end)


@dataclass(frozen=True)
class RemovedLine:
    line: str
    reason: str


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


@dataclass
class Article:
    """A cleaned article, ready for the store and for later stages."""

    title: str
    text: str
    source_path: str
    source_format: str
    raw: str
    content_hash: str
    text_hash: str
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    published: PublicationDate = field(default_factory=PublicationDate)
    flags: dict[str, Any] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    encoding: str = "utf-8"
    id: int | None = None


# --- later stages: the contract between actors, events, provenance and analysis -----------


@dataclass(frozen=True)
class Sentence:
    """A sentence of a cleaned article text: character offsets into ``Article.text``."""

    index: int
    start: int
    end: int
    # Sentences inside a span marked as a caption (or other non-article span) are skipped
    # by event coding but kept for display.
    is_caption: bool = False


@dataclass(frozen=True)
class Mention:
    """One mention of an actor in an article, resolved or not.

    ``actor_code`` is CAMEO-style: a country/entity code (``ARM``, ``RUS``, ``NKR``, ``NATO``)
    optionally followed by role codes (``ARMGOV``, ``RUSMIL``). Unresolved mentions keep
    ``actor_id``/``actor_code`` ``None`` and are stored all the same, for inspection.
    """

    start: int
    end: int
    text: str
    sentence: int
    kind: str  # country, government, organisation, person, role, institution, place, group
    actor_id: str | None = None
    actor_code: str | None = None
    actor_name: str | None = None
    # ISO alpha-3 (or entity) code of the country the actor belongs to, for cross-checks.
    country: str | None = None
    # How it was resolved: exact, alias, fuzzy, metonym, role, coref, ner-unresolved, ...
    method: str = "exact"
    confidence: float = 1.0
    # For people: the role held at the article's date and the person's own actor id.
    role: str | None = None
    person_id: str | None = None
    # For people known only by their description: the organisation they speak for
    # ("Paul Stronski, senior fellow at Carnegie" -> Carnegie Endowment ...).
    affiliation: str | None = None


@dataclass(frozen=True)
class EventDate:
    """When an event happened, as far as the text says: never more precise than it is."""

    date: str | None = None  # ISO date at ``precision`` (2023-09-19, 2023-09, 2023)
    precision: Precision = "unknown"
    window_start: str | None = None
    window_end: str | None = None
    # sentence (a date in the sentence), relative (resolved against the publication date),
    # publication (no date in the text: the article's publication window), none.
    method: str = "none"


@dataclass(frozen=True)
class Location:
    name: str
    country: str | None = None  # ISO alpha-3
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: str = "country"  # point, city, admin1, country, region
    geonameid: int | None = None


@dataclass(frozen=True)
class Event:
    """One coded event in one article: source -> action -> target, with its evidence.

    Offsets are character offsets into the cleaned ``Article.text``.
    """

    sentence: int
    sentence_start: int
    sentence_end: int
    source_code: str
    source_name: str | None
    source_start: int
    source_end: int
    code: str  # CAMEO code, 2-4 digits
    trigger_start: int
    trigger_end: int
    trigger: str
    target_code: str | None = None
    target_name: str | None = None
    target_start: int | None = None
    target_end: int | None = None
    root: str = ""
    quad_class: int = 0
    goldstein: float = 0.0
    plover: str | None = None
    # asserted, negated, future, planned, conditional, hypothetical, opinion, question
    modality: str = "asserted"
    date: EventDate = field(default_factory=EventDate)
    location: Location | None = None
    # Who reports it, when the event sits in reported speech: "Zakharova said ...".
    reported_by_code: str | None = None
    reported_by_name: str | None = None
    confidence: float = 1.0
    pattern: str | None = None
    coder_version: str = ""
    article_id: int | None = None
