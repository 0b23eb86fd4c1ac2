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
