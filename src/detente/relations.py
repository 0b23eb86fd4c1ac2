"""Relations over time: how two actors (or one actor and everyone) treat each other.

An *event unit* is one real-world event as far as we can tell: an event group when the
events stage grouped reports of one event, else one coded event of one independent origin
article (copies of a story count once, through ``Store.origin_ids``). Per day, week or month
the dyad views give: units by QuadClass and CAMEO root, the sum and mean of their Goldstein
scores, how many stored events (mentions) and independent sources stand behind them, the
trend (least-squares slope of the Goldstein sum per period), change points (``ruptures``,
PELT on the Goldstein series) and the evidence behind any point.

Events whose modality is in ``Settings.analysis_excluded_modalities`` (hypothetical,
opinion, conditional, question, negated by default) are kept as units but not counted.

The aggregation and statistics are pure functions; ``series`` and ``evidence`` read the
pre-aggregated ``dyad_periods`` table through the store (one primary-key range scan).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .data import load_yaml
from .store import Store
from .stories import base_actor

GRAINS = ("day", "week", "month")
DIRECTIONS = ("both", "out")
EVERYONE = "*"


# --- units -----------------------------------------------------------------------------------


def event_day(row: Mapping[str, Any]) -> str | None:
    """The day an event is placed on: its date when known to the day, else the start of its
    window or of its month/year (the period views say 'happened within this period')."""
    value = row.get("date_start") or row.get("date")
    if not value:
        return None
    text = str(value)
    if len(text) == 4:
        return f"{text}-01-01"
    if len(text) == 7:
        return f"{text}-01"
    return text[:10]


def units_for_events(
    rows: Iterable[Mapping[str, Any]],
    origins: Mapping[int, int],
    excluded_modalities: Iterable[str],
) -> list[tuple[Any, ...]]:
    """``event_units`` rows for stored events: (event_id, article_id, origin_id, unit_key,
    source, target, day, quad_class, root, goldstein, counted). Events without a target or
    a day cannot be placed on a dyad timeline and are left out."""
    excluded = set(excluded_modalities)
    out: list[tuple[Any, ...]] = []
    for r in rows:
        day = event_day(r)
        if not r.get("target_code") or day is None:
            continue
        source, target = base_actor(r["source_code"]), base_actor(r["target_code"])
        if source == target:
            continue  # an actor acting on itself says nothing about a relation
        origin = origins.get(r["article_id"], r["article_id"])
        if r.get("group_id") is not None:
            key = f"g{r['group_id']}"
        else:
            key = f"o{origin}:{source}:{target}:{r['code']}:{day}"
        out.append(
            (
                r["id"],
                r["article_id"],
                origin,
                key,
                source,
                target,
                day,
                int(r["quad_class"]),
                str(r["root"] or r["code"][:2]),
                float(r["goldstein"]),
                int(r.get("modality", "asserted") not in excluded),
            )
        )
    return out


@lru_cache(maxsize=65536)
def period_of(day: str, grain: str) -> str:
    if grain == "day":
        return day
    if grain == "month":
        return day[:7]
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


@lru_cache(maxsize=65536)
def period_bounds(period: str, grain: str) -> tuple[str, str]:
    """First and last day of a period label."""
    if grain == "day":
        return period, period
    if grain == "week":
        d = date.fromisoformat(period)
        return period, (d + timedelta(days=6)).isoformat()
    year, month = int(period[:4]), int(period[5:7])
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return f"{period}-01", (nxt - timedelta(days=1)).isoformat()


@dataclass
class _Acc:
    units: dict[str, tuple[float, int, str]] = field(default_factory=dict)
    n_mentions: int = 0
    origins: set[int] = field(default_factory=set)


def aggregate(
    units: Iterable[Mapping[str, Any]], grains: Sequence[str] = GRAINS
) -> list[tuple[Any, ...]]:
    """``dyad_periods`` rows for counted units: per directed pair, unordered pair, and actor
    against everyone (as source, as target, either way), per grain and period."""
    acc: dict[tuple[str, str, str, str, str], _Acc] = {}
    for u in units:
        s, t = u["source_code"], u["target_code"]
        a, b = min(s, t), max(s, t)
        keys = [
            ("out", s, t),
            ("both", a, b),
            ("out", s, EVERYONE),
            ("out", EVERYONE, t),
            ("both", s, EVERYONE),
            ("both", t, EVERYONE),
        ]
        for grain in grains:
            period = period_of(u["day"], grain)
            for direction, src, tgt in keys:
                cell = acc.setdefault((direction, src, tgt, grain, period), _Acc())
                cell.n_mentions += 1
                cell.origins.add(u["origin_id"])
                if u["unit_key"] not in cell.units:
                    cell.units[u["unit_key"]] = (u["goldstein"], u["quad_class"], u["root"])
    rows = []
    for (direction, src, tgt, grain, period), cell in acc.items():
        quads = Counter(q for _, q, _ in cell.units.values())
        roots = Counter(r for _, _, r in cell.units.values())
        rows.append(
            (
                direction,
                src,
                tgt,
                grain,
                period,
                len(cell.units),
                cell.n_mentions,
                len(cell.origins),
                round(sum(g for g, _, _ in cell.units.values()), 4),
                quads[1],
                quads[2],
                quads[3],
                quads[4],
                json.dumps(dict(sorted(roots.items()))),
            )
        )
    return rows


def refresh(store: Store, pairs: Iterable[tuple[str, str]] | None) -> None:
    """Recompute the aggregates touched by ``pairs`` (all of them with ``None``): the pairs
    themselves and each of their actors against everyone. ``aggregate`` is the reference
    for what the store's SQL computes."""
    if pairs is None:
        store.rebuild_dyad_periods(None)
        return
    actors = sorted({a for p in pairs for a in p})
    if actors:
        store.rebuild_dyad_periods(actors)


# --- series ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    period: str
    start: str
    end: str
    n_events: int
    n_mentions: int
    n_sources: int
    goldstein_sum: float
    goldstein_mean: float
    quad_counts: dict[str, int]
    root_counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start,
            "end": self.end,
            "n_events": self.n_events,
            "n_mentions": self.n_mentions,
            "n_sources": self.n_sources,
            "goldstein_sum": self.goldstein_sum,
            "goldstein_mean": self.goldstein_mean,
            "quad_counts": dict(self.quad_counts),
            "root_counts": dict(self.root_counts),
        }

    @property
    def cooperation(self) -> int:
        return self.quad_counts["1"] + self.quad_counts["2"]

    @property
    def conflict(self) -> int:
        return self.quad_counts["3"] + self.quad_counts["4"]


@dataclass(frozen=True)
class Series:
    source: str
    target: str
    direction: str
    grain: str
    points: list[Point]
    trend: float | None  # least-squares slope of the Goldstein sum, per period
    change_points: list[str]  # first periods of new regimes
    n_events: int
    goldstein_sum: float

    @property
    def goldstein_mean(self) -> float:
        return round(self.goldstein_sum / self.n_events, 4) if self.n_events else 0.0

    def as_dict(self) -> dict[str, Any]:
        # By hand: dataclasses.asdict deep-copies every value and costs the API endpoint
        # several milliseconds on a long weekly series.
        return {
            "source": self.source,
            "target": self.target,
            "direction": self.direction,
            "grain": self.grain,
            "points": [point.as_dict() for point in self.points],
            "trend": self.trend,
            "change_points": list(self.change_points),
            "n_events": self.n_events,
            "goldstein_sum": self.goldstein_sum,
            "goldstein_mean": self.goldstein_mean,
        }


def _point(row: Mapping[str, Any], grain: str) -> Point:
    start, end = period_bounds(row["period"], grain)
    n = int(row["n_events"])
    return Point(
        period=row["period"],
        start=start,
        end=end,
        n_events=n,
        n_mentions=int(row["n_mentions"]),
        n_sources=int(row["n_sources"]),
        goldstein_sum=float(row["goldstein_sum"]),
        goldstein_mean=round(float(row["goldstein_sum"]) / n, 4) if n else 0.0,
        quad_counts={str(q): int(row[f"quad{q}"]) for q in (1, 2, 3, 4)},
        root_counts=json.loads(row["roots"]),
    )


def trend(values: Sequence[float]) -> float | None:
    """Least-squares slope per period; None with fewer than two periods."""
    n = len(values)
    if n < 2:
        return None
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return round(num / den, 4) if den else None


def change_points(
    values: Sequence[float], penalty: float | None = None, min_size: int = 2
) -> list[int]:
    """Indices where a new regime starts (penalised PELT search with the L2 cost, from
    ``ruptures``). The default penalty is BIC-like: 2 * variance * ln(n), so a noisy series
    needs a bigger shift.

    ``KernelCPD`` with the linear kernel is the L2 cost (same segmentation as
    ``Pelt(model="l2")``) computed in ruptures' C code: ~0.5 ms instead of ~1 s for ten
    years of weeks, which keeps the dyad endpoint of the API fast."""
    import numpy as np
    import ruptures

    n = len(values)
    if n < 2 * min_size + 1:
        return []
    signal = np.asarray(values, dtype=float).reshape(-1, 1)
    variance = float(np.var(signal)) or 1.0
    pen = penalty if penalty is not None else 2 * variance * float(np.log(n))
    search = ruptures.KernelCPD(kernel="linear", min_size=min_size, jump=1)
    breaks = search.fit(signal).predict(pen=pen)
    return [int(b) for b in breaks if b < n]


def fill_periods(points: list[Point], grain: str) -> list[Point]:
    """The series with empty periods between the first and last as zero points, so trends
    and change points see quiet periods as quiet, not as missing."""
    if len(points) < 2:
        return points
    by_period = {p.period: p for p in points}
    out = []
    current = points[0].period
    last = points[-1].period
    while current <= last:
        out.append(by_period.get(current) or _empty(current, grain))
        current = _next_period(current, grain)
    return out


def _empty(period: str, grain: str) -> Point:
    start, end = period_bounds(period, grain)
    zero = {"1": 0, "2": 0, "3": 0, "4": 0}
    return Point(period, start, end, 0, 0, 0, 0.0, 0.0, zero, {})


@lru_cache(maxsize=65536)
def _next_period(period: str, grain: str) -> str:
    _, end = period_bounds(period, grain)
    return period_of((date.fromisoformat(end) + timedelta(days=1)).isoformat(), grain)


def series(
    store: Store,
    source: str,
    target: str = EVERYONE,
    grain: str = "month",
    direction: str = "both",
    since: str | None = None,
    until: str | None = None,
    fill: bool = True,
) -> Series:
    """The relation of ``source`` and ``target`` (``*``: everyone) per period."""
    if grain not in GRAINS:
        raise ValueError(f"unknown period {grain!r} (choose from {', '.join(GRAINS)})")
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r} (choose from both, out)")
    source, target = base_actor(source.upper()), base_actor(target.upper())
    rows = store.dyad_periods(
        source, target, grain, direction, _period_floor(since, grain), _period_floor(until, grain)
    )
    points = [_point(r, grain) for r in rows]
    if fill and grain != "day":
        points = fill_periods(points, grain)
    values = [p.goldstein_sum for p in points]
    return Series(
        source=source,
        target=target,
        direction=direction,
        grain=grain,
        points=points,
        trend=trend(values),
        change_points=[points[i].period for i in change_points(values)],
        n_events=sum(p.n_events for p in points),
        goldstein_sum=round(sum(values), 4),
    )


def _period_floor(day: str | None, grain: str) -> str | None:
    if not day:
        return None
    return period_of(day[:10], grain) if len(day) >= 10 else day


def evidence(
    store: Store,
    source: str,
    target: str = EVERYONE,
    period: str | None = None,
    grain: str = "month",
    direction: str = "both",
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The events behind one point (or, without ``period``, the whole series): each with
    its article, sentence text, origin and whether it is counted."""
    source, target = base_actor(source.upper()), base_actor(target.upper())
    lo, hi = period_bounds(period, grain) if period else ("0000-01-01", "9999-12-31")
    return store.dyad_units(source, target, direction, lo, hi, True, limit)


# --- alliances -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Membership:
    alliance: str
    member: str
    joined: date
    left: date | None
    suspended: tuple[tuple[date, date | None], ...] = ()

    def active(self, day: date) -> bool:
        if day < self.joined or (self.left is not None and day >= self.left):
            return False
        return not any(a <= day and (b is None or day < b) for a, b in self.suspended)


def _as_date(value: Any) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _suspension(spec: Mapping[str, Any]) -> tuple[date, date | None]:
    start = _as_date(spec["from"])
    if start is None:
        raise ValueError(f"alliances.yaml: a suspension without a start: {spec}")
    return start, _as_date(spec.get("to"))


@lru_cache(maxsize=1)
def alliances() -> dict[str, list[Membership]]:
    """Dated memberships from ``data/alliances.yaml``."""
    data = load_yaml("alliances.yaml")["alliances"]
    out: dict[str, list[Membership]] = {}
    for code, spec in data.items():
        members = []
        for member, m in spec["members"].items():
            joined = _as_date(m["joined"])
            assert joined is not None
            members.append(
                Membership(
                    code,
                    member,
                    joined,
                    _as_date(m.get("left")),
                    tuple(_suspension(s) for s in m.get("suspended", [])),
                )
            )
        out[code] = members
    return out


def allied(a: str, b: str, day: date) -> list[str]:
    """The alliances that ``a`` and ``b`` both belonged to on ``day``."""
    result = []
    for code, members in alliances().items():
        active = {m.member for m in members if m.active(day)}
        if a in active and b in active:
            result.append(code)
    return result


@dataclass(frozen=True)
class StressPoint:
    period: str
    cooperation: int
    conflict: int
    net: int  # cooperation - conflict
    goldstein_sum: float
    baseline_net: float  # mean net of the earlier periods (expanding window)
    deviation: float  # net - baseline_net: negative = more strained than usual
    allied: bool


def stress(points: Sequence[Point], allied_in: Sequence[bool]) -> list[StressPoint]:
    """Cooperation against conflict per period, set against the pair's own baseline (the
    mean net cooperation of the earlier allied periods)."""
    out: list[StressPoint] = []
    history: list[int] = []
    for p, is_allied in zip(points, allied_in, strict=True):
        net = p.cooperation - p.conflict
        base = sum(history) / len(history) if history else 0.0
        out.append(
            StressPoint(
                p.period,
                p.cooperation,
                p.conflict,
                net,
                p.goldstein_sum,
                round(base, 4),
                round(net - base, 4),
                is_allied,
            )
        )
        if is_allied and p.n_events:
            history.append(net)
    return out


def alliance_stress(
    store: Store,
    alliance: str,
    grain: str = "month",
    since: str | None = None,
    until: str | None = None,
) -> list[dict[str, Any]]:
    """For every pair of members of ``alliance`` with events between them: the stress
    series, most strained pair (lowest net) first."""
    members = alliances().get(alliance.upper())
    if members is None:
        raise ValueError(f"unknown alliance {alliance!r} (known: {', '.join(alliances())})")
    codes = sorted({m.member for m in members})
    by_code = {m.member: m for m in members}
    result: list[dict[str, Any]] = []
    for i, a in enumerate(codes):
        for b in codes[i + 1 :]:
            s = series(store, a, b, grain, "both", since, until)
            if not s.n_events:
                continue
            flags = [
                by_code[a].active(date.fromisoformat(p.end))
                and by_code[b].active(date.fromisoformat(p.end))
                for p in s.points
            ]
            if not any(flags):
                continue  # members at different times, never allies together
            points = stress(s.points, flags)
            result.append(
                {
                    "alliance": alliance.upper(),
                    "pair": [a, b],
                    "n_events": s.n_events,
                    "net": sum(p.net for p in points),
                    "points": [asdict(p) for p in points],
                }
            )
    result.sort(key=lambda r: float(r["net"]))
    return result
