"""Stories: articles reporting the same developing story, clustered incrementally.

Each article becomes a TF-IDF vector: scikit-learn's analyser (lower-cased words without
English stop words) over its headline and text, plus one feature per actor it mentions and
the trigger words of its events (what happened, not only who). A story keeps the sum of its
members' unit vectors (its centroid), its actors and its period. An article's date is its
publication day or, when that is unknown, the month its explicitly dated events cluster in
(``story_day``). The similarity of an article and a story is the TF-IDF cosine with its
centroid scaled by the story's coherence (``coherence``: between the centroid's cosine and
the mean similarity to the members), so a story that grew by chaining reports that only
share a region's names does not keep attracting more; when the article and the story both
have event signatures (``event_signatures``: the pairs of countries their asserted acts
join), it rises with how much those agree (``SIGNATURE_WEIGHT``). A new article joins the most
similar story when the similarity reaches ``story_threshold``; beyond ``story_window_days``
of the story's period the similarity it needs rises with the gap, and past
``MAX_GAP_DAYS`` the story is closed to it; otherwise it opens a new story.
Story ids never change once given: nothing is re-clustered, so an analyst's bookmarks stay
valid as news arrives. IDF weights come from the document frequencies of every article
seen so far and are applied at comparison time, so the centroids need no rewriting when
the vocabulary statistics move.

Pure functions: the analysis stage loads the stories and frequencies from the store,
calls ``assign`` and writes the changed stories back.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .event_dates import _parse as _parse_day
from .event_dates import recency_expression
from .model import Article, Event

# How many centroid terms a story keeps: enough to compare, small enough to store.
CENTROID_TERMS = 400
# Actor features: "@ARM" terms, each counted as this many word occurrences.
ACTOR_PREFIX = "@"
ACTOR_COUNT = 2
# Each word of an event trigger counts as this many more occurrences.
EVENT_TERM_COUNT = 2
# A story stays open this long past its period at a cost: the similarity an article needs
# rises by ``GAP_PENALTY`` for every 30 days beyond the window (long stories such as a
# blockade run for months; the farther apart, the more alike two reports must be).
MAX_GAP_DAYS = 180
GAP_PENALTY = 0.02
# A secondary story must be nearly as close as the primary one: an article that bridges two
# stories reports both about equally, while one that merely mentions the background of
# another story is much closer to its own.
SECONDARY_RATIO = 0.8
# Text dates older than this before the publication window are history, not the story.
HISTORY_DAYS = 365
# How much a story's coherence scales the similarity an article has with it (see
# ``coherence``): 0 compares with the centroid alone, 1 is average linkage (the mean
# similarity to the members); in between, a story whose members have little in common
# attracts less than one whose members tell the same news.
COHERENCE_EXPONENT = 0.5
# Event signatures (see ``event_signatures``): who did what to whom in the article's
# asserted events, as a block of features of its own. When an article and a story both
# have some, their similarity is multiplied by 1 + SIGNATURE_WEIGHT * (the TF-IDF cosine
# of their signatures): two reports whose events pair the same actors are more likely one
# developing story than two that only share the region's words. 0 leaves them out. The
# kinds of signature (``SIGNATURE_KINDS``): "dyad" (the two countries), "full" (the dyad
# and the kind of action), "actfam" (each side with the kind of action). Kinds, form and
# weight were chosen on the sample corpus (docs/evaluation.md, fifth pass).
SIGNATURE_PREFIX = "#"
SIGNATURE_WEIGHT = 0.5
SIGNATURE_KINDS: tuple[str, ...] = ("dyad",)
# How many signature terms a story keeps (apart from its ``CENTROID_TERMS`` words).
SIGNATURE_TERMS = 100
# An event of the lede (the first ``LEDE_SENTENCES`` sentences) is the news; later ones
# are often background, so a lede event counts this many times.
LEDE_SENTENCES = 2
LEDE_EVENT_WEIGHT = 2.0


@dataclass(frozen=True)
class StoryDoc:
    """What clustering needs of one article."""

    article_id: int
    title: str
    text: str
    day: date | None
    actors: frozenset[str] = frozenset()
    # The trigger words of the article's asserted events ("blockade", "offensive",
    # "summit"): what happened, as opposed to who is involved.
    event_terms: tuple[str, ...] = ()
    # (signature, weight) of the article's asserted events (``event_signatures``).
    signatures: tuple[tuple[str, float], ...] = ()


@dataclass
class Story:
    id: int
    centroid: dict[str, float] = field(default_factory=dict)
    n_articles: int = 0
    start: date | None = None
    end: date | None = None
    actors: Counter[str] = field(default_factory=Counter)
    article_ids: list[int] = field(default_factory=list)
    # Articles whose primary story is another but that also report this one; they count
    # as members (sources, titles) without moving the centroid or the period.
    secondary_ids: list[int] = field(default_factory=list)
    title: str = ""
    changed: bool = False


@dataclass(frozen=True)
class Assignment:
    article_id: int
    story_id: int
    similarity: float  # 0.0 for the article that opened the story
    created: bool
    # (story id, similarity) of the other stories the article also belongs to.
    secondary: tuple[tuple[int, float], ...] = ()


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        stop_words="english", ngram_range=(1, 1), lowercase=True, strip_accents="unicode"
    ).build_analyzer()


def term_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter(t for t in _analyzer()(text) if not t.isdigit())
    return counts


def unit_vector(counts: Mapping[str, int | float]) -> dict[str, float]:
    """Term frequencies, L2-normalised (IDF is applied later, at comparison time)."""
    weights = {t: float(c) for t, c in counts.items() if c > 0}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {t: w / norm for t, w in weights.items()}


def doc_counts(doc: StoryDoc) -> Counter[str]:
    # The headline says what the story is: it counts as much as three body mentions.
    counts = term_counts(doc.text)
    for term in term_counts(doc.title):
        counts[term] += 3
    # Actors are features like words, so IDF discounts the ones every article of a region
    # mentions and rewards the rarer ones two reports share.
    for code in doc.actors:
        counts[ACTOR_PREFIX + code] += ACTOR_COUNT
    for trigger in doc.event_terms:
        for term in term_counts(trigger):
            counts[term] += EVENT_TERM_COUNT
    return counts


def doc_vector(doc: StoryDoc) -> dict[str, float]:
    """The article's vector: its words and actors (``doc_counts``) as a unit vector, and its
    event signatures (``SIGNATURE_PREFIX``) as a second unit block, compared separately
    (``similarity``)."""
    vec = unit_vector(doc_counts(doc))
    block: dict[str, float] = {}
    for signature, weight in doc.signatures:
        key = SIGNATURE_PREFIX + signature
        block[key] = block.get(key, 0.0) + weight
    return vec | unit_vector(block)


def split_vector(vec: Mapping[str, float]) -> tuple[dict[str, float], dict[str, float]]:
    """(words and actors, event signatures) of a vector or centroid."""
    words: dict[str, float] = {}
    signatures: dict[str, float] = {}
    for t, w in vec.items():
        (signatures if t.startswith(SIGNATURE_PREFIX) else words)[t] = w
    return words, signatures


# Kinds of action by CAMEO root code (CAMEO manual 1.1b3, chapter 2), coarse enough that two
# reports of one development agree: public statements and appeals (01, 02) say little about
# which story it is and are left out.
_ROOT_FAMILIES = {
    "03": "diplomacy",
    "04": "diplomacy",
    "05": "diplomacy",
    "06": "cooperation",
    "07": "aid",
    "08": "yield",
    "09": "dispute",
    "10": "dispute",
    "11": "dispute",
    "12": "dispute",
    "13": "threat",
    "14": "protest",
    "15": "coercion",
    "16": "coercion",
    "17": "coercion",
    "18": "fight",
    "19": "fight",
    "20": "fight",
}


def event_signatures(events: Sequence[Event]) -> tuple[tuple[str, float], ...]:
    """(signature, weight) of each asserted event with a kind of action (``_ROOT_FAMILIES``),
    one per kind in ``SIGNATURE_KINDS``: "ARM|AZE" (dyad: the two countries in
    alphabetical order, since reports of one clash differ on who struck first; none for an
    event without a target), "ARM|AZE|fight" (full; "ARM|-|fight" without a target),
    "ARM|fight" and "AZE|fight" (actfam). Events of the lede weigh ``LEDE_EVENT_WEIGHT``,
    later ones 1: the lede tells the news, the body often its background."""
    out: list[tuple[str, float]] = []
    for event in events:
        family = _ROOT_FAMILIES.get(event.root or event.code[:2])
        if event.modality != "asserted" or family is None:
            continue
        source = base_actor(event.source_code)
        target = base_actor(event.target_code) if event.target_code else "-"
        pair = sorted((source, target)) if target != "-" else [source, target]
        weight = LEDE_EVENT_WEIGHT if event.sentence < LEDE_SENTENCES else 1.0
        if "full" in SIGNATURE_KINDS:
            out.append(("|".join([*pair, family]), weight))
        if "dyad" in SIGNATURE_KINDS and target != "-":
            out.append(("|".join(pair), weight))
        if "actfam" in SIGNATURE_KINDS:
            out.append((source + "|" + family, weight))
            if target != "-":
                out.append((target + "|" + family, weight))
    return tuple(out)


def idf(term: str, df: Mapping[str, int], n_docs: int) -> float:
    """scikit-learn's smoothed IDF: ln((1 + n) / (1 + df)) + 1."""
    return math.log((1 + n_docs) / (1 + df.get(term, 0))) + 1.0


def cosine(
    a: Mapping[str, float], b: Mapping[str, float], df: Mapping[str, int], n_docs: int
) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = 0.0
    for t, w in a.items():
        other = b.get(t)
        if other:
            dot += w * other * idf(t, df, n_docs) ** 2
    na = math.sqrt(sum((w * idf(t, df, n_docs)) ** 2 for t, w in a.items()))
    nb = math.sqrt(sum((w * idf(t, df, n_docs)) ** 2 for t, w in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def article_day(article: Article) -> date | None:
    """The day an article reports from: its date, or the middle of a window of at most a
    month; None when the publication date is not known that closely."""
    p = article.published
    try:
        if p.date and p.precision == "day":
            return date.fromisoformat(p.date)
        if p.window_start and p.window_end:
            lo, hi = date.fromisoformat(p.window_start), date.fromisoformat(p.window_end)
            if (hi - lo).days <= 31:
                return lo + (hi - lo) / 2
    except ValueError:
        return None
    return None


def story_day(article: Article, events: Sequence[Event]) -> date | None:
    """The day an article's story happens: its publication day when known that closely;
    otherwise the most reported month among its asserted events that the text dates
    explicitly (a date in their sentence). Relative dates ("last month") are not used
    without a publication date, since they are resolved against a guess; dates more than
    ``HISTORY_DAYS`` before the publication window are background, not the story.

    None when the lede (the first paragraph) tells its news as of the last few days ("voted
    on Tuesday", "yesterday") without a date: the news is then as recent as the unknown
    publication, and the dates the body gives are of older events, its background."""
    day = article_day(article)
    if day is not None:
        return day
    if recency_expression(lede(article.text)) is not None:
        return None
    earliest = _parse_day(article.published.window_start)
    months: Counter[date] = Counter()
    for event in events:
        when = event.date
        if event.modality != "asserted" or when.method != "sentence" or not when.date:
            continue
        if when.precision not in ("day", "month"):
            continue
        first = _parse_day(when.window_start) or _parse_day(when.date[:7] + "-01")
        if first is None:
            continue
        if earliest is not None and first < earliest - timedelta(days=HISTORY_DAYS):
            continue
        months[first.replace(day=15)] += 1
    if not months:
        return None
    # Most events; among equals the latest month, the news rather than its background.
    return max(months.items(), key=lambda kv: (kv[1], kv[0]))[0]


def lede(text: str) -> str:
    """The first non-empty paragraph (line) of an article's text."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def event_terms(events: Sequence[Event]) -> tuple[str, ...]:
    """The triggers of the asserted events (negated or hypothetical ones did not happen)."""
    return tuple(e.trigger for e in events if e.modality == "asserted" and e.trigger)


def gap_days(story: Story, day: date | None) -> int:
    """Days between ``day`` and the story's period; 0 inside it or when either is unknown."""
    if day is None or story.start is None or story.end is None:
        return 0
    if day < story.start:
        return (story.start - day).days
    return max(0, (day - story.end).days)


def coherence(story: Story) -> float:
    """How much a story's members have in common: the length of the sum of their unit
    vectors over their number (1.0 when they are identical or there is one; the root of
    their mean pairwise cosine for many members).

    A centroid's cosine overstates how close an article is to a story whose members differ:
    the average of dissimilar vectors is short and generic, and it points towards whatever
    they share (a region's names), so each article that joins makes the story easier to
    join for the next one on a neighbouring topic (chaining). The mean similarity to the
    members (average linkage) is the centroid's cosine times this factor.
    """
    k = len(story.article_ids) or story.n_articles
    if k <= 1:
        return 1.0
    words, _ = split_vector(story.centroid)
    norm = math.sqrt(sum(w * w for w in words.values()))
    return min(1.0, norm / k)


def similarity(
    doc_vec: Mapping[str, float], story: Story, df: Mapping[str, int], n_docs: int
) -> float:
    """TF-IDF cosine of an article and a story centroid (words and actors), scaled by the
    story's coherence (``COHERENCE_EXPONENT``) and, when both have event signatures, raised
    by how much those agree (``SIGNATURE_WEIGHT``). A story stored before signatures were
    kept has none, and is compared by its words alone."""
    scale = coherence(story) ** COHERENCE_EXPONENT if COHERENCE_EXPONENT else 1.0
    doc_words, doc_signatures = split_vector(doc_vec)
    story_words, story_signatures = split_vector(story.centroid)
    if SIGNATURE_WEIGHT and doc_signatures and story_signatures:
        agree = cosine(doc_signatures, story_signatures, df, n_docs)
        scale *= 1.0 + SIGNATURE_WEIGHT * agree
    return cosine(doc_words, story_words, df, n_docs) * scale


def assign(
    docs: Sequence[StoryDoc],
    stories: list[Story],
    df: Counter[str],
    n_docs: int,
    next_id: int,
    threshold: float,
    window_days: int,
    secondary_threshold: float | None = None,
) -> tuple[list[Assignment], int]:
    """Assign ``docs`` (in the order given: oldest first) to ``stories``, opening new ones.

    Each article gets one primary story: the most similar one when it reaches
    ``threshold``, else a new one. It is also a secondary member of every other story whose
    similarity reaches ``secondary_threshold`` (None: no secondary memberships) and that
    time allows (``_bridgeable``: a dated story open to its day; for an undated article,
    both stories dated and close), when it joined an existing primary story and the other
    story is nearly as close (``SECONDARY_RATIO``): an article that bridges two developing
    stories (a summit that discusses a blockade) reports both.
    Secondary members do not move a story's centroid or period, so a story cannot drift
    through them.

    Updates ``stories`` (marking changed ones), ``df`` in place; returns the assignments and
    the new document count.
    """
    result: list[Assignment] = []
    for doc in docs:
        vec = doc_vector(doc)
        df.update(vec.keys())
        n_docs += 1
        best: Story | None = None
        best_sim = 0.0
        candidates: list[tuple[Story, float]] = []
        for story in stories:
            gap = gap_days(story, doc.day)
            if gap > max(window_days, MAX_GAP_DAYS):
                continue
            sim = similarity(vec, story, df, n_docs)
            sim -= gap_penalty(gap, window_days)
            if secondary_threshold is not None:
                candidates.append((story, sim))
            if sim > best_sim:
                best, best_sim = story, sim
        created = best is None or best_sim < threshold
        if created:
            best = Story(id=next_id)
            next_id += 1
            stories.append(best)
            best_sim = 0.0
        assert best is not None
        _add(best, doc, vec)
        also = []
        # Only an article that joined a story can bridge two: one that opened a new story
        # was not close enough to any.
        for story, sim in [] if created else candidates:
            if story is best or secondary_threshold is None:
                continue
            bridge = _bridgeable(doc.day, best, story, window_days)
            if bridge is None:
                continue
            sim = sim if doc.day is not None else sim - gap_penalty(bridge, window_days)
            if sim >= secondary_threshold and sim >= SECONDARY_RATIO * best_sim:
                story.secondary_ids.append(doc.article_id)
                story.changed = True
                also.append((story.id, round(sim, 4)))
        result.append(Assignment(doc.article_id, best.id, round(best_sim, 4), created, tuple(also)))
    return result, n_docs


def gap_penalty(gap: int, window_days: int) -> float:
    """What a gap of ``gap`` days beyond the window costs in similarity."""
    return GAP_PENALTY * max(0, gap - window_days) / 30


def period_gap(a: Story, b: Story) -> int | None:
    """Days between two stories' periods (0 when they overlap); None when either is undated."""
    if a.start is None or a.end is None or b.start is None or b.end is None:
        return None
    return max(0, (b.start - a.end).days, (a.start - b.end).days)


def _bridgeable(day: date | None, primary: Story, other: Story, window_days: int) -> int | None:
    """Whether an article can also belong to ``other``, and the gap its similarity pays.

    A second story is a stronger claim than the first, so time must allow it. A dated
    article: ``other`` is dated and open to it as a primary story would be (its similarity
    has already paid the gap beyond the window: 0 here). An undated article
    (it could bridge anything by its own date): both stories are dated and their periods
    are at most ``MAX_GAP_DAYS`` apart (the gap beyond the window costs as for a primary
    story), as when a report without a date sums up two phases of one crisis.
    """
    if day is not None:
        if other.start is None:
            return None
        return 0 if gap_days(other, day) <= max(window_days, MAX_GAP_DAYS) else None
    gap = period_gap(primary, other)
    if gap is None or gap > max(window_days, MAX_GAP_DAYS):
        return None
    return gap


def _add(story: Story, doc: StoryDoc, vec: Mapping[str, float]) -> None:
    merged = dict(story.centroid)
    for t, w in vec.items():
        merged[t] = merged.get(t, 0.0) + w
    # Words and signatures are trimmed apart, so that signatures never take words' places.
    words, signatures = split_vector(merged)
    story.centroid = _top(words, CENTROID_TERMS) | _top(signatures, SIGNATURE_TERMS)
    story.n_articles += 1
    story.article_ids.append(doc.article_id)
    story.actors.update(doc.actors)
    if doc.day is not None:
        story.start = doc.day if story.start is None else min(story.start, doc.day)
        story.end = doc.day if story.end is None else max(story.end, doc.day)
    story.changed = True


def _top(vec: Mapping[str, float], n: int) -> dict[str, float]:
    if len(vec) <= n:
        return dict(vec)
    return dict(sorted(vec.items(), key=lambda kv: kv[1], reverse=True)[:n])


def choose_title(
    titles: Mapping[int, str], story: Story, df: Mapping[str, int], n_docs: int
) -> str:
    """Extractive: the member headline closest to the story's centroid; key terms when no
    member has a headline."""
    best, best_sim = "", -1.0
    for article_id in sorted(titles):
        title = titles[article_id].strip()
        if not title:
            continue
        sim = cosine(unit_vector(term_counts(title)), story.centroid, df, n_docs)
        if sim > best_sim:
            best, best_sim = title, sim
    return best or ", ".join(key_terms(story, df, n_docs, 5))


def key_terms(story: Story, df: Mapping[str, int], n_docs: int, n: int = 10) -> list[str]:
    words, _ = split_vector(story.centroid)
    scored = sorted(((w * idf(t, df, n_docs), t) for t, w in words.items()), reverse=True)
    return [t for _, t in scored[:n]]


def base_actor(code: str) -> str:
    """'ARMGOV' -> 'ARM': a country code with CAMEO role codes after it names the country;
    organisation codes (CSTO, NATO, UNSC) stay as they are."""
    if len(code) > 3 and len(code) % 3 == 0 and code[:3].isalpha() and code[:3].isupper():
        roles = [code[i : i + 3] for i in range(3, len(code), 3)]
        if all(r in _ROLE_CODES for r in roles):
            return code[:3]
    return code


# CAMEO actor role codes (CAMEO manual 1.1b3, chapter 3: "Role codes").
_ROLE_CODES = frozenset(
    [
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "PTY",
        "COP",
        "JUD",
        "SPY",
        "IGO",
        "MED",
        "EDU",
        "BUS",
        "CRM",
        "CVL",
        "HLH",
        "HRI",
        "LAB",
        "LEG",
        "NGO",
        "REF",
        "SET",
        "AGR",
        "ELI",
        "ENV",
        "MOD",
        "RAD",
        "UAF",
        "RES",
        "INS",
        "IMG",
    ]
)
