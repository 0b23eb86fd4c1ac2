"""Rule-based sentence splitting, shared by the actor and event stages.

Fast (regular expressions over the text, no model) and conservative: a sentence never
crosses a line break, and a full stop after an abbreviation ("U.N.", "Mr.", "Gen."), an
initial ("J. Smith") or inside a number ("99.9") does not end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .dates import DATELINE_PARAGRAPHS, dateline_end
from .model import Sentence, Span

# Abbreviations that are followed by a name or a number far more often than they end a
# sentence (titles, months, "No.", "St."). Lower-cased, without the final full stop.
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cpt", "maj", "adm",
    "cmdr", "gov", "sen", "rep", "rev", "fr", "sr", "jr", "st", "mt", "pres", "amb", "sec",
    "dept", "vs", "etc", "inc", "co", "corp", "ltd", "cf", "e.g", "i.e", "approx", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
})  # fmt: skip
# Abbreviations that precede a number: "No. 5", "vol. 2"; "No." before a word is the word.
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "vol", "pp", "art"})

# Terminal punctuation, then closing quotes/brackets, then a space, then something that
# can start a sentence: an upper-case letter, a digit or an opening quote.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=[ \t]+[\"'“‘«(\[]*[A-Z0-9À-ÖØ-Þ])")
_LINE = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _ends_with_abbreviation(line: str, stop: int) -> bool:
    """Whether the full stop at ``line[stop]`` belongs to an abbreviation or an initial."""
    if line[stop] != ".":
        return False
    match = _WORD_BEFORE.search(line, 0, stop)
    if match is None:
        return False
    word = match.group(1)
    bare = word.strip(".").lower()
    if not bare:
        return False
    if bare in _ABBREVIATIONS:
        return True
    if bare in _NUMBER_ABBREVIATIONS:
        return line[stop + 1 : stop + 3].strip()[:1].isdigit()
    # A single capital: an initial ("J. Smith"). Dotted acronyms: "U.N.", "U.S.".
    if len(bare) == 1 and word[-1].isupper():
        return True
    return "." in bare and all(len(part) <= 2 for part in bare.split("."))


def _line_sentences(line: str, offset: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if _ends_with_abbreviation(line, match.start()):
            continue
        found.append((start, match.end()))
        start = match.end()
    found.append((start, len(line)))
    result = []
    for lo, hi in found:
        piece = line[lo:hi]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        result.append((offset + lo + lead, offset + lo + lead + len(stripped)))
    return result


def split_sentences(text: str, spans: Sequence[Span] = ()) -> list[Sentence]:
    """The sentences of ``text`` as character offsets, in order, without overlaps.

    Every non-blank character belongs to exactly one sentence. A sentence that overlaps a
    span of kind ``caption`` is marked ``is_caption``.
    """
    captions = sorted((s.start, s.end) for s in spans if s.kind == "caption")
    sentences: list[Sentence] = []
    for n, line in enumerate(_LINE.finditer(text)):
        pieces = _line_sentences(line.group(), line.start())
        cut = dateline_end(line.group()) if n < DATELINE_PARAGRAPHS else 0
        if cut:
            # "BAKU, September 20, 2023 (Reuters) - Azerbaijan launched ...": the dateline
            # is a segment of its own, so its place is no actor of the first sentence and
            # its date no time of that sentence's events.
            pieces = [
                *_line_sentences(line.group()[:cut], line.start()),
                *_line_sentences(line.group()[cut:], line.start() + cut),
            ]
        for start, end in pieces:
            is_caption = any(lo < end and start < hi for lo, hi in captions)
            sentences.append(Sentence(len(sentences), start, end, is_caption))
    return sentences


def sentence_at(sentences: Sequence[Sentence], offset: int) -> int:
    """Index of the sentence that contains ``offset`` (the nearest one before it if none)."""
    lo, hi = 0, len(sentences)
    while lo < hi:
        mid = (lo + hi) // 2
        if sentences[mid].start <= offset:
            lo = mid + 1
        else:
            hi = mid
    return max(lo - 1, 0)
