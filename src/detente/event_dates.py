"""When did an event happen: time expressions in its sentence, resolved against publication.

Pure functions. An explicit date ("19 September 2023", "in 2020") is taken as it is; a
relative one ("on Tuesday", "last December", "in March", "this week", "for almost a year")
is resolved against the article's publication date or window, and the result is never more
precise than the text and the publication date together allow. With no date in the sentence
the event gets the publication window (method "publication"), widened backwards for events
told in the past tense, so a historical mention is never dated to the day of publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .dates import MONTHS, find_dates, period_bounds
from .model import EventDate, Precision, PublicationDate

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = "|".join(
    sorted((m for m in MONTHS if not m.isdigit() and len(m) > 2), key=len, reverse=True)
)
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NO_YEAR = r"(?!,?\s*\d{4})"
_DAY_OF_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b{_NO_YEAR}"
_DAY_MONTH = rf"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<month2>{_MONTH_NAMES})\b{_NO_YEAR}"

_RELATIVE = [
    ("weekday_date", re.compile(rf"\b{_WEEKDAY},?\s+{_DAY_OF_MONTH}", re.I)),
    ("day_of_month", re.compile(rf"\b(?:on\s+)?{_DAY_OF_MONTH}", re.I)),
    ("day_of_month", re.compile(rf"\b(?:on\s+)?{_DAY_MONTH}", re.I)),
    ("weekday", re.compile(rf"\b(?:on\s+|last\s+|this\s+)?{_WEEKDAY}\b", re.I)),
    (
        "month",
        re.compile(
            rf"\b(?P<rel>last|this|next|in|since|early|late|mid-?|during|by|until)?\s*"
            rf"(?P<month>{_MONTH_NAMES})\b(?!\.?\s+[0-3]?\d)(?!,?\s*\d{{4}})(?!\s+of\s+\d{{4}})",
            re.I,
        ),
    ),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("today", re.compile(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", re.I)),
    ("this_week", re.compile(r"\b(?:this|earlier this)\s+week\b", re.I)),
    ("last_week", re.compile(r"\b(?:last|past)\s+week(?:end)?\b", re.I)),
    ("this_month", re.compile(r"\b(?:this|earlier this)\s+month\b", re.I)),
    ("last_month", re.compile(r"\blast\s+month\b", re.I)),
    ("this_year", re.compile(r"\b(?:this|earlier this)\s+year\b", re.I)),
    ("last_year", re.compile(r"\blast\s+year\b", re.I)),
    (
        "ago",
        re.compile(
            r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"
            r"\s+(?P<unit>day|week|month|year)s?\s+ago\b",
            re.I,
        ),
    ),
    (
        "duration",
        re.compile(
            r"\bfor\s+(?:almost|nearly|about|around|over|more than|some|the past|the last)?\s*"
            r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several)\s+"
            r"(?P<unit>day|week|month|year|decade)s?\b",
            re.I,
        ),
    ),
    ("recently", re.compile(r"\b(?:recently|in recent (?:days|weeks))\b", re.I)),
]
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a few": 3, "several": 5,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366, "decade": 3653}


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    text: str
    kind: str
    date: EventDate


@dataclass(frozen=True)
class Reference:
    """The publication date as bounds: ``lo`` .. ``hi`` (equal when the day is known)."""

    lo: date | None
    hi: date | None

    @property
    def exact(self) -> date | None:
        return self.lo if self.lo is not None and self.lo == self.hi else None

    @classmethod
    def of(cls, published: PublicationDate) -> Reference:
        lo = _parse(published.window_start) or _parse(published.date)
        hi = _parse(published.window_end) or _parse(published.date)
        if lo is not None and hi is None and published.window_start:
            # "Not before X" (a window open at its end): no upper bound is known, and
            # relative expressions ("this week") cannot be resolved against it.
            return cls(lo, None)
        return cls(lo or hi, hi or lo)


def _parse(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _window(first: date, last: date, precision: Precision, method: str) -> EventDate:
    exact = {
        "day": first.isoformat(),
        "month": first.isoformat()[:7],
        "year": first.isoformat()[:4],
    }.get(precision)
    if first != last and precision == "day":
        exact = None
    return EventDate(exact, precision, first.isoformat(), last.isoformat(), method)


def _fuzzy(first: date, last: date, method: str) -> EventDate:
    """A window that fixes no calendar unit."""
    if first == last:
        return _window(first, last, "day", method)
    return EventDate(None, "unknown", first.isoformat(), last.isoformat(), method)


def _month_before(month: int, ref: date, future: bool) -> int:
    """The year of the named month nearest ``ref`` in the direction of the tense."""
    if future:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def _resolve_relative(kind: str, m: re.Match[str], ref: Reference, future: bool) -> EventDate:
    lo, hi = ref.lo, ref.hi
    assert lo is not None and hi is not None
    g = {k: (v.lower() if isinstance(v, str) else v) for k, v in m.groupdict().items()}
    if kind in ("weekday_date", "day_of_month"):
        month = MONTHS[(g.get("month") or g.get("month2") or "").rstrip(".")]
        day = int(g.get("day") or g.get("day2") or 0)
        years = {_month_before(month, lo, future), _month_before(month, hi, future)}
        candidates = []
        for year in sorted(years):
            try:
                candidates.append(date(year, month, day))
            except ValueError:
                continue
        if not candidates:
            raise ValueError("no such day")
        if len(candidates) == 1:
            return _window(candidates[0], candidates[0], "day", "relative")
        return _fuzzy(min(candidates), max(candidates), "relative")
    if kind == "weekday":
        target = _WEEKDAYS.index(g["weekday"])
        if future:
            first = lo + timedelta(days=(target - lo.weekday()) % 7)
            last = hi + timedelta(days=(target - hi.weekday()) % 7)
        else:
            first = lo - timedelta(days=(lo.weekday() - target) % 7)
            last = hi - timedelta(days=(hi.weekday() - target) % 7)
        return _fuzzy(first, last, "relative")
    if kind == "month":
        month = MONTHS[g["month"].rstrip(".")]
        rel = (g.get("rel") or "").strip()
        fut = future or rel in ("next", "until", "by")
        if rel == "last":
            fut = False
        month_years = sorted({_month_before(month, lo, fut), _month_before(month, hi, fut)})
        first = period_bounds(month_years[0], month)[0]
        last = period_bounds(month_years[-1], month)[1]
        if len(month_years) == 1:
            return _window(first, last, "month", "relative")
        return _fuzzy(first, last, "relative")
    if kind == "yesterday":
        return _fuzzy(lo - timedelta(days=1), hi - timedelta(days=1), "relative")
    if kind == "today":
        return _fuzzy(lo, hi, "relative")
    # "earlier this week/month/year": the period up to the publication day, not after it.
    earlier = m.group(0).lower().startswith("earlier")
    if kind in ("this_week", "last_week"):
        shift = 7 if kind == "last_week" else 0
        first = lo - timedelta(days=lo.weekday() + shift)
        last = hi - timedelta(days=hi.weekday() + shift) + timedelta(days=6)
        return _fuzzy(first, min(last, hi) if earlier else last, "relative")
    if kind in ("this_month", "last_month"):
        lo_m = (lo.replace(day=1) - timedelta(days=1)) if kind == "last_month" else lo
        hi_m = (hi.replace(day=1) - timedelta(days=1)) if kind == "last_month" else hi
        first = period_bounds(lo_m.year, lo_m.month)[0]
        last = period_bounds(hi_m.year, hi_m.month)[1]
        if earlier:
            return _fuzzy(first, min(last, hi), "relative")
        if (lo_m.year, lo_m.month) == (hi_m.year, hi_m.month):
            return _window(first, last, "month", "relative")
        return _fuzzy(first, last, "relative")
    if kind in ("this_year", "last_year"):
        shift = 1 if kind == "last_year" else 0
        first = date(lo.year - shift, 1, 1)
        last = date(hi.year - shift, 12, 31)
        if earlier:
            return _fuzzy(first, min(last, hi), "relative")
        if lo.year == hi.year:
            return _window(first, last, "year", "relative")
        return _fuzzy(first, last, "relative")
    if kind in ("ago", "duration"):
        n = _NUMBERS.get(g["n"]) if not g["n"].isdigit() else int(g["n"])
        span = timedelta(days=(n or 1) * _UNIT_DAYS[g["unit"]])
        if kind == "ago":
            slack = timedelta(days=_UNIT_DAYS[g["unit"]] // 2)
            return _fuzzy(lo - span - slack, hi - span + slack, "relative")
        return _fuzzy(lo - span, hi, "relative")
    if kind == "recently":
        return _fuzzy(lo - timedelta(days=62), hi, "relative")
    raise ValueError(kind)


def time_expressions(text: str, published: PublicationDate, future: bool) -> list[TimeExpression]:
    """Every time expression of ``text`` with the date or window it fixes."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for d in find_dates(text):
        resolved = _window(d.first, d.last, d.precision, "sentence")
        found.append(TimeExpression(d.start, d.end, d.text, "explicit", resolved))
        taken.append((d.start, d.end))
    ref = Reference.of(published)
    if ref.lo is None or ref.hi is None:
        return sorted(found, key=lambda t: t.start)
    for kind, pattern in _RELATIVE:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if kind == "month" and not m.group("rel") and m.group("month").lower() == "may":
                continue  # "may" is far more often the modal verb
            if kind == "month" and not m.group("month")[0].isupper():
                continue
            try:
                resolved = _resolve_relative(kind, m, ref, future)
            except (ValueError, KeyError):
                continue
            taken.append((m.start(), m.end()))
            found.append(TimeExpression(m.start(), m.end(), m.group(0).strip(), kind, resolved))
    return sorted(found, key=lambda t: t.start)


# Expressions that place what they date within days of publication: news style names the
# weekday ("on Tuesday", "yesterday") for what happened this week, and gives the date of
# anything older.
_RECENT_KINDS = frozenset(
    ["weekday_date", "weekday", "yesterday", "today", "this_week", "last_week"]
)


def recency_expression(text: str) -> str | None:
    """An expression of ``text`` that dates something to the days just before (or
    of) publication, when ``text`` gives no explicit day or month with its year; else None."""
    if any(d.precision in ("day", "month") for d in find_dates(text)):
        return None
    for kind, pattern in _RELATIVE:
        if kind in _RECENT_KINDS:
            m = pattern.search(text)
            if m:
                return m.group(0).strip()
    return None


def publication_window(published: PublicationDate, past: bool) -> EventDate:
    """The event date when the text gives none: the publication date or window.

    An event told in the past tense may have happened any time before publication; we take
    the month before it, and never a single day.
    """
    ref = Reference.of(published)
    if ref.lo is not None and ref.hi is None:
        # Published some time after ``lo``: the event is not before (a month before) it.
        start = ref.lo - timedelta(days=31) if past else ref.lo
        return EventDate(None, "unknown", start.isoformat(), None, "publication")
    if ref.lo is None or ref.hi is None:
        return EventDate(method="none")
    if past:
        return EventDate(
            None, "unknown", (ref.lo - timedelta(days=31)).isoformat(), ref.hi.isoformat(),
            "publication",
        )  # fmt: skip
    if ref.exact is not None:
        day = ref.exact.isoformat()
        return EventDate(day, "day", day, day, "publication")
    return EventDate(None, "unknown", ref.lo.isoformat(), ref.hi.isoformat(), "publication")
