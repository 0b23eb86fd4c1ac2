"""Dates: parsing metadata date strings, finding explicit dates in text, publication windows.

Precision is never invented: a month stays a month, a year a year, and a text that only
mentions past dates yields a window, not a day.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from .model import Precision, PublicationDate

MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
MONTHS.update({"sept": 9})
_MONTH = (
    r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

MIN_YEAR, MAX_YEAR = 1900, 2099


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    first: date
    last: date
    precision: Precision
    # True when the words before the date point forward ("scheduled for", "will ... in").
    future: bool = False


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return date(year, month, day)


def period_bounds(year: int, month: int | None = None, day: int | None = None) -> tuple[date, date]:
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    if day is None:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    d = date(year, month, day)
    return d, d


_ISO = re.compile(
    r"^\s*(?P<year>\d{4})(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?)?"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?\s*$"
)
_DMY = re.compile(rf"^\s*(?:\w+,?\s+)?{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I)
_MDY = re.compile(rf"^\s*(?:\w+,?\s+)?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I)
_MY = re.compile(rf"^\s*{_MONTH}\s+{_YEAR}\s*$", re.I)


def parse_date_string(value: str | None) -> tuple[date, Precision] | None:
    """Parse a metadata date (ISO 8601, RFC 2822, '19 September 2023', ...)."""
    if not value:
        return None
    value = value.strip()
    m = _ISO.match(value)
    if m:
        year = int(m.group("year"))
        month = int(m.group("month")) if m.group("month") else None
        day = int(m.group("day")) if m.group("day") else None
        d = _safe_date(year, month or 1, day or 1)
        if d is None:
            return None
        return d, "day" if day else "month" if month else "year"
    for pattern in (_DMY, _MDY):
        m = pattern.match(value)
        if m:
            month = MONTHS.get(m.group("month").lower().rstrip("."))
            d = _safe_date(int(m.group("year")), month or 0, int(m.group("day")))
            return (d, "day") if d else None
    m = _MY.match(value)
    if m:
        month = MONTHS.get(m.group("month").lower().rstrip("."))
        d = _safe_date(int(m.group("year")), month or 0, 1)
        return (d, "month") if d else None
    try:
        dt = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    d = _safe_date(dt.year, dt.month, dt.day)
    return (d, "day") if d else None


_TEXT_PATTERNS = (
    ("day", re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I)),
    ("day", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I)),
    ("day", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("month", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b", re.I)),
    (
        "year",
        re.compile(
            r"\b(?:in|since|by|for|until|till|from|during|of|early|late|mid-?|end of|"
            r"spring|summer|autumn|fall|winter)\s+(?:the\s+)?(?P<year>(?:19|20)\d\d)\b(?!s|-\d)",
            re.I,
        ),
    ),
)
_FUTURE_CUE = re.compile(
    r"\b(will|would|shall|scheduled|planned|plans?|due|expected|next|upcoming|for|until|"
    r"till|by|ahead of|before)\b[^.;]{0,30}$",
    re.I,
)


def find_dates(text: str) -> list[DateMention]:
    """Explicit dates that carry a year, with their spans and precision."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for precision, pattern in _TEXT_PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            year = int(m.group("year"))
            groups = m.groupdict()
            month = None
            if groups.get("month"):
                raw = groups["month"].lower().rstrip(".")
                month = MONTHS.get(raw) if not raw.isdigit() else int(raw)
                if month is None:
                    continue
            day = int(groups["day"]) if groups.get("day") else None
            if _safe_date(year, month or 1, day or 1) is None:
                continue
            first, last = period_bounds(year, month, day)
            before = text[max(0, m.start() - 40) : m.start()]
            taken.append((m.start(), m.end()))
            found.append(
                DateMention(
                    start=m.start(),
                    end=m.end(),
                    text=m.group(0),
                    first=first,
                    last=last,
                    precision=precision,  # type: ignore[arg-type]
                    future=bool(_FUTURE_CUE.search(before)),
                )
            )
    found.sort(key=lambda d: d.start)
    return found


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def publication_date(
    text: str,
    metadata_published: str | None,
    metadata_source: str,
    retrieved: str | None = None,
) -> PublicationDate:
    """The article's publication date, from metadata first, then a window from the text.

    An article cannot predate the latest past event it reports, so the latest explicit date
    it mentions (ignoring dates announced as future) bounds publication from below; when it
    was retrieved (a WARC record's date, a crawl time) bounds it from above.
    """
    upper = None
    if retrieved:
        parsed_retrieved = parse_date_string(retrieved)
        if parsed_retrieved:
            upper = parsed_retrieved[0]
    parsed = parse_date_string(metadata_published)
    if parsed:
        d, precision = parsed
        if upper is None or d <= upper:
            first, last = period_bounds(
                d.year,
                d.month if precision in ("day", "month") else None,
                d.day if precision == "day" else None,
            )
            return PublicationDate(
                date=d.isoformat() if precision == "day" else None,
                precision=precision,
                window_start=first.isoformat(),
                window_end=last.isoformat(),
                method=metadata_source,
            )
    mentions = [m for m in find_dates(text) if not m.future]
    if upper is not None:
        mentions = [m for m in mentions if m.first <= upper]
    if not mentions:
        if upper is not None:
            return PublicationDate(
                window_end=_iso(upper), method="retrieval date only (upper bound)"
            )
        return PublicationDate(method="no date in metadata or text")
    latest = max(mentions, key=lambda m: m.first)
    return PublicationDate(
        window_start=latest.first.isoformat(),
        window_end=_iso(upper),
        method=(
            f"text: not before the latest past date it mentions ({latest.text!r})"
            + (f"; not after retrieval ({upper.isoformat()})" if upper else "")
        ),
    )


# A wire dateline opening the text: "BAKU, September 20, 2023 (Reuters) - ...", "YEREVAN,
# 3 March 2023 -". Place names in capitals or title case, one or two of them, then a full
# date, an optional agency in brackets and a dash: the agency convention for the day the
# story was filed. A dateline without its year ("MOSCOW, March 3 (Reuters) -") gives none.
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z'.\-]*(?:\s+[A-Z][A-Za-z'.\-]*){0,3})"
    r"(?:,\s*[A-Z][A-Za-z'.\-]*(?:\s+[A-Z][A-Za-z'.\-]*){0,3})?,\s*"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4})"
    r"\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]"
)


# A dateline opens the first or the second paragraph (after a headline kept in the text).
DATELINE_PARAGRAPHS = 2


# The agencies' year-less dateline, "YEREVAN, Dec 13 (Reuters) -": the place in capitals
# (so that "Armenia, March 3 - ..." in running text is not one). It dates nothing.
_DATELINE_NO_YEAR = re.compile(
    r"^\s*[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+){0,3}(?:,\s*[A-Z][A-Za-z'.\-]+){0,2},\s*"
    r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]"
)


def dateline_end(text: str) -> int:
    """Where a wire dateline opening ``text`` (one paragraph) ends, 0 when there is none: its
    place and date frame the story and are no part of its first sentence."""
    m = _DATELINE.match(text[:160])
    if m is not None and _dateline_date(m):
        return m.end()
    short = _DATELINE_NO_YEAR.match(text[:160])
    return short.end() if short is not None else 0


def dateline_day(text: str) -> str | None:
    """The day (ISO) of a wire dateline with a full date opening one of the first
    ``DATELINE_PARAGRAPHS`` paragraphs of ``text``."""
    paragraphs = [p for p in text.split("\n") if p.strip()][:DATELINE_PARAGRAPHS]
    for paragraph in paragraphs:
        m = _DATELINE.match(paragraph[:160])
        day = _dateline_date(m) if m is not None else None
        if day:
            return day
    return None


def _dateline_date(m: re.Match[str]) -> str | None:
    parsed = parse_date_string(m.group("date"))
    if parsed is None or parsed[1] != "day":
        return None
    return parsed[0].isoformat()


def today() -> date:
    return datetime.now().date()
