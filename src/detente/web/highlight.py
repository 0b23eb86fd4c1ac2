"""Cutting an article text into segments for display, each with the annotations covering it.

Article text is untrusted. Nothing here produces markup: the result is plain text segments
plus annotation records, and the template escapes every segment and every label. Overlapping
annotations (a mention inside an event's sentence inside a caption) are resolved by cutting
the text at every annotation boundary, so each segment carries the full set covering it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Event, Mention, Sentence

# The CSS classes a segment may carry: a closed vocabulary, never a value from the data.
MARK_KINDS = ("caption", "sentence", "evidence", "source", "target", "trigger", "mention")


@dataclass(frozen=True)
class Mark:
    """One annotation over ``text[start:end]``."""

    start: int
    end: int
    kind: str  # one of MARK_KINDS
    label: str
    # Actor code a mention or an event role points at (links to the actor page).
    actor: str | None = None
    # Event index (position in the article's event list) for event-related marks.
    event: int | None = None


@dataclass(frozen=True)
class Segment:
    text: str
    start: int
    end: int
    marks: tuple[Mark, ...] = ()
    # Anchors (sentence ids) that begin at this segment's start.
    anchors: tuple[str, ...] = ()

    @property
    def classes(self) -> str:
        kinds = {m.kind for m in self.marks}
        return " ".join(f"hl-{k}" for k in MARK_KINDS if k in kinds)

    @property
    def title(self) -> str:
        seen: list[str] = []
        for m in self.marks:
            if m.label and m.label not in seen:
                seen.append(m.label)
        return "; ".join(seen)

    @property
    def actor(self) -> str | None:
        """The actor of the innermost (shortest) mark that names one."""
        named = [m for m in self.marks if m.actor]
        return min(named, key=lambda m: m.end - m.start).actor if named else None


def mention_marks(mentions: Iterable[Mention]) -> list[Mark]:
    result = []
    for m in mentions:
        if m.actor_code:
            label = f"{m.actor_code}: {m.actor_name or m.text} ({m.kind}, {m.method})"
        else:
            label = f"unresolved {m.kind}"
        result.append(Mark(m.start, m.end, "mention", label, actor=m.actor_code))
    return result


def event_marks(events: Iterable[Event]) -> list[Mark]:
    result = []
    for i, e in enumerate(events):
        target = e.target_code or "-"
        label = f"event {e.code} {e.source_code} -> {target} ({e.modality})"
        result.append(Mark(e.trigger_start, e.trigger_end, "trigger", label, event=i))
        result.append(
            Mark(e.source_start, e.source_end, "source", f"source of {e.code}", e.source_code, i)
        )
        if e.target_start is not None and e.target_end is not None:
            result.append(
                Mark(
                    e.target_start, e.target_end, "target", f"target of {e.code}", e.target_code, i
                )
            )
    return result


def event_sentence_marks(events: Iterable[Event]) -> list[Mark]:
    spans = sorted({(e.sentence_start, e.sentence_end) for e in events})
    return [Mark(s, t, "sentence", "") for s, t in spans]


def caption_marks(captions: Iterable[tuple[int, int]]) -> list[Mark]:
    return [Mark(s, e, "caption", "caption (not coded)") for s, e in captions]


def segments(text: str, marks: Iterable[Mark], sentences: Iterable[Sentence] = ()) -> list[Segment]:
    """Cut ``text`` at every mark and sentence boundary; marks outside the text are dropped."""
    n = len(text)
    valid = [m for m in marks if 0 <= m.start < m.end <= n]
    anchors: dict[int, list[str]] = {}
    for s in sentences:
        if 0 <= s.start <= n:
            anchors.setdefault(s.start, []).append(f"s{s.index}")
    cuts = {0, n, *anchors}
    for m in valid:
        cuts.add(m.start)
        cuts.add(m.end)
    points = sorted(c for c in cuts if 0 <= c <= n)
    # Sweep: marks sorted by start, active set per piece. Articles hold at most a few hundred
    # marks, so the simple active-list scan is fast enough.
    by_start = sorted(valid, key=lambda m: (m.start, -m.end))
    result: list[Segment] = []
    active: list[Mark] = []
    next_mark = 0
    for a, b in zip(points, points[1:], strict=False):
        while next_mark < len(by_start) and by_start[next_mark].start <= a:
            active.append(by_start[next_mark])
            next_mark += 1
        active = [m for m in active if m.end > a]
        result.append(Segment(text[a:b], a, b, tuple(active), tuple(anchors.get(a, ()))))
    if n == 0 and anchors:
        result.append(Segment("", 0, 0, (), tuple(anchors[0])))
    return result


def article_segments(
    text: str,
    mentions: Iterable[Mention],
    events: Iterable[Event],
    sentences: Iterable[Sentence] = (),
    captions: Iterable[tuple[int, int]] = (),
    evidence: tuple[int, int] | None = None,
) -> list[Segment]:
    """The article page's segments: captions, event sentences, roles, triggers, mentions, and
    the span a visitor followed an evidence link to."""
    events = list(events)
    marks = [
        *caption_marks(captions),
        *event_sentence_marks(events),
        *event_marks(events),
        *mention_marks(mentions),
    ]
    if evidence is not None:
        marks.append(Mark(evidence[0], evidence[1], "evidence", "the evidence you followed"))
    return segments(text, marks, sentences)
