"""Scoring actor mentions against hand annotation (the ``actors:`` maps of gold files).

Gold gives surface forms and the actor code(s) they stand for, per article. A form is
*resolved* when one of its occurrences in the text is covered by a mention with an
accepted code or the accepted code's country; it is *wrong* when any occurrence is
covered by a resolved mention of another country.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .model import Mention

ROLE_SUFFIXES = ("GOV", "MIL", "CVL", "OPP", "MED", "BUS", "REB", "PTY", "JUD", "LEG", "REF", "SPY")


def code_country(code: str) -> str:
    """The country part of a CAMEO-style code: ARMGOV -> ARM, CSTO -> CSTO, NKR -> NKR."""
    for suffix in ROLE_SUFFIXES:
        if code.endswith(suffix) and len(code) > len(suffix):
            return code[: -len(suffix)]
    return code


def mention_country(mention: Mention) -> str | None:
    if mention.actor_code:
        return code_country(mention.actor_code)
    return mention.country


@dataclass
class FormResult:
    form: str
    accepted: tuple[str, ...]
    occurrences: int = 0
    resolved: bool = False
    found: list[str | None] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def occurrences(text: str, form: str) -> list[tuple[int, int]]:
    """Where ``form`` occurs as whole words ("Armenia" is not in "Armenian")."""
    spans, start = [], text.find(form)
    while start >= 0:
        end = start + len(form)
        before = text[start - 1] if start > 0 else " "
        after = text[end] if end < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            spans.append((start, end))
        start = text.find(form, start + 1)
    return spans


def score_article(
    text: str, mentions: Iterable[Mention], gold: Mapping[str, str | list[str]]
) -> list[FormResult]:
    ordered = sorted(mentions, key=lambda m: m.start)
    results = []
    for form, codes in gold.items():
        accepted = tuple([codes] if isinstance(codes, str) else codes)
        countries = {code_country(c) for c in accepted}
        result = FormResult(form, accepted)
        for lo, hi in occurrences(text, form):
            result.occurrences += 1
            covering = [m for m in ordered if m.start < hi and lo < m.end]
            for m in covering:
                result.found.append(m.actor_code)
                if m.actor_code in accepted or mention_country(m) in countries:
                    result.resolved = True
                elif m.actor_code is not None:
                    result.wrong.append(f"{m.text!r} -> {m.actor_code}")
        results.append(result)
    return results
