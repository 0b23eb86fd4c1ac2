"""Quotes, quantities and conflicting claims: pure functions over articles and mentions.

- ``parse_number`` normalises how news writes numbers ("2,000", "two thousand", "2.5m",
  "dozens") into a value and an approximate flag.
- ``extract_quantities`` finds numbers with what they count (peacekeepers, troops, killed,
  money, ...), using the lexicon in ``data/quantities.yaml``.
- ``extract_quotes`` finds direct ("...", X said) and indirect (X said that ...) speech and
  resolves its speaker through the article's actor mentions ("he said" after a named one).
- ``conflicting_claims`` groups the same quantity reported by independent sources and keeps
  the groups whose versions disagree.

Nothing here reads the store: the analysis stage passes articles, sentences and mentions in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import Any

from .data import load_yaml
from .model import Article, Mention, Sentence

# --- numbers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float
    approximate: bool = False


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("quantities.yaml")
    return data


def _word_values() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    lex = _lexicon()
    return lex["units"], lex["tens"], lex["scales"]


_DIGITS = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _digits_value(text: str) -> float | None:
    cleaned = re.sub(r"[,\u00a0\u202f ]", "", text)
    try:
        return float(cleaned)
    except ValueError:
        return None


def _words_value(words: Sequence[str]) -> float | None:
    """'two thousand five hundred' -> 2500; None when a word is not a number word."""
    units, tens, scales = _word_values()
    total, current, seen = 0.0, 0.0, False
    for word in words:
        if word in ("and", "a") and seen:
            continue
        if word == "a" and not seen:
            current, seen = 1.0, True
            continue
        if word in units:
            current += units[word]
        elif word in tens:
            current += tens[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in scales:
            total += (current or 1) * scales[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def parse_number(text: str) -> Number | None:
    """The number written in ``text`` (digits, words, scale words, vague amounts), or None.

    >>> parse_number("2,000")
    Number(value=2000.0, approximate=False)
    >>> parse_number("about two thousand")
    Number(value=2000.0, approximate=True)
    """
    lex = _lexicon()
    s = " ".join(text.lower().replace("\u2011", "-").split())
    approximate = False
    for hedge in sorted(lex["hedges"], key=len, reverse=True):
        if s.startswith(hedge + " "):
            s = s[len(hedge) + 1 :]
            approximate = True
            break
    if not s:
        return None
    if s in lex["vague"]:
        return Number(float(lex["vague"][s]), True)
    m = re.fullmatch(rf"({_DIGITS})\s*([a-z]+)?", s)
    if m:
        value = _digits_value(m.group(1))
        if value is None:
            return None
        suffix = m.group(2)
        if suffix:
            scale = lex["scales"].get(suffix) or lex["scale_suffixes"].get(suffix)
            if scale is None:
                return None
            value *= scale
        return Number(value, approximate)
    words = [w for w in re.split(r"[\s-]+", s) if w]
    value = _words_value(words)
    return None if value is None else Number(value, approximate)


def _number_words_pattern() -> str:
    units, tens, scales = _word_values()
    vocab = sorted([*units, *tens, *scales], key=len, reverse=True)
    word = "(?:" + "|".join(vocab) + ")"
    return rf"{word}(?:(?:\s+and\s+|[\s-]+){word})*"


@lru_cache(maxsize=1)
def _number_regex() -> re.Pattern[str]:
    lex = _lexicon()
    vague = sorted(lex["vague"], key=len, reverse=True)
    hedges = sorted(set(lex["hedges"]), key=len, reverse=True)
    scales = sorted([*lex["scales"], *lex["scale_suffixes"]], key=len, reverse=True)
    hedge = "(?:(?:" + "|".join(map(re.escape, hedges)) + r")\s+)?"
    digits = rf"(?:{_DIGITS})(?:\s?(?:{'|'.join(scales)})\b)?"
    body = (
        "(?:" + "|".join(re.escape(v) for v in vague) + r")(?:\s+of)?"
        f"|{digits}|{_number_words_pattern()}"
    )
    return re.compile(rf"(?<![\w.,])(?P<num>{hedge}(?:{body}))(?![\w])", re.IGNORECASE)


# --- sentences -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])|\n\s*\n|\n")


def sentence_spans(text: str, stored: Sequence[Sentence] = ()) -> list[Sentence]:
    """The stored sentences of an article, or, when none are stored, a plain split.

    The split cuts at sentence-final punctuation before a capital and at line breaks (news
    paragraphs); good enough for locating quotes and numbers when the actor stage has not run.
    """
    if stored:
        return list(stored)
    result: list[Sentence] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        _add_sentence(text, start, m.start(), result)
        start = m.end()
    _add_sentence(text, start, len(text), result)
    return result


def _add_sentence(text: str, start: int, end: int, out: list[Sentence]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(len(out), start, end))


def _caption_ranges(article: Article) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in article.spans if s.kind == "caption"]


def _in_ranges(pos: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in ranges)


# --- quantities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quantity:
    """A number in an article with what it counts."""

    what: str  # category: peacekeepers, troops, killed, wounded, refugees, money, ...
    value: float
    unit: str  # people, items, or an ISO 4217 currency code
    approximate: bool
    text: str  # the number as printed ("2,000", "dozens")
    noun: str  # the counted words as printed ("peacekeepers", "Armenians")
    start: int
    end: int
    sentence: int
    sentence_start: int
    sentence_end: int
    # The actor the quantity belongs to (whose troops): the nearest actor mention before
    # the number in its sentence, when the actor stage has run.
    actor_code: str | None = None
    # A year written in the sentence, which pins down when the figure applies.
    year: int | None = None
    article_id: int | None = None


@lru_cache(maxsize=1)
def _noun_index() -> list[tuple[str, str]]:
    """(counted phrase, category), longest first so 'prisoners of war' beats 'prisoners'."""
    pairs = [
        (noun.lower(), name)
        for name, spec in _lexicon()["categories"].items()
        for noun in spec["nouns"]
    ]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


_MODIFIER = re.compile(
    r"[\"“”‘’']?(?:[A-Z][\w-]*|[a-z][\w-]*(?:an|ese|ish|i|ic|al|ed|ian))[\"“”‘’']?"
)
_WORD = re.compile(r"[\w$€£₽][\w'’-]*|[$€£₽]")


def _following_words(text: str, pos: int, n: int) -> list[tuple[str, int, int]]:
    # Only the first ``n`` words are read: not every word to the end of the article.
    found = islice(_WORD.finditer(text, pos), n)
    return [(m.group(0), m.start(), m.end()) for m in found]


def _category_for(phrase: str) -> str | None:
    low = phrase.lower()
    for noun, name in _noun_index():
        if low == noun:
            return name
    return None


def _counted_noun(text: str, end: int) -> tuple[str, str, int] | None:
    """What follows a number: (category, words as printed, end offset), allowing up to three
    modifiers first ('2,000 Russian peacekeepers', '80 Azerbaijani soldiers')."""
    words = _following_words(text, end, 6)
    for skip in range(0, 4):
        if skip >= len(words):
            break
        for span in (3, 2, 1):
            chunk = words[skip : skip + span]
            if len(chunk) < span:
                continue
            phrase = " ".join(w for w, _, _ in chunk)
            name = _category_for(phrase)
            if name is not None:
                return name, text[words[0][1] : chunk[-1][2]], chunk[-1][2]
        if not _MODIFIER.fullmatch(words[skip][0]):
            break
    return None


# "The death toll has risen to 413", "the toll stood at 1,200": a number the toll reaches.
_TOLL = re.compile(r"\btoll\b[^.;:!?]{0,50}?\b(?:to|at|of|reached|hit|passed|exceeded|topped)\s*$")


def _casualty_category(sentence: str, num_start: int, num_end: int) -> str | None:
    """'killed'/'wounded' when a casualty word sits close to the number (same clause); the
    nearest one wins ("two were killed and three wounded": three are wounded)."""
    lex = _lexicon()["casualty_context"]
    before = sentence[max(0, num_start - 40) : num_start].lower()
    after = sentence[num_end : num_end + 60].lower()
    # Only up to the next clause break: "207 Armenians, while 12 were wounded" is two facts.
    after = re.split(r"[;:]|,\s+(?:while|and|but)\b", after)[0]
    nearest: tuple[int, str] | None = None
    for name in ("killed", "wounded"):
        for word in lex[name]:
            pattern = rf"\b{re.escape(word)}\b"
            close_before = re.search(pattern + r"\W*(?:\w+\W+){0,2}$", before)
            if close_before is not None:
                distance = len(before) - close_before.start() - len(word)
                if nearest is None or distance < nearest[0]:
                    nearest = (distance, name)
            following = re.search(pattern, after)
            if following is not None and (nearest is None or following.start() < nearest[0]):
                nearest = (following.start(), name)
    return nearest[1] if nearest is not None else None


def _currency(text: str, start: int, end: int) -> str | None:
    currencies: dict[str, str] = _lexicon()["currencies"]
    before = text[max(0, start - 4) : start].lower().rstrip()
    for symbol, code in currencies.items():
        if not symbol.isalpha() and before.endswith(symbol):
            return code
    words = _following_words(text, end, 1)
    if words and words[0][0].lower() in currencies:
        return currencies[words[0][0].lower()]
    return None


_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_STRONG = re.compile(r"^\s*[-‑]?\s*strong\b", re.IGNORECASE)


def extract_quantities(
    article: Article,
    sentences: Sequence[Sentence] = (),
    mentions: Sequence[Mention] = (),
) -> list[Quantity]:
    """Numbers with what they count, in the article's body sentences (captions skipped)."""
    text = article.text
    captions = _caption_ranges(article)
    result: list[Quantity] = []
    for sent in sentence_spans(text, sentences):
        if sent.is_caption or _in_ranges(sent.start, captions):
            continue
        s_text = text[sent.start : sent.end]
        years = [int(y) for y in _YEAR.findall(s_text)]
        for m in _number_regex().finditer(s_text):
            num_text = m.group("num")
            number = parse_number(re.sub(r"\s+of$", "", num_text, flags=re.IGNORECASE))
            if number is None:
                continue
            n_start, n_end = sent.start + m.start("num"), sent.start + m.end("num")
            if _YEAR.fullmatch(num_text) and not _counted_noun(text, n_end):
                continue
            found = _quantity_at(text, s_text, m.start("num"), m.end("num"), n_start, n_end)
            if found is None:
                continue
            what, unit, noun = found
            previous = result[-1] if result and result[-1].sentence == sent.index else None
            between = text[previous.end : n_start] if previous is not None else ""
            if (
                previous is not None
                and previous.what in ("killed", "wounded")
                and what not in ("killed", "wounded")  # "25 dead and dozens injured"
                and unit == "people"
                and re.fullmatch(r"\s*(?:[\w'-]+\s+){0,3}(?:and|or|as well as)\s*", between)
            ):
                # "the lives of 207 Armenians and 80 Azerbaijani soldiers": coordinated
                # numbers share the casualty verb.
                what = previous.what
            # A year next to a force size ("deployed 5,000 peacekeepers in 2020") dates it;
            # the number itself is never its own year.
            own_year = [y for y in years if str(y) != num_text.strip()]
            result.append(
                Quantity(
                    what=what,
                    value=number.value,
                    unit=unit,
                    approximate=number.approximate,
                    text=num_text,
                    noun=noun,
                    start=n_start,
                    end=n_end,
                    sentence=sent.index,
                    sentence_start=sent.start,
                    sentence_end=sent.end,
                    actor_code=_holder_of(text, sent, n_start, n_end, noun, mentions),
                    year=own_year[0] if len(set(own_year)) == 1 else None,
                    article_id=article.id,
                )
            )
    return result


def _quantity_at(
    text: str, s_text: str, rel_start: int, rel_end: int, start: int, end: int
) -> tuple[str, str, str] | None:
    """(what, unit, counted words) for the number at text[start:end], or None."""
    categories = _lexicon()["categories"]
    currency = _currency(text, start, end)
    if currency is not None:
        return "money", currency, currency
    counted = _counted_noun(text, end)
    casualty = _casualty_category(s_text, rel_start, rel_end)
    if counted is not None:
        name, words, _ = counted
        # "killed 12 civilians": the casualty, not the population, is what is counted.
        if casualty and categories[name]["unit"] == "people":
            return casualty, "people", words
        return name, categories[name]["unit"], words
    # "a contingent, 1,960 strong": the counted noun comes before the number.
    if _STRONG.match(text[end:]):
        before = _following_words(s_text[:rel_start], 0, 200)[-6:]
        for i in range(len(before)):
            found = _category_for(" ".join(w.strip("“”\"'‘’") for w, _, _ in before[i:]))
            if found is None:
                found = _category_for(before[i][0].strip("“”\"'‘’"))
            if found is not None:
                return found, categories[found]["unit"], before[i][0]
    if casualty is None and _TOLL.search(s_text[max(0, rel_start - 70) : rel_start].lower()):
        return "killed", "people", "toll"
    if casualty:
        following = _following_words(text, end, 3)
        noun = next((w for w, _, _ in following if w[:1].isupper() or w.isalpha()), "")
        if noun and noun.lower() not in ("of", "in", "on", "at", "per", "percent", "%"):
            return casualty, "people", noun
    return None


def _holder_of(
    text: str, sent: Sentence, start: int, end: int, noun: str, mentions: Sequence[Mention]
) -> str | None:
    """Whose figure: an actor inside the counted phrase ('80 Azerbaijani soldiers') first,
    else the nearest one before the number in its sentence."""
    at = text.find(noun, end, end + 40) if noun else -1
    if at >= 0:
        inner = Sentence(sent.index, end, at + len(noun))
        found = _holder(mentions, inner, end) if mentions else _holder_by_name(text, inner, end)
        if found is not None:
            return found
    if mentions:
        return _holder(mentions, sent, start)
    return _holder_by_name(text, sent, start)


def _holder(mentions: Sequence[Mention], sent: Sentence, pos: int) -> str | None:
    """The country (or organisation) of the nearest resolved mention before ``pos`` in the
    sentence, else the first after it: whose troops, whose casualties."""
    inside = [
        m
        for m in mentions
        if sent.start <= m.start < sent.end and (m.country or m.actor_code) is not None
    ]
    before = [m for m in inside if m.end <= pos]
    pick = before[-1] if before else (inside[0] if inside else None)
    if pick is None:
        return None
    return pick.country or pick.actor_code


@lru_cache(maxsize=1)
def _demonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    import csv

    from .data import data_path

    with data_path("demonyms.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    table = {r["word"]: r["code"] for r in rows}
    names = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])"), table


def _holder_by_name(text: str, sent: Sentence, pos: int) -> str | None:
    """Without actor mentions: the nearest country name, demonym or capital before the
    number in its sentence (``data/demonyms.csv``), else the first after it."""
    pattern, table = _demonyms()
    found = list(pattern.finditer(text, sent.start, sent.end))
    before = [m for m in found if m.end() <= pos]
    pick = before[-1] if before else (found[0] if found else None)
    return table[pick.group(0)] if pick else None


# --- conflicting claims ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimVersion:
    value: float
    approximate: bool
    article_ids: tuple[int, ...]
    origin_ids: tuple[int, ...]
    evidence: tuple[tuple[int, int, int], ...]  # (article_id, start, end) of each sentence

    @property
    def n_sources(self) -> int:
        return len(self.origin_ids)


@dataclass(frozen=True)
class Claim:
    """One quantity reported differently by independent sources."""

    what: str
    unit: str
    actor_code: str | None
    story_id: int | None
    versions: tuple[ClaimVersion, ...]
    key: str = ""


def _compatible(a: Number, b: Number) -> bool:
    """Two figures that do not contradict each other: equal, or one vague and within the
    other's range ('dozens' and '30' agree; '2,000' and '1,960' do not)."""
    if a.value == b.value:
        return True
    if a.approximate or b.approximate:
        lo, hi = sorted((a.value, b.value))
        return hi <= lo * 1.5
    return False


def conflicting_claims(
    quantities: Sequence[Quantity],
    origins: Mapping[int, int],
    story_of: Mapping[int, int] | None = None,
) -> list[Claim]:
    """Groups of the same quantity whose versions disagree, with every version's sources.

    The same quantity means the same ``what`` and unit about the same actor; figures with
    an explicit, different year are different facts. Incident figures (``scope: event``:
    casualties, arrests) are only compared within one story; standing figures (the size of
    a force) across stories. Copies count once: versions are counted by origin article.
    """
    categories = _lexicon()["categories"]
    story_of = story_of or {}
    groups: dict[tuple[Any, ...], list[Quantity]] = {}
    for q in quantities:
        if q.article_id is None or q.actor_code is None:
            continue
        scope = categories.get(q.what, {}).get("scope", "event")
        story = story_of.get(q.article_id) if scope == "event" else None
        if scope == "event" and story is None:
            continue
        groups.setdefault((q.what, q.unit, q.actor_code, story), []).append(q)
    claims: list[Claim] = []
    for (what, unit, actor, story), items in sorted(groups.items(), key=lambda kv: str(kv[0])):
        for subset in _split_by_year(items):
            versions = _versions(subset, origins)
            independent = {o for v in versions for o in v.origin_ids}
            if len(versions) < 2 or len(independent) < 2:
                continue
            numbers = [Number(v.value, v.approximate) for v in versions]
            if all(_compatible(a, b) for a in numbers for b in numbers):
                continue
            claims.append(
                Claim(
                    what=what,
                    unit=unit,
                    actor_code=actor,
                    story_id=story,
                    versions=tuple(versions),
                    key=f"{what}:{unit}:{actor}:{story if story is not None else '*'}",
                )
            )
    return claims


def _split_by_year(items: list[Quantity]) -> list[list[Quantity]]:
    """Items with no year join every year's group; with no years at all, one group."""
    years = sorted({q.year for q in items if q.year is not None})
    if len(years) <= 1:
        return [items]
    undated = [q for q in items if q.year is None]
    return [[q for q in items if q.year == y] + undated for y in years]


def _versions(items: list[Quantity], origins: Mapping[int, int]) -> list[ClaimVersion]:
    by_value: dict[float, list[Quantity]] = {}
    for q in items:
        by_value.setdefault(q.value, []).append(q)
    versions = []
    for value, qs in sorted(by_value.items()):
        article_ids = sorted({q.article_id for q in qs if q.article_id is not None})
        versions.append(
            ClaimVersion(
                value=value,
                approximate=all(q.approximate for q in qs),
                article_ids=tuple(article_ids),
                origin_ids=tuple(sorted({origins.get(a, a) for a in article_ids})),
                evidence=tuple(
                    (q.article_id, q.sentence_start, q.sentence_end)
                    for q in qs
                    if q.article_id is not None
                ),
            )
        )
    return versions


# --- quotes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """Reported speech with its speaker: direct ("...") or indirect (X said that ...)."""

    text: str
    start: int
    end: int
    verb: str
    kind: str  # direct, indirect
    speaker_text: str  # the words naming the speaker where the quote is ("he", "Zakharova")
    speaker_start: int | None
    speaker_end: int | None
    sentence: int
    speaker_code: str | None = None
    speaker_name: str | None = None
    speaker_id: str | None = None
    article_id: int | None = None


@dataclass(frozen=True)
class _QuoteWords:
    verb: re.Pattern[str]
    pronouns: frozenset[str]
    according: re.Pattern[str]
    titles: frozenset[str]


@lru_cache(maxsize=1)
def _quote_words() -> _QuoteWords:
    data = load_yaml("quotes.yaml")
    verbs = sorted(data["verbs"], key=len, reverse=True)
    verb = "(?:" + "|".join(re.escape(v) for v in verbs) + ")"
    according = "(?:" + "|".join(re.escape(p) for p in data["according_to"]) + ")"
    return _QuoteWords(
        verb=re.compile(rf"\b(?P<verb>{verb})\b", re.IGNORECASE),
        pronouns=frozenset(data["pronouns"]),
        according=re.compile(rf"\b{according}\s+(?P<who>[^:\"]{{2,160}}?)[,:]?\s*$", re.I),
        titles=frozenset(t.lower() for t in data["titles"]),
    )


# A capitalised run of words, possibly with name particles ("Tom de Waal").
_CAP_RUN = re.compile(
    r"(?:[A-Z][\w'\-]*)(?:\s+(?:(?:de|van|von|al|bin|der|la|le|du|da)\s+)?[A-Z][\w'\-]*)*"
)
_PRONOUN = re.compile(r"^(?:he|she|they|we|i)$", re.IGNORECASE)
_QUOTE_MARK = re.compile(r"[\"“”«»„]")


def _speaker_words(chunk: str, words: _QuoteWords) -> tuple[str, int, int] | None:
    """The person named in a short stretch of text: a pronoun, or the last capitalised run
    with title words and possessors ("Armenia's Prime Minister") taken off its front."""
    stripped = chunk.strip(" ,;:-–—")
    if _PRONOUN.match(stripped):
        at = chunk.index(stripped)
        return stripped, at, at + len(stripped)
    runs = list(_CAP_RUN.finditer(chunk))
    if not runs:
        return None
    run = runs[-1]
    tokens = list(re.finditer(r"\S+", run.group(0)))
    keep = 0
    for i, tok in enumerate(tokens):
        word = tok.group(0)
        if word.endswith(("'s", "’s")) or word.lower() in words.titles:
            keep = i + 1
    if keep >= len(tokens):
        return None
    start = run.start() + tokens[keep].start()
    return chunk[start : run.end()], start, run.end()


def _direct_spans(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of quotation marks paired within each paragraph: straight
    quotes have no direction, so a paragraph's marks are paired in order."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        marks = [para.start() + m.start() for m in _QUOTE_MARK.finditer(para.group(0))]
        spans.extend(zip(marks[0::2], marks[1::2], strict=False))
    return spans


def extract_quotes(
    article: Article, sentences: Sequence[Sentence] = (), mentions: Sequence[Mention] = ()
) -> list[Quote]:
    """Direct and indirect quotes with their speakers."""
    text = article.text
    captions = _caption_ranges(article)
    sents = [s for s in sentence_spans(text, sentences) if not _in_ranges(s.start, captions)]
    words = _quote_words()
    quotes: list[Quote] = []
    for q_open, q_close in _direct_spans(text):
        body = text[q_open + 1 : q_close]
        if len(body.split()) < 4 or _in_ranges(q_open, captions):
            continue  # a scare-quoted word or a title ("occupiers"), not a quote
        found = _speaker_after(text, q_close, words) or _speaker_before(text, q_open, words)
        if found is None:
            continue
        verb, sp_text, sp_start, sp_end = found
        lead = len(body) - len(body.lstrip(" ,"))
        trail = len(body) - len(body.rstrip(" ,"))
        sent = _sentence_at(sents, q_open + 1)
        quotes.append(
            Quote(
                text=body.strip(" ,"),
                start=q_open + 1 + lead,
                end=q_close - trail,
                verb=verb,
                kind="direct",
                speaker_text=sp_text,
                speaker_start=sp_start,
                speaker_end=sp_end,
                sentence=sent.index if sent else -1,
                article_id=article.id,
            )
        )
    covered = [(q.start, q.end) for q in quotes]
    quotes.extend(_indirect_quotes(text, sents, covered, words, article.id))
    quotes.sort(key=lambda q: q.start)
    resolved: list[Quote] = []
    for q in quotes:
        resolved.append(_resolve_speaker(q, mentions, resolved, words, text))
    return resolved


def _sentence_at(sents: Sequence[Sentence], pos: int) -> Sentence | None:
    for s in sents:
        if s.start <= pos < s.end:
            return s
    return None


def _speaker_after(text: str, q_close: int, words: _QuoteWords) -> tuple[str, str, int, int] | None:
    """'"...," Robert Wood, a U.S. ambassador, said' / '"...," said Zakharova.'"""
    after = text[q_close + 1 : q_close + 160]
    after = re.split(r"[\"\n]|(?<=[a-z])\.\s", after)[0]
    v = words.verb.search(after)
    if v is None:
        return None
    before_verb = after[: v.start()]
    base = q_close + 1
    if not before_verb.strip(" ,.–—-"):
        # Inverted order: the speaker follows the verb.
        rest = after[v.end() :]
        m = re.match(r"\s+(?P<who>[^,.;]{2,80})", rest)
        if m is None:
            return None
        found = _speaker_words(m.group("who"), words)
        if found is None:
            return None
        off = base + v.end() + m.start("who")
        return v.group("verb"), found[0], off + found[1], off + found[2]
    if len(before_verb) > 130:
        return None
    # "Robert Wood, a U.S. ambassador to the UN, said": the name is before the apposition.
    first = before_verb.lstrip(" ,")
    lead = len(before_verb) - len(first)
    head = first.split(",")[0]
    found = _speaker_words(head, words)
    if found is None:
        return None
    return v.group("verb"), found[0], base + lead + found[1], base + lead + found[2]


def _speaker_before(text: str, q_open: int, words: _QuoteWords) -> tuple[str, str, int, int] | None:
    """'X said: "..."', 'X assured that "..."', 'According to X, "..."'."""
    line_start = text.rfind("\n", 0, q_open) + 1
    lo = max(line_start, q_open - 200)
    before = text[lo:q_open]
    # Only the current sentence: from the last full stop before the quote.
    cut = max(before.rfind(". "), before.rfind('." '))
    if cut >= 0:
        lo += cut + 2
        before = text[lo:q_open]
    acc = words.according.search(before)
    if acc is not None:
        who = acc.group("who").split(",")[0]
        found = _speaker_words(who, words)
        if found is not None:
            off = lo + acc.start("who")
            return "according to", found[0], off + found[1], off + found[2]
    verbs = list(words.verb.finditer(before))
    if not verbs:
        return None
    v = verbs[-1]
    if not re.fullmatch(r"[\s,:]*(?:that)?[\s,:]*", before[v.end() :]):
        return None
    head = before[: v.start()]
    # The subject right before the verb ("spokesperson Dmitri Peskov assured that").
    m = re.search(r"(?P<who>(?:[A-Za-z][\w'\-]*\s+){0,5}[A-Za-z][\w'\-]*)\s+$", head)
    if m is None:
        return None
    found = _speaker_words(m.group("who"), words)
    if found is None:
        return None
    off = lo + m.start("who")
    return v.group("verb"), found[0], off + found[1], off + found[2]


_INDIRECT = re.compile(
    r"(?P<who>(?:[A-Z][\w'\-]*\s+){0,5}[A-Z][\w'\-]*|[Hh]e|[Ss]he)(?:,\s[^,]{3,100},)?\s+"
    r"(?:\w+ly\s+)?(?P<verb>said|says|told\s+[\w ]{2,30}?|added|stated|warned|insisted|"
    r"noted|argued|claimed|stressed|announced|confirmed|denied|believes|thinks|explained|"
    r"assured|acknowledged|admitted)(?:\s+on\s+\w+)?\s+(?:that\s+)?(?P<q>.{12,})$"
)
# "clause, said X, a professor at ...": the clause is the reported speech.
_INDIRECT_INVERTED = re.compile(
    r"^(?P<q>.{20,}?),\s+(?P<verb>said|says|added|noted|argued|wrote|warned)\s+(?P<who>[^,.]{3,60})"
)
_NOT_SPEAKERS = frozenset({"the", "this", "that", "it", "these", "those", "there", "in", "on"})


def _indirect_quotes(
    text: str,
    sents: Sequence[Sentence],
    covered: Sequence[tuple[int, int]],
    words: _QuoteWords,
    article_id: int | None,
) -> list[Quote]:
    """'X said (that) clause.' and 'Clause, said X.': the reported clause."""
    out: list[Quote] = []
    for sent in sents:
        if any(a < sent.end and sent.start < b for a, b in covered):
            continue
        s_text = text[sent.start : sent.end].rstrip(" .")
        found = _indirect_in(s_text, words)
        if found is None:
            continue
        q_start, q_end, verb, who = found
        out.append(
            Quote(
                text=s_text[q_start:q_end],
                start=sent.start + q_start,
                end=sent.start + q_end,
                verb=verb,
                kind="indirect",
                speaker_text=who[0],
                speaker_start=sent.start + who[1],
                speaker_end=sent.start + who[2],
                sentence=sent.index,
                article_id=article_id,
            )
        )
    return out


def _indirect_in(
    s_text: str, words: _QuoteWords
) -> tuple[int, int, str, tuple[str, int, int]] | None:
    m = _INDIRECT.search(s_text)
    if m is not None:
        who = _speaker_words(m.group("who"), words)
        clause = m.group("q")
        if (
            who is not None
            and who[0].split()[0].lower() not in _NOT_SPEAKERS
            and len(clause.split()) >= 4
            and not clause.lower().startswith(("during", "on ", "in ", "at ", "after"))
        ):
            off = m.start("who")
            return (
                m.start("q"),
                m.end("q"),
                m.group("verb").split()[0],
                (
                    who[0],
                    off + who[1],
                    off + who[2],
                ),
            )
    m = _INDIRECT_INVERTED.search(s_text)
    if m is not None:
        who = _speaker_words(m.group("who"), words)
        if who is not None and who[0].split()[0].lower() not in _NOT_SPEAKERS:
            off = m.start("who")
            return m.start("q"), m.end("q"), m.group("verb"), (who[0], off + who[1], off + who[2])
    return None


def _named(quote: Quote, code: str | None, name: str | None, ident: str | None) -> Quote:
    return replace(quote, speaker_code=code, speaker_name=name, speaker_id=ident)


def _resolve_speaker(
    quote: Quote,
    mentions: Sequence[Mention],
    earlier: Sequence[Quote],
    words: _QuoteWords,
    text: str,
) -> Quote:
    """Speaker code and name from the mention at the speaker words; a pronoun takes the
    last person named before it (a person mention, or the speaker of the previous quote)."""
    if quote.speaker_start is None:
        return quote
    if quote.speaker_text.lower() in words.pronouns:
        people = [m for m in mentions if m.kind == "person" and m.end <= quote.speaker_start]
        previous = [q for q in earlier if q.speaker_name]
        # A quote just before, with a named speaker, is what "he said" continues; a person
        # merely mentioned in between ("accusing Macron of ...") is not the speaker.
        close = previous and quote.start - previous[-1].end < 400
        if (
            people
            and not close
            and (not previous or people[-1].start > (previous[-1].speaker_start or 0))
        ):
            p = people[-1]
            return _named(quote, p.actor_code, p.actor_name or p.text, p.person_id or p.actor_id)
        if previous:
            last = previous[-1]
            return _named(quote, last.speaker_code, last.speaker_name, last.speaker_id)
        return quote
    at = [m for m in mentions if m.start < (quote.speaker_end or 0) and quote.speaker_start < m.end]
    if at:
        best = max(at, key=lambda m: (m.kind == "person", m.actor_code is not None))
        return _named(
            quote, best.actor_code, best.actor_name or best.text, best.person_id or best.actor_id
        )
    # A surname alone ("said Zakharova") names the person mentioned earlier in full.
    surname = quote.speaker_text.split()[-1]
    for m in reversed([m for m in mentions if m.end <= quote.speaker_start]):
        if m.kind == "person" and surname in m.text.split():
            return _named(quote, m.actor_code, m.actor_name or m.text, m.person_id or m.actor_id)
    return _named(quote, None, _full_name_for(text, quote.speaker_text, quote.speaker_start), None)


_PERSON_NAME = re.compile(r"\b[A-Z][a-z'\-]+(?:\s+(?:de\s+|van\s+|von\s+)?[A-Z][a-z'\-]+){1,2}\b")


def _full_name_for(text: str, name: str, before: int) -> str:
    """'Zakharova' -> 'Maria Zakharova' when the full name appears earlier in the text."""
    if len(name.split()) > 1:
        return name
    for m in _PERSON_NAME.finditer(text[:before]):
        if m.group(0).split()[-1] == name:
            return " ".join(m.group(0).split()[-2:])
    return name
