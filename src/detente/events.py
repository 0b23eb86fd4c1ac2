"""Event coding: who did what to whom, when and where, with the sentence that says so.

Pure functions from an article, its sentences, its actor mentions and the dependency parses
of the sentences worth parsing, to CAMEO-coded ``Event``s and the candidates that were
rejected (kept for ``detente explain``). No I/O; the spaCy pipeline is passed in.

The steps:

1. ``select_sentences``: only a non-caption sentence with at least one resolved actor
   mention and a trigger word of the dictionary (a tokenizer-level test) is parsed.
2. ``code_sentence``: each token whose lemma heads a dictionary pattern is a candidate; the
   most specific matching pattern gives the code. Source and target come from grammatical
   roles (subject, object, passive agent, "X's Y", appositions, coordination, control).
   No resolved source, or no pattern: no event, and the candidate says why.
3. Modality (negated, future, planned, conditional, hypothetical, opinion, question),
   reporting source (speech verbs, "according to"), date and place.
4. ``group_events``: the same real-world event in several articles becomes one group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .cameo import TARGET_SLOT, CameoCode, Dictionary, Pattern, code_info, dictionary
from .dates import MONTHS
from .event_dates import _WEEKDAYS, publication_window, time_expressions
from .model import Article, Event, EventDate, Location, Mention, Sentence
from .places import find_location

CODER_VERSION = "detente-events-8"
# Modalities that count as events by default; the others are stored but left out of counts.
COUNTED_MODALITIES = frozenset({"asserted", "future", "planned"})
# Prepositions that introduce the target of an action ("attack on X", "sanctions against X").
TARGET_PREPOSITIONS = ("against", "on", "at", "with", "to", "toward", "towards", "into",
                       "upon", "between", "over", "in", "inside", "across", "throughout",
                       "of")  # fmt: skip
_TARGET_PREPOSITION_SET = frozenset(TARGET_PREPOSITIONS)
_SUBJECTS = ("nsubj", "csubj")
_CLAUSE_DEPS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj", "acl", "conj"})
_KEPT_FROM_PREPOSITIONS = frozenset({"against", "from"})
_HYPOTHETICAL_AUX = frozenset({"would", "could", "might", "may", "should", "can", "ca", "must"})
_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
# "would" in the complement of a past speech verb is the reported form of "will".
_BACKSHIFTED_FUTURE = frozenset({"would", "'d"})
_FINITE = frozenset({"VBD", "VBZ", "VBP"})
# Roots whose events between coordinated subjects are mutual ("Armenia and France held a
# joint exercise", "the two sides clashed"): each subject is the other's target.
_RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06", "19"})
# Cooperative roots whose act two or more doers do together (agree, meet, sign, cooperate).
_JOINT_ROOTS = frozenset({"03", "04", "05", "06"})
_DENIAL = "016"
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her", "his", "hers"})
_RELATIVE = frozenset({"who", "which", "that", "whom"})
_GOVERNMENT_NOUNS = frozenset({"authority", "authorities", "government", "regime", "leadership"})


@dataclass(frozen=True)
class Candidate:
    """A trigger word considered in a sentence, and what became of it."""

    sentence: int
    trigger: str
    trigger_start: int
    trigger_end: int
    status: str  # coded, rejected
    reason: str
    code: str | None = None
    pattern: str | None = None
    source_code: str | None = None
    target_code: str | None = None
    modality: str | None = None


@dataclass
class CodingResult:
    events: list[Event] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    n_sentences: int = 0
    n_parsed: int = 0


# --- 1. which sentences to parse ---------------------------------------------------------


def resolved_mentions_by_sentence(
    sentences: Sequence[Sentence], mentions: Iterable[Mention]
) -> dict[int, list[Mention]]:
    result: dict[int, list[Mention]] = {}
    bounds = {s.index: s for s in sentences}
    for m in mentions:
        s = bounds.get(m.sentence)
        if m.actor_code is None or s is None or not (s.start <= m.start and m.end <= s.end):
            continue
        result.setdefault(m.sentence, []).append(m)
    return result


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def has_trigger(text: str, lexicon: Dictionary) -> bool:
    """Whether any word of ``text`` is a surface form of a dictionary trigger."""
    forms = lexicon.trigger_forms
    for w in _WORD.findall(text):
        lower = w.lower()
        if lower in forms or any(part in forms for part in lower.split("-")):
            return True
    return False


def select_sentences(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Iterable[Mention],
    lexicon: Dictionary | None = None,
) -> list[Sentence]:
    """Sentences that can hold an event: not a caption, a resolved actor, a trigger word."""
    lexicon = lexicon or dictionary()
    with_actor = resolved_mentions_by_sentence(sentences, mentions)
    texts = ((s, article.text[s.start : s.end]) for s in sentences if not s.is_caption)
    return [
        s
        for s, text in texts
        if (
            s.index in with_actor
            or has_collective_parties(text, lexicon)
            or has_located_body(text, lexicon)
        )
        and has_trigger(text, lexicon)
    ]


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") else word


def has_collective_parties(text: str, lexicon: Dictionary) -> bool:
    """Whether ``text`` has a phrase like "the two sides" / "both parties" (which the
    coder resolves from context) — a tokenizer-level test like ``has_trigger``."""
    words = [w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)]
    for i, w in enumerate(words):
        if w in lexicon.collective_modifiers:
            following = words[i + 1 : i + 3]
            if any(_singular(f) in lexicon.collective_parties for f in following):
                return True
    return False


def has_located_body(text: str, lexicon: Dictionary) -> bool:
    """Whether ``text`` names a crowd or a domestic body and a known place ("protesters
    stormed the mayor's office in Almaty"), whose country the coder may give it."""
    words = {_singular(w.lower()) for w in re.findall(r"[A-Za-z]+", text)}
    return not words.isdisjoint(lexicon.located_body_words) and find_location(text) is not None


# --- 2. coding one parsed sentence ---------------------------------------------------------


@dataclass
class _Context:
    article: Article
    sentence: Sentence
    doc: Any  # a spaCy Doc of the sentence text
    mentions: list[Mention]
    previous_people: list[Mention]  # resolved person mentions before this sentence
    lexicon: Dictionary
    # Resolved actors of other countries named before this sentence, most recent last:
    # what "the two sides" / "the warring nations" refer to.
    previous_countries: list[Mention] = field(default_factory=list)
    # Countries of the doers of the act being coded: never among "the two sides" it targets.
    doers: set[str] = field(default_factory=set)
    # Pairs of countries seen using force against each other earlier in the article (18-20);
    # in a civil war, pairs of one country's bodies by full code ("SDNMIL", "SDNREB").
    fighting: list[tuple[str, str]] = field(default_factory=list)
    # The source of the latest use of force (18-20) coded earlier in the article: the doer
    # of "that operation".
    last_force_doer: Mention | None = None
    # Pairs seen in a conflictual act short of force (11-17: accusations, rejections,
    # threats, sanctions) against each other, kept the same way: the parties of a dispute
    # when none fought ("the army accused the RSF of violating the truce").
    disputing: list[tuple[str, str]] = field(default_factory=list)
    # The latest mention of each actor code named before this sentence (groups too): the
    # sides of a civil war.
    previous_bodies: dict[str, Mention] = field(default_factory=dict)
    # Pairs of countries seen doing a cooperative act together (mutual 03-08: "Armenia and
    # Azerbaijan agreed to a ceasefire"), most recent last: the parties when none fought.
    together: list[tuple[str, str]] = field(default_factory=list)
    # Where the sentence of the latest such act ends: an agreement told after it is
    # another one ("... Serbia and Kosovo agreed to normalise ties. The EU welcomed the deal").
    together_end: int = 0
    # Accusations and criticism (root 11) earlier in the article, most recent last: the
    # accused country and the accuser's mention. A denial answers its accuser.
    accusations: list[tuple[str, Mention]] = field(default_factory=list)

    def offset(self, token: Any) -> tuple[int, int]:
        start = self.sentence.start + token.idx
        return start, start + len(token.text)

    def mention_at(self, token: Any) -> Mention | None:
        start, end = self.offset(token)
        for m in self.mentions:
            if m.start < end and start < m.end:
                return m
        return None


@dataclass(frozen=True)
class _Actor:
    mention: Mention
    how: str  # direct, appos, possessor, pronoun, ...
    confidence: float


def _actors_of(ctx: _Context, token: Any, depth: int = 0) -> list[_Actor]:
    """Actors a noun phrase headed by ``token`` denotes (coordination expanded)."""
    if token is None or depth > 3:
        return []
    heads = [token, *[c for c in token.conjuncts if c.i > token.i]]
    result: list[_Actor] = []
    for head in heads:
        sides = _coordinated_modifiers(ctx, head)
        if sides:
            result.extend(a for a in sides if all(a.mention != r.mention for r in result))
            continue
        if ctx.mention_at(head) is None:
            parties = _collective_parties(ctx, head) or _representatives_of(ctx, head, depth)
            if parties:
                result.extend(a for a in parties if all(a.mention != r.mention for r in result))
                continue
        actor = _actor_of_phrase(ctx, head, depth)
        if actor is not None and all(a.mention != actor.mention for a in result):
            result.append(actor)
    return result


def _representatives_of(ctx: _Context, head: Any, depth: int) -> list[_Actor]:
    """ "Representatives of Sudan's army and the RSF", "the leaders of Armenia and
    Azerbaijan": each side of a coordinated of-phrase, for the people acting for them."""
    if head.lemma_.lower() not in ctx.lexicon.representative_nouns:
        return []
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for obj in prep.children:
                if obj.dep_ == "pobj" and any(c.dep_ == "conj" for c in obj.children):
                    sides = _actors_of(ctx, obj, depth + 1)
                    if len(sides) >= 2:
                        return [_Actor(a.mention, "of-phrase", 0.85 * a.confidence) for a in sides]
    return []


def _coordinated_modifiers(ctx: _Context, head: Any) -> list[_Actor]:
    """One noun with coordinated modifiers names a group of each side: "Armenian and
    Azerbaijani forces", "Russian and Turkish officials", "the British, French and German
    ambassadors"."""
    for child in head.children:
        if child.dep_ not in ("amod", "compound", "nmod") or not any(
            c.dep_ == "conj" for c in child.children
        ):
            continue
        # "the British, French and German ambassadors": the parser may hang the first of a
        # list on the noun itself, a comma before the next.
        listed = [
            c
            for c in head.children
            if c.dep_ == child.dep_ and c.i < child.i and c.doc[c.i + 1].lower_ == ","
        ]
        found = [ctx.mention_at(t) for t in (*listed, child, *child.conjuncts)]
        mentions = [m for m in found if m is not None]
        if len(mentions) == len(found) and len({_country(m) for m in mentions}) >= 2:
            unique = list(dict.fromkeys(mentions))
            return [_Actor(m, "coordinated modifier", 0.9) for m in unique]
    return []


# Codes whose act presupposes two other parties: mediation (mediate, offer or ask to
# mediate), appeals to the parties of a conflict (restraint, talks, settlement) and
# peacekeeping (peacekeepers stand between the parties).
_MEDIATION_CODES = frozenset({"045", "039", "028", "038", "025", "026", "027", "074"})
# Mediating, and offering to: what a third party does between two others.
_MEDIATOR_CODES = frozenset({"045", "039"})


def _each_other(verb: Any) -> bool:
    """Whether the verb's object is "each other" / "one another" (a reciprocal act)."""
    for tok in verb.subtree:
        if tok.lower_ == "other" and any(c.lower_ == "each" for c in tok.children):
            return True
        if tok.lower_ == "another" and any(c.lower_ == "one" for c in tok.children):
            return True
    return False


def _context_parties(ctx: _Context, sources: Sequence[_Actor]) -> list[_Actor]:
    """The two most recent actors of other countries named before this sentence."""
    # Only the doers are left out: an actor named elsewhere in the sentence ("Moscow, which
    # has deployed peacekeepers, commented on Aliyev's remarks") may well be a party.
    excluded = {_country(a.mention) for a in sources}
    chosen = _main_parties(ctx, excluded)
    if len(chosen) < 2:
        return []
    return [_Actor(m, "party named before", 0.5) for m in chosen]


def _pair_counts(groups: Iterable[set[str]]) -> dict[tuple[str, str], int]:
    """How many of the groups (countries named in one sentence) hold each pair, in the
    order the pairs are first seen."""
    pairs: dict[tuple[str, str], int] = {}
    for countries in groups:
        ordered = sorted(countries)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
    return pairs


def _main_parties(ctx: _Context, excluded: set[str]) -> list[Mention]:
    """The two countries the article has named most often before this sentence (the parties
    of the conflict it is about), leaving out ``excluded``; ties go to the more recent."""
    counts: dict[str, int] = {}
    latest: dict[str, tuple[int, Mention]] = {}
    by_sentence: dict[int, set[str]] = {}
    for position, m in enumerate(ctx.previous_countries):
        country = _country(m)
        if not country or country in excluded or m.kind in ("person", "role"):
            continue
        counts[country] = counts.get(country, 0) + 1
        latest[country] = (position, m)
        by_sentence.setdefault(m.sentence, set()).add(country)
    # The parties of a conflict are those already seen fighting each other in the article
    # (the most recent such pair), else in dispute with each other, else those last seen
    # doing a mutual cooperative act; else
    # they are named together: the pair named in the most sentences together wins, then the
    # most named countries.
    # A pair of countries, or of one country's bodies ("SDNMIL", "SDNREB").
    named = dict(latest)
    named.update((c, (m.start, m)) for c, m in ctx.previous_bodies.items() if c not in latest)
    for seen_pairs in (ctx.fighting, ctx.disputing, ctx.together):
        usable = [
            p
            for p in seen_pairs
            if p[0] in named and p[1] in named and not {p[0][:3], p[1][:3]} & excluded
        ]
        if usable:
            return [named[c][1] for c in sorted(usable[-1], key=lambda c: named[c][0])]
    pairs = _pair_counts(by_sentence.values())
    if pairs:
        best = max(
            pairs,
            key=lambda p: (
                pairs[p],
                counts[p[0]] + counts[p[1]],
                latest[p[0]][0] + latest[p[1]][0],
            ),
        )
        return [latest[c][1] for c in sorted(best, key=lambda c: latest[c][0])]
    ranked = sorted(counts, key=lambda c: (counts[c], latest[c][0]), reverse=True)[:2]
    return [latest[c][1] for c in ranked]


# Roots whose act is aimed at someone (demands, criticism, rejection, threats, force,
# reduced relations, violence): in an article about a conflict between two parties, an act
# of one of them whose target the sentence leaves unnamed is aimed at the other ("Azerbaijan
# declared a mobilisation", "Baku rejected the accusations"). Protest (14) and coercion (17)
# are left out: they are mostly domestic. A denial (016) answers an accuser.
_DIRECTED_CODES = ("016", "10", "11", "12", "13", "15", "16", "18", "19", "20")


def _context_opponent(ctx: _Context, sources: Sequence[_Actor]) -> list[_Actor]:
    """The other party of the conflict the source is in: the one it was last seen fighting in
    the article, else the other of the pair named together in most earlier sentences (at
    least two, no tie)."""
    if not sources:
        return []
    countries = {_country(a.mention) for a in sources}
    if len(countries) != 1:
        return []
    (country,) = countries
    # The one the source was last seen using force against (or by), else the other of the
    # pair named together most.
    fought = [p for p in ctx.fighting if country in p]
    if fought:
        pair = fought[-1]
    else:
        pair, together = _main_pair(ctx)
        if together < 2 or country not in pair:
            return []
    other = pair[1] if pair[0] == country else pair[0]
    # The country itself, else a body of it ("Indian and Pakistani troops": INDMIL).
    latest = _latest_named(ctx, other)
    if latest is None:
        return []
    return [_Actor(latest, "the other party of the article's conflict", 0.5)]


def _accuser(ctx: _Context, sources: Sequence[_Actor]) -> list[_Actor]:
    """Who last accused or criticised the source's country in the article: the party a
    denial with no named addressee answers ("Armenia accused Azerbaijan of shelling
    villages. Baku rejected the accusations")."""
    countries = {_country(a.mention) for a in sources}
    if len(countries) != 1:
        return []
    (country,) = countries
    for accused, accuser in reversed(ctx.accusations):
        if accused == country and _country(accuser) != country:
            return [_Actor(accuser, "the accuser named before", 0.6)]
    return []


_CLAIM_NOUNS = frozenset({"claim", "allegation", "accusation", "charge", "assertion"})


def _answered_accuser(ctx: _Context, verb: Any, sources: Sequence[_Actor]) -> list[_Actor]:
    """The accuser a denial or rejection in a relative clause answers: "accused Turkey of
    arming Azerbaijan, which Ankara denied", "accused Armenia of shelling, a claim Yerevan
    rejected". The relative clause hangs on the last noun ("Azerbaijan"), but what the
    accused denies is the accusation, made by the accusation's subject. Only when the
    denier is the accused (the accusation verb's object) and the verb denies or rejects
    (``denial_verbs``)."""
    if verb.dep_ != "relcl" or verb.lemma_.lower() not in ctx.lexicon.denial_verbs:
        return []
    antecedent = verb.head
    if ctx.mention_at(antecedent) is None and antecedent.lemma_.lower() not in _CLAIM_NOUNS:
        # "accused Turkey of blocking the plan, which Turkey had rejected": the plan.
        return []
    accusation = next(
        (a for a in verb.ancestors if a.lemma_.lower() in ctx.lexicon.accusation_verbs), None
    )
    if accusation is None:
        return []
    accused = [
        _country(a.mention)
        for c in accusation.children
        if c.dep_ == "dobj"
        for a in _actors_of(ctx, c)
    ]
    if not accused or {_country(a.mention) for a in sources} != set(accused):
        return []
    accusers, _ = _subject(ctx, accusation)
    return [a for a in accusers if _country(a.mention) not in accused]


def _main_pair(ctx: _Context) -> tuple[tuple[str, str], int]:
    """The two countries named together in most earlier sentences, and in how many."""
    by_sentence: dict[int, set[str]] = {}
    for m in ctx.previous_countries:
        country = _country(m)
        if country and m.kind not in ("person", "role"):
            by_sentence.setdefault(m.sentence, set()).add(country)
    pairs = _pair_counts(by_sentence.values())
    if not pairs:
        return ("", ""), 0
    best = max(pairs, key=lambda p: pairs[p])
    ties = [p for p in pairs if pairs[p] == pairs[best]]
    if len(ties) > 1:
        return ("", ""), 0  # no clear main conflict: unsure means no target
    return best, pairs[best]


def _participle_target(ctx: _Context, verb: Any) -> list[_Actor]:
    """A participle modifying an object noun: "[the two sides] signed a ceasefire brokered
    by Moscow" - the act falls on those who hold the noun (the governing verb's subject)."""
    noun = verb.head
    if verb.dep_ != "acl" or noun.i == verb.i or noun.dep_ not in ("dobj", "nsubjpass"):
        return []
    governor = noun.head
    if governor.pos_ not in ("VERB", "AUX"):
        return []
    actors, _ = _subject(ctx, governor)
    return [_Actor(a.mention, f"holder of '{noun.text}'", 0.8 * a.confidence) for a in actors]


def _collective_parties(ctx: _Context, token: Any) -> list[_Actor]:
    """ "The two sides", "both parties", "the 2 warring nations": the two most recent
    actors of distinct countries named before this sentence and not named in it (the
    parties of a conflict are named before they are referred to collectively)."""
    lex = ctx.lexicon
    if token.lemma_.lower() not in lex.collective_parties or token.tag_ not in ("NNS", "NNPS"):
        return []
    if not any(c.lower_ in lex.collective_modifiers for c in token.children):
        return []
    start, end = ctx.offset(token)
    phrase_start = ctx.sentence.start + min(t.idx for t in token.subtree)
    # Actors named in the phrase's own clause are not among the parties it refers to ("Russia
    # brokered peace between the two warring nations", "the two sides signed a ceasefire
    # brokered by Moscow"); those of another clause of the sentence may be.
    clause = _clause_of(token).i
    same_clause = [m for m in ctx.mentions if _clause_i(_token_at(ctx, m)) == clause]
    chosen = _main_parties(ctx, {_country(m) for m in same_clause} | ctx.doers)
    if len(chosen) < 2:
        return []
    text = ctx.article.text[phrase_start:end]
    # The span is the phrase in this sentence; the code and name are the antecedent's.
    return [
        _Actor(replace(m, start=phrase_start, end=end, text=text, sentence=ctx.sentence.index),
               "collective reference", 0.6)
        for m in chosen
    ]  # fmt: skip


_CLAUSE_HEADS = frozenset({"ccomp", "advcl", "relcl", "parataxis", "csubj"})


def _clause_of(token: Any) -> Any:
    """The head of the clause ``token`` belongs to (None for no token)."""
    node = token
    while node is not None and node.head.i != node.i:
        if node.dep_ in _CLAUSE_HEADS or (node.dep_ == "conj" and node.pos_ in ("VERB", "AUX")):
            return node
        node = node.head
    return node


def _clause_i(token: Any) -> int:
    return -1 if token is None else int(_clause_of(token).i)


def _token_at(ctx: _Context, m: Mention) -> Any:
    """The first token of the parsed sentence inside mention ``m`` (None if none)."""
    start, end = m.start - ctx.sentence.start, m.end - ctx.sentence.start
    return next((t for t in ctx.doc if start <= t.idx < end), None)


def _country_antecedent(ctx: _Context, token: Any, not_subject: bool = False) -> Mention | None:
    start, _ = ctx.offset(token)
    # A place named in the sentence tells the country too ("protesters in Yerevan demanded
    # the resignation of the government").
    own = [
        m
        for m in ctx.mentions
        if (m.kind == "country" or (m.kind == "place" and m.country)) and m.end <= start
    ]
    if not_subject:
        # "Turkey urged the authorities to ...": not the speaker's own government.
        own = [
            m
            for m in own
            if (t := _token_at(ctx, m)) is None
            or t.dep_ not in _SUBJECTS
            or t.head.i != token.head.i
        ]
    if own:
        return own[-1]
    earlier = [m for m in ctx.previous_countries if m.kind == "country"]
    if not earlier:
        return None
    # The most salient country of the last sentence that named one: its first (the subject
    # position comes first in English), not its last.
    last_sentence = earlier[-1].sentence
    return next(m for m in earlier if m.sentence == last_sentence)


_PRONOUNS_SPEAKER = frozenset({"it", "its", "they", "their", "we", "our"})
# First person in reported speech ("'We have frozen our participation,' Pashinyan said"):
# the speaker's side, whether the attribution comes before or after the quote.
_PRONOUNS_FIRST = frozenset({"we", "our"})


def _speaker_of(ctx: _Context, pronoun: Any, depth: int) -> _Actor | None:
    clause = pronoun.head
    if pronoun.dep_ == "poss":
        clause = clause.head  # "its troops had taken": the noun's verb
    speech = _speech_governor(ctx, clause)
    if speech is None:
        return None
    first = pronoun.lower_ in _PRONOUNS_FIRST
    for child in speech.children:
        if child.dep_ in _SUBJECTS and (child.i < pronoun.i or first):
            actors = _actors_of(ctx, child, depth + 1)
            if actors and (
                pronoun.lower_ in ("they", "their") or first or actors[0].mention.kind != "person"
            ):
                return _Actor(actors[0].mention, "pronoun of the speaker", 0.8)
    return None


def _pronoun_antecedent(ctx: _Context, token: Any) -> Mention | None:
    """He/she: the last person named earlier in the same sentence, else the most recent
    person named before it; no antecedent when the last sentence named two people of
    different countries (unsure means no event)."""
    start, _ = ctx.offset(token)
    own = [m for m in ctx.mentions if m.kind == "person" and m.end <= start]
    if own:
        return own[-1]
    if not ctx.previous_people:
        return None
    last = ctx.previous_people[-1]
    same_sentence = [m for m in ctx.previous_people if m.sentence == last.sentence]
    if len({_country(m) for m in same_sentence}) > 1:
        return None
    return last


def _actor_of_phrase(ctx: _Context, token: Any, depth: int) -> _Actor | None:
    m = ctx.mention_at(token)
    if m is not None:
        return _Actor(m, "direct", 1.0)
    for child in token.children:
        if child.dep_ == "appos":
            m = ctx.mention_at(child)
            if m is not None:
                return _Actor(m, "apposition", 0.95)
    # "Armenia's prime minister", "the Azerbaijani authorities", "Russian forces".
    for child in token.children:
        if child.dep_ in ("poss", "compound", "amod", "nmod"):
            m = ctx.mention_at(child)
            if m is not None:
                return _Actor(m, "modifier", 0.9)
        if child.dep_ == "amod" and child.lemma_.lower() in ctx.lexicon.affiliation_participles:
            # "Armenian-backed forces", "Iranian-aligned militias": the backer's side.
            backers = [m for g in child.children if (m := ctx.mention_at(g)) is not None]
            if backers:
                return _Actor(backers[0], f"'{child.text}' modifier", 0.8)
        if child.dep_ == "poss" and child.lower_ in ("its", "their", "our") and depth < 3:
            # "Baku said its troops had ...": the speaker's troops.
            speaker = _speaker_of(ctx, child, depth)
            if speaker is not None:
                return speaker
    # "the government of Azerbaijan", "the authorities of Azerbaijan".
    if token.pos_ in ("NOUN", "PROPN"):
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        m = ctx.mention_at(obj)
                        if m is not None:
                            return _Actor(m, "of-phrase", 0.85)
    if token.lemma_.lower() in ("country", "nation") and token.tag_ == "NN":
        possessor = next((c for c in token.children if c.dep_ == "poss"), None)
        if possessor is not None and possessor.lower_ in _PRONOUNS_PERSON:
            # "his country": the country of the person "his" refers to.
            antecedent = _pronoun_antecedent(ctx, possessor)
            return _Actor(antecedent, "his/her country", 0.7) if antecedent else None
        # "The country recently canceled ...": a bare definite "the country" refers to the
        # country last named (in this sentence, else before it).
        determiners = [c.lower_ for c in token.children if c.dep_ == "det"]
        if determiners == ["the"] and len(list(token.children)) == 1:
            antecedent = _country_antecedent(ctx, token)
            return _Actor(antecedent, "definite description", 0.7) if antecedent else None
    if token.lower_ == "ministry" and any(c.lower_ == "the" for c in token.children):
        # "The Ministry of Foreign Affairs said ...", no country named: in a paragraph about
        # a state, its ministry (the state actor the last sentence named first).
        earlier = [m for m in ctx.previous_countries if m.kind not in ("person", "role", "place")]
        if earlier:
            last = earlier[-1].sentence
            antecedent = next(m for m in earlier if m.sentence == last)
            phrase = [token] + [
                t
                for c in token.children
                if c.dep_ in ("det", "compound", "amod", "prep")
                for t in c.subtree
            ]
            start = ctx.sentence.start + min(t.idx for t in phrase)
            end = ctx.sentence.start + max(t.idx + len(t.text) for t in phrase)
            here = replace(
                antecedent, start=start, end=end, text=ctx.article.text[start:end],
                sentence=ctx.sentence.index,
            )  # fmt: skip
            return _Actor(here, "ministry of the state named before", 0.6)
    if token.lemma_.lower() in _GOVERNMENT_NOUNS and token.tag_ in ("NN", "NNS"):
        # "urged the authorities to ...", "the government said": a bare definite description
        # of a government is that of the country last named.
        children = list(token.children)
        if [c.lower_ for c in children] == ["the"]:
            antecedent = _country_antecedent(ctx, token, not_subject=True)
            return _Actor(antecedent, "definite description", 0.6) if antecedent else None
    if token.lower_ in _PRONOUNS_SPEAKER and depth < 3:
        # "Russia said it had brokered a ceasefire", "Baku said its troops ...": in the
        # complement of a speech verb, "it"/"they" is the speaker.
        speaker = _speaker_of(ctx, token, depth)
        if speaker is not None:
            return speaker
    if token.lower_ in _PRONOUNS_PERSON:
        antecedent = _pronoun_antecedent(ctx, token)
        return _Actor(antecedent, "pronoun", 0.7) if antecedent is not None else None
    return _located_crowd(ctx, token)


def _crowd_noun(lex: Dictionary, token: Any) -> Any | None:
    """The noun naming a crowd in the phrase headed by ``token``: "protesters", "a crowd",
    "hundreds of demonstrators", "dozens of people", "13 civilians" (people, civilians and
    residents only when counted: alone they are anyone)."""
    node, counted = token, False
    for _ in range(3):
        lemma = node.lemma_.lower()
        counted = counted or any(c.dep_ == "nummod" for c in node.children)
        if lemma in lex.crowd_nouns or (counted and lemma in lex.counted_crowd_nouns):
            return node
        if not (lemma in lex.crowd_quantities or node.like_num):
            return None
        counted = True
        of = next((c for c in node.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        node = next((c for c in of.children if c.dep_ == "pobj"), None) if of else None
        if node is None:
            return None
    return None


def _crowd_subject(lex: Dictionary, verb: Any) -> bool:
    """Whether the subject of ``verb`` (or of the verb it is coordinated with) is a crowd."""
    if verb.dep_ == "conj" and not any(c.dep_ in _SUBJECTS for c in verb.children):
        verb = verb.head
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and _crowd_noun(lex, subject) is not None


def _located_crowd(ctx: _Context, token: Any) -> _Actor | None:
    """A crowd of no named nationality, a domestic body named with no country, or a
    building that stands for one, as the civilians or the body of the country of the place
    its clause names: "hundreds of protesters stormed government buildings in Yerevan" are
    ARMCVL and the buildings ARMGOV, as a news coder reads it (with a low confidence)."""
    lex = ctx.lexicon
    crowd = _crowd_noun(lex, token)
    role, last = "CVL", crowd
    if crowd is not None:
        modifiers = [c for c in crowd.children if c.dep_ in ("amod", "compound", "nmod")]
        named = [m for c in modifiers if (m := ctx.mention_at(c)) is not None]
        if named:  # "hundreds of Armenian protesters"
            return _Actor(named[0], "modifier of the crowd", 0.8)
        if any(c.text[:1].isupper() for c in modifiers):
            return None  # a nationality or group not resolved: not the place's people
    elif token.lemma_.lower() in lex.located_bodies:
        role, last = lex.located_bodies[token.lemma_.lower()], token
    elif token.lemma_.lower() in lex.seat_nouns:
        # "government buildings", "the mayor's office", "the presidential palace".
        seat = [
            lex.seat_modifiers[c.lemma_.lower()]
            for c in token.children
            if c.dep_ in ("compound", "amod", "poss") and c.lemma_.lower() in lex.seat_modifiers
        ]
        if not seat:
            return None
        role, last = seat[0], token
    if last is None:
        return None
    place = _clause_place(ctx, token)
    if place is None or not place.country or len(place.country) != 3:
        return None
    phrase = [t for t in token.subtree if t.i <= last.i and t.dep_ != "det"] or [token]
    start = ctx.offset(phrase[0])[0]
    end = ctx.offset(phrase[-1])[1]
    code = f"{place.country}{role}"
    located = Mention(
        start=start, end=end, text=ctx.article.text[start:end], sentence=ctx.sentence.index,
        kind="institution", actor_id=code, actor_code=code,
        actor_name=f"{_country_name(place.country)}: {role}", country=place.country,
        method="located by place", confidence=0.6,
    )  # fmt: skip
    return _Actor(located, f"located in {place.name}", 0.6)


def _clause_place(ctx: _Context, token: Any) -> Location | None:
    """The place named in ``token``'s phrase or where its clause happens: the prepositional
    phrases of its verb (and of the verbs coordinated with it, which share its subject:
    "stormed and set fire to the mayor's office in Almaty") and of a building it acts on.
    Not a place inside another phrase ("condemned the war in Ukraine", "gunmen from Gaza
    killed ..."), a place one comes from or goes to ("crossed from Ukraine into Moldova"),
    nor the other side of a border ("on the border with Belarus")."""
    clause = token
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    phrases = [list(token.subtree)]
    if clause.pos_ in ("VERB", "AUX"):
        verbs = [clause] + [c for c in clause.children if c.dep_ == "conj" and c.pos_ == "VERB"]
        seats = ctx.lexicon.seat_nouns
        for verb in verbs:
            for child in verb.children:
                where = child.dep_ == "prep" and (
                    child.lower_ not in _NOT_WHERE_PREPOSITIONS
                    # "set fire to the mayor's office in Almaty": a building acted on.
                    or any(o.lemma_.lower() in seats for o in child.children)
                )
                if where or (child.dep_ == "dobj" and child.lemma_.lower() in seats):
                    phrases.append(list(child.subtree))
    text = " ".join(t.text for phrase in phrases for t in phrase)
    if _BORDER_WITH.search(text):
        return None
    return find_location(text)


_NOT_WHERE_PREPOSITIONS = frozenset({"from", "into", "to", "toward", "towards", "onto"})
_BORDER_WITH = re.compile(r"\bborder with\b", re.I)


@lru_cache(maxsize=512)
def _country_name(iso3: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return str(country.name) if country is not None else iso3


def _local_tokens(head: Any) -> list[Any]:
    """The head's own clause: its subtree without subordinate clauses and coordinated verbs."""
    result = [head]
    stack = list(head.children)
    while stack:
        tok = stack.pop()
        if tok.dep_ in _CLAUSE_DEPS and tok.pos_ in ("VERB", "AUX"):
            continue
        if tok.dep_ in ("relcl", "ccomp", "parataxis", "advcl"):
            continue
        result.append(tok)
        stack.extend(tok.children)
    return sorted(result, key=lambda t: t.i)


_TIME_NOUNS = frozenset(
    {"day", "night", "morning", "afternoon", "evening", "week", "weekend", "month", "year",
     "hour", "minute", "decade", "century", "dawn", "dusk", "midnight", "noon", "anniversary",
     "eve"}
)  # fmt: skip


def _temporal_phrase(prep: Any) -> bool:
    """Whether the preposition's object says when ("on Monday", "in March", "in 2019", "at
    night", "on the eve of ..."), not to whom or what."""
    for obj in prep.children:
        if obj.dep_ != "pobj":
            continue
        lower = obj.lower_
        if lower in _WEEKDAYS or lower in MONTHS or obj.lemma_.lower() in _TIME_NOUNS:
            return True
        return bool(
            obj.like_num and lower.isdigit() and len(lower) == 4 and lower[:2] in ("19", "20")
        )
    return False


def _match(
    pattern: Pattern, head: Any, local: list[tuple[Any, int, str, str]]
) -> tuple[list[Any], Any | None] | None:
    """Tokens matched by ``pattern`` after ``head`` (in order) and the target slot's token.

    ``local`` holds each local token but the head with its index, lower-cased lemma and
    lower-cased form (read from spaCy once per head, not once per pattern word)."""
    matched: list[Any] = []
    slot: Any | None = None
    position = -1
    last = head
    settings_allowed = pattern.has_at
    for word in pattern.words:
        if word == TARGET_SLOT:
            slot = ("prep", last) if last.dep_ == "prep" else ("dobj", last)
            continue
        assert isinstance(word, frozenset)
        found = None
        for tok, i, lemma, lower in local:
            # The word itself first: the checks below read spaCy attributes, which costs.
            if i <= position or not (lemma in word or lower in word):
                continue
            if not settings_allowed and tok.dep_ == "pobj" and tok.head.lower_ == "at":
                # "ending two years of war, at talks in Pretoria": where it happens, not
                # the act's object ("end talks").
                continue
            if tok.dep_ == "prep" and _temporal_phrase(tok):
                # "fired a missile on Monday" is no "fire on X": the phrase says when.
                continue
            if (
                tok.dep_ == "prep"
                and tok.head.pos_ in ("VERB", "AUX")
                and tok.head.i != head.i
                and all(tok.head.i != m.i for m in matched)
            ):
                # "agreed to cooperate with the mission" is no "agree with X": the
                # preposition belongs to another verb.
                continue
            found = tok
            break
        if found is None:
            return None
        matched.append(found)
        position = found.i
        last = found
    target_token = None
    if slot is not None:
        kind, anchor = slot
        if kind == "prep":
            target_token = next((c for c in anchor.children if c.dep_ == "pobj"), None)
        else:
            verb = anchor if anchor.pos_ in ("VERB", "AUX") else head
            target_token = next(
                (c for c in verb.children if c.dep_ in ("dobj", "dative", "nsubjpass")), None
            )
            if target_token is None and verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
                target_token = verb.head  # "the talks hosted by Kenya"
            if target_token is None or target_token.tag_ == "WP":
                # "visit X", "assure X", "call X" with nothing visited, assured or called
                # ("assured that ...", "what he called an attack") is not the pattern's act.
                return None
            matched_ids = {t.i for t in matched}
            if any(c.dep_ == "oprd" and c.i not in matched_ids for c in verb.children):
                # "called the move a violation", "named him envoy": naming, not the act.
                return None
    return matched, target_token


def _best_pattern(
    head: Any, patterns: Sequence[Pattern], local: list[Any]
) -> tuple[Pattern, list[Any], Any | None] | None:
    best: tuple[Pattern, list[Any], Any | None] | None = None

    def reach(matched: list[Any]) -> int:
        return max((abs(t.i - head.i) for t in matched), default=0)

    keyed = [(tok, tok.i, tok.lemma_.lower(), tok.lower_) for tok in local if tok.i != head.i]
    # Words present at all: most patterns of a verb lack one of theirs, and this check is
    # much cheaper than the ordered search.
    present = {lemma for _, _, lemma, _ in keyed} | {lower for _, _, _, lower in keyed}
    for pattern in patterns:
        if any(isinstance(word, frozenset) and word.isdisjoint(present) for word in pattern.words):
            continue
        result = _match(pattern, head, keyed)
        if result is None:
            continue
        # The most specific pattern; on a tie, one that finds its target slot filled, then the
        # one whose words stand nearest the trigger ("agreed to a ceasefire after hours of
        # talks" is agreeing to a ceasefire).
        key = (pattern.specificity, result[1] is not None, -reach(result[0]))
        if best is None or key > (best[0].specificity, best[2] is not None, -reach(best[1])):
            best = (pattern, result[0], result[1])
    return best


def _subject(ctx: _Context, verb: Any, depth: int = 0) -> tuple[list[_Actor], str]:
    """The source of a verb: its subject, a passive agent, or a controller."""
    if depth > 4:
        return [], "none"
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return _actors_of(ctx, obj), "passive agent"
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            relative = child.tag_ == "WDT" or child.lower_ in ("who", "which", "that")
            if relative and verb.dep_ == "relcl":
                return _actors_of(ctx, verb.head), "relative clause"
            return _actors_of(ctx, child), "subject"
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        doers = _doer_of_setting_attack(ctx, verb)
        if doers:
            return doers, "doer of the attack it happened in"
        if verb.lemma_.lower() in ctx.lexicon.deployment_verbs:
            # "2,000 Russian troops were deployed": forces are moved by their own side.
            moved = next(c for c in verb.children if c.dep_ == "nsubjpass")
            forces = _actors_of(ctx, moved)
            if forces and all((a.mention.actor_code or "").endswith("MIL") for a in forces):
                return forces, "passive: the forces' own side"
        return [], "passive without agent"
    if verb.tag_ in _FINITE:
        # A finite verb needs a subject: without one, a finite clause before it with a
        # subject is the first of a coordinated series the parser split ("X regained
        # control ..., revoked the autonomy ... and expelled ...").
        for child in verb.children:
            before = child.dep_ in ("advcl", "conj") and child.i < verb.i
            if (
                before
                and child.tag_ in _FINITE
                and any(c.dep_ in _SUBJECTS for c in child.children)
            ):
                actors, how = _subject(ctx, child, depth + 1)
                return actors, f"{how} (shared)"
    head = verb.head
    if verb.dep_ == "conj" and not _coordinated(verb):
        # "withdraw from what it called occupied territory", parsed with "occupied" as a
        # second verb of the sentence: with no "and", "or" or "but" there is no
        # coordination, and the sentence's subject did not do the act.
        return [], "conjunct without a coordinator"
    participle = verb.dep_ == "advcl" and verb.tag_ == "VBG" and head.pos_ in ("VERB", "AUX")
    if (verb.dep_ in ("xcomp", "conj", "acomp") or participle) and head.i != verb.i:
        # "refused to sign" / "refused ... and criticized" / "said ..., accusing Paris of":
        # a controlled verb, a coordinated one or a participial adjunct without a subject
        # shares the subject of the head verb.
        actors, how = _subject(ctx, head, depth + 1)
        return actors, f"{how} (shared)"
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        # "accuses Russia of not doing enough": the object of the governing verb.
        governor = head.head
        obj = next((c for c in governor.children if c.dep_ == "dobj"), None)
        if obj is not None:
            return _actors_of(ctx, obj), "object control"
        actors, how = _subject(ctx, governor, depth + 1)
        return actors, f"{how} (shared)"
    if verb.dep_ in ("acl", "relcl") and head.pos_ in ("NOUN", "PROPN"):
        # "Armenia's decision to cancel": the possessor of the noun.
        for child in head.children:
            if child.dep_ == "poss":
                return _actors_of(ctx, child), "possessor of governing noun"
    return [], "none"


def _coordinated(conj: Any) -> bool:
    """Whether a coordinator ("and", "but", "or", "either") links ``conj`` to its head: on
    the head, on one of the head's conjuncts (a list "A, B and C") or on ``conj`` itself;
    or a comma right before the conjunct's phrase."""
    head = conj.head
    linked = [head, conj, *(c for c in head.children if c.dep_ == "conj")]
    if any(c.dep_ in ("cc", "preconj") for t in linked for c in t.children):
        return True
    # A list without "and" ("shelled Armenian positions, killed three soldiers"): a comma
    # before the conjunct's phrase.
    before = conj.left_edge.i - 1
    return bool(before > head.i and conj.doc[before].text == ",")


# Prepositions that set a passive harm in an attack: "killed in Azerbaijani shelling",
# "wounded during a Russian air strike".
_ATTACK_SETTINGS = frozenset({"in", "during", "amid", "under"})


def _doer_of_setting_attack(ctx: _Context, verb: Any) -> list[_Actor]:
    """The doer of the attack a passive harm happened in, when the attack names it: "three
    soldiers were killed in Azerbaijani shelling" (by the shelling's side). An attack noun
    only (shelling, strike, raid): a situation ("killed in the fighting", "in Armenian
    violence") says where, not who did it."""
    lex = ctx.lexicon
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in _ATTACK_SETTINGS:
            continue
        for noun in prep.children:
            if noun.dep_ != "pobj":
                continue
            following = noun.doc[noun.i + 1] if noun.i + 1 < len(noun.doc) else None
            if ctx.mention_at(noun) and following is not None and _attack_noun(lex, following):
                # "in Azerbaijani shelling" parsed as "in Azerbaijani" + a verb "shelling".
                return _actors_of(ctx, noun)
            if not _attack_noun(lex, noun):
                continue
            for child in noun.children:
                if child.dep_ in ("poss", "amod", "compound", "nmod") and ctx.mention_at(child):
                    return _actors_of(ctx, child)
                if child.dep_ == "prep" and child.lower_ in ("by", "of"):
                    for obj in child.children:
                        if obj.dep_ == "pobj" and ctx.mention_at(obj):
                            return _actors_of(ctx, obj)
            demonstrative = any(
                c.dep_ == "det" and c.lower_ in ("that", "this", "these", "those")
                for c in noun.children
            )
            if demonstrative and ctx.last_force_doer is not None:
                # "killed during that operation": the operation told before, by its doer.
                return [_Actor(ctx.last_force_doer, "doer of the attack told before", 0.7)]
    return []


def _attack_noun(lex: Dictionary, token: Any) -> bool:
    """A noun (or a gerund the parser took for a verb) naming an attack (roots 18-20), not
    a situation such as "the fighting"."""
    words = {token.lemma_.lower(), token.lower_}
    if words & lex.situation_nouns:
        return False
    return any(p.code[:2] >= "18" for w in words for p in lex.nouns.get(w, ()))


def _verb_target(ctx: _Context, head: Any, matched: list[Any]) -> list[_Actor]:
    """Direct object, passive subject, dative, then objects of target prepositions."""
    if head.dep_ == "relcl" and head.head.i != head.i:
        for child in head.children:
            if child.dep_ == "nsubjpass" and (child.tag_ == "WDT" or child.lower_ in _RELATIVE):
                # "Azerbaijan, which is backed by Turkey": the relative pronoun stands for
                # the noun the clause modifies.
                actors = _actors_of(ctx, head.head)
                if actors:
                    return actors
    for child in head.children:
        if child.dep_ in ("dobj", "dative", "nsubjpass", "attr"):
            actors = _actors_of(ctx, child)
            if actors:
                return actors
    found = _prep_target(ctx, [head, *matched])
    if found:
        return found
    for child in head.children:
        if child.dep_ == "conj" and child.pos_ == "PROPN" and child.i > head.i:
            # "expressed support for integrity in general, and Ukraine's in particular": a
            # name coordinated with the verb itself is an object the parser misplaced.
            actors = _actors_of(ctx, child)
            if actors:
                return actors
    objects = [c for c in head.children if c.dep_ in ("dobj", "nsubjpass", "attr")]
    objects += [
        o
        for p in head.children
        if p.dep_ == "prep"
        for o in p.children
        if o.dep_ in ("pobj", "pcomp")
    ]
    return _embedded_target(ctx, objects)


# Third parties' acts named as a participle before a noun: "Russian-mediated", "US-brokered".
_GO_BETWEEN_PARTICIPLES = frozenset({"mediate", "broker", "facilitate", "negotiate"})
# Not searched for the affected party: subordinate clauses, and the by-phrase of a passive
# participle, which names a doer ("a ceasefire brokered by Moscow").
_EMBEDDED_STOP = frozenset({"relcl", "ccomp", "advcl", "parataxis", "appos", "agent"})
_INSIDE_OBJECT = "inside the object"
# Roots of meetings and agreements, and the phrases that name where they take place.
_MEETING_ROOTS = frozenset({"04", "05"})
_LOCATIVE_PREPOSITIONS = ("in", "at", "inside", "across", "throughout")
_VENUE_PHRASES = tuple(f"'{p}'" for p in _LOCATIVE_PREPOSITIONS)
# How a joint act's target was found when it names what the act is about or where it
# happens ("an agreement on Karabakh", "talks in Moscow"), not a counterpart ("with", "to",
# "between", "against").
_ABOUT_PHRASES = (_INSIDE_OBJECT,) + tuple(
    f"'{p}'" for p in ("on", "over", "in", "about", "inside", "across", "throughout", "of", "at")
)


# How a target found in a phrase of the act or its object was found.
_VENUE_FOUND = (*_VENUE_PHRASES, _INSIDE_OBJECT)


def _is_venue(ctx: _Context, m: Mention) -> bool:
    """Whether ``m`` names a place (a city or region, as the actor stage resolved it, not a
    government by metonymy) as where something happens: the object of "in", "at" ... that
    does not say where a meeting is."""
    if m.kind != "place":
        return False
    token = _token_at(ctx, m)
    while (
        token is not None and token.dep_ in ("compound", "amod", "nmod") and token.head.i != token.i
    ):
        token = token.head
    if token is None or token.dep_ != "pobj" or token.head.lower_ not in _LOCATIVE_PREPOSITIONS:
        return False
    # "cancelled a meeting in Moscow": the place of a meeting is its host, whom cancelling
    # or boycotting it is aimed at.
    described = token.head.head
    meeting = any(p.code[:2] == "04" for p in ctx.lexicon.nouns.get(described.lemma_.lower(), ()))
    return not meeting


def _embedded_target(ctx: _Context, phrases: Sequence[Any]) -> list[_Actor]:
    """The actor named inside an object phrase: the party the act falls on ("revoked the
    autonomy of Nagorno-Karabakh", "blocked the road linking Armenia with ...", "support
    for Ukraine's territorial integrity"). Relative and other subordinate clauses are not
    searched: what they say is not the object."""
    for phrase in phrases:
        stack = list(phrase.children)
        seen: list[Any] = []
        while stack:
            tok = stack.pop()
            if tok.dep_ in _EMBEDDED_STOP:
                continue
            if (
                tok.dep_ == "npadvmod"
                and tok.head.tag_ == "VBN"
                and tok.head.lemma_.lower() in _GO_BETWEEN_PARTICIPLES
            ):
                # "a Russian-mediated ceasefire": the mediator named before the participle is
                # its doer, as a by-phrase would be, not a party the act falls on (while the
                # leader of a "Russian-led alliance" stands for it).
                continue
            seen.append(tok)
            stack.extend(tok.children)
        for tok in sorted(seen, key=lambda t: t.i):
            if ctx.mention_at(tok) is not None:
                actors = _actors_of(ctx, tok)
                if actors:
                    return [_Actor(a.mention, f"{_INSIDE_OBJECT} ({a.how})", 0.8 * a.confidence)
                            for a in actors]  # fmt: skip
    return []


def _prep_target(ctx: _Context, anchors: list[Any]) -> list[_Actor]:
    found = _directional_target(ctx, anchors)
    if found:
        return found
    # "support for Azerbaijan", "aid for Ukraine": "for" marks the beneficiary after a noun
    # (after a verb it marks a reason: "blamed Armenia for ...", "called for ...").
    nouns = [a for a in anchors if a.pos_ in ("NOUN", "PROPN")]
    nouns += [c for a in anchors for c in a.children if c.dep_ == "dobj" and c.pos_ == "NOUN"]
    for noun in nouns:
        actors = _prep_object_actors(ctx, noun, "for")
        if actors:
            return actors
    return []


def _prep_object_actors(
    ctx: _Context, head: Any, preposition: str, deps: tuple[str, ...] = ("prep",)
) -> list[_Actor]:
    """The actors of the first object of ``preposition`` under ``head`` that names any."""
    for child in head.children:
        if child.dep_ in deps and child.lower_ == preposition:
            actors = _pobj_actors(ctx, child)
            if actors:
                return actors
    return []


def _pobj_actors(ctx: _Context, prep: Any) -> list[_Actor]:
    """The actors of the first object of the preposition ``prep`` that names any."""
    for obj in prep.children:
        if obj.dep_ == "pobj":
            actors = _actors_of(ctx, obj)
            if actors:
                return actors
    return []


def _directional_target(ctx: _Context, anchors: list[Any]) -> list[_Actor]:
    # The target prepositions under each anchor, and under its objects ("cancel a meeting in
    # Moscow"), read once: sixteen prepositions times every child was the coder's hot spot.
    own = [_target_preps(a, ("prep", "dative")) for a in anchors]
    of_objects = [
        [_target_preps(c, ("prep",)) for c in a.children if c.dep_ == "dobj"] for a in anchors
    ]
    present = {p.lower_ for preps in own for p in preps}
    present |= {p.lower_ for objects in of_objects for preps in objects for p in preps}
    for preposition in TARGET_PREPOSITIONS:
        if preposition not in present:
            continue
        for preps, objects in zip(own, of_objects, strict=True):
            actors = _first_pobj_actors(ctx, preps, preposition)
            for object_preps in objects:
                if actors:
                    break
                actors = _first_pobj_actors(ctx, object_preps, preposition)
            if actors:
                return [
                    _Actor(a.mention, f"'{preposition}' ({a.how})", a.confidence) for a in actors
                ]
    return []


def _target_preps(head: Any, deps: tuple[str, ...]) -> list[Any]:
    return [c for c in head.children if c.dep_ in deps and c.lower_ in _TARGET_PREPOSITION_SET]


def _first_pobj_actors(ctx: _Context, preps: list[Any], preposition: str) -> list[_Actor]:
    """The actors of the first of ``preps`` that is ``preposition`` and whose object names any."""
    for prep in preps:
        if prep.lower_ == preposition:
            actors = _pobj_actors(ctx, prep)
            if actors:
                return actors
    return []


def _modality(ctx: _Context, trigger: Any) -> str:
    """How the sentence presents the event at ``trigger``."""
    lex = ctx.lexicon
    if ctx.doc.text.rstrip().rstrip("”\"'").endswith("?"):
        return "question"
    found: set[str] = set()
    backshifted = False  # only "would" made it hypothetical: may be a reported future
    node = trigger
    for _ in range(8):
        for child in node.children:
            lemma = child.lemma_.lower()
            if child.dep_ == "neg" or (child.dep_ == "det" and lemma == "no"):
                found.add("negated")
            if child.dep_ == "aux" and child.lower_ in _FUTURE_AUX:
                found.add("future")
            elif child.dep_ == "aux" and child.lower_ in _BACKSHIFTED_FUTURE:
                backshifted = "hypothetical" not in found
                found.add("hypothetical")
            elif child.dep_ == "aux" and {lemma, child.lower_} & _HYPOTHETICAL_AUX:
                found.add("hypothetical")
                backshifted = False
            if child.dep_ == "mark" and lemma in ("if", "unless"):
                found.add("conditional")
        head = node.head
        if head.i == node.i:
            break
        if node.dep_ == "pcomp" and head.lower_ in _KEPT_FROM_PREPOSITIONS:
            # "did not prevent Azerbaijan from attacking": the keeper's negation is no
            # negation of the act (an act kept from happening is not coded at all).
            break
        if node.dep_ == "conj" and node.tag_ in _FINITE and head.tag_ == "VB":
            # "refused to sign ... and criticized ...": a finite verb cannot be coordinated
            # with the infinitive; it shares the governor's clause, not its negation.
            head = head.head
            node = head
            continue
        head_lemma = head.lemma_.lower()
        if node.dep_ in ("pobj", "pcomp") and head.lower_ == "without":
            # "ordered troops to fire without warning", "left without signing the deal":
            # what happens "without" an act says the act did not happen.
            found.add("negated")
        if node.dep_ == "ccomp" and any(c.dep_ == "neg" for c in head.children):
            # "This does not mean that Armenia will withdraw": nothing is asserted.
            found.add("negated")
        if node.dep_ in ("xcomp", "acl") or (node.dep_ == "prep" and head.pos_ == "ADJ"):
            if head_lemma in lex.negating_verbs:
                found.add("negated")
            elif head_lemma in lex.planning_verbs:
                found.add("planned")
        if node.dep_ == "ccomp" and head_lemma in lex.opinion_verbs:
            found.add("opinion")
        if node.dep_ == "ccomp" and head_lemma in lex.denial_verbs:
            # "denied that Armenian forces had fired on Ganja": the speaker says it did not
            # happen.
            found.add("negated")
        if (
            node.dep_ in ("ccomp", "parataxis")
            and head_lemma in lex.speech_verbs
            and any(
                c.dep_ in _SUBJECTS and c.lemma_.lower() in lex.commentator_nouns
                for c in head.children
            )
        ):
            # "Analysts said Kim may be preparing a test", "observers claim that ...": what
            # commentators say is their reading, not a reported act.
            found.add("opinion")
        alleged = node.dep_ == "pcomp" and head.dep_ == "prep" and head.head.i != head.i
        if alleged and head.head.lemma_.lower() in lex.accusation_verbs:
            # "accused Armenia of making contradictory statements": what is alleged is
            # someone's claim, not a reported fact.
            found.add("opinion")
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and c.lemma_.lower() in ("if", "unless") for c in node.children
        ):
            found.add("conditional")
        if (
            backshifted
            and node.dep_ in ("ccomp", "parataxis")
            and head_lemma in lex.speech_verbs
            and head.tag_ in ("VBD", "VBN")
            and "conditional" not in found
        ):
            # "Russia said it would respond": the reported "will" of a past statement (the
            # sequence of tenses), a stated future, not a hypothetical.
            found.discard("hypothetical")
            found.add("future")
        if node.dep_ in ("ccomp", "parataxis", "advcl", "relcl"):
            break
        node = head
    for modality in ("conditional", "hypothetical", "opinion", "negated", "planned", "future"):
        if modality in found:
            return modality
    return "asserted"


def _stated_refusal(ctx: _Context, trigger: Any, code: str, modality: str) -> str | None:
    """The rejection code when the sentence states that the source will not do a
    cooperative act ("Armenia will not host the exercises", "Kazakhstan said it would not
    recognise ..."): a refusal announced now. A past negation ("did not attend") is only a
    negated act, and a hypothetical or conditional "would not" states no decision."""
    if modality != "negated" or trigger.pos_ not in ("VERB", "AUX"):
        return None
    children = list(trigger.children)
    if not any(c.dep_ == "neg" for c in children):
        return None
    auxiliaries = {c.lower_ for c in children if c.dep_ == "aux"}
    reported = bool(auxiliaries & _BACKSHIFTED_FUTURE) and _speech_governor(ctx, trigger)
    if not (auxiliaries & _FUTURE_AUX or reported):
        return None
    return ctx.lexicon.refusal_code(code)


# Appeals and demands (02, 10): their complement is what they ask for.
_APPEAL_ROOTS = frozenset({"02", "10"})


def _appeal_over(verb: Any, appeals: dict[int, Any]) -> Any | None:
    """The coded appeal or demand whose complement holds ``verb`` ("urged X to reopen",
    "demanded that Russia withdraw"), if any."""
    node = verb
    for _ in range(3):
        head = node.head
        if head.i == node.i:
            return None
        if node.dep_ in ("xcomp", "ccomp"):
            return head if head.i in appeals else None
        if node.dep_ != "conj":  # "urged X to stop and withdraw": the second is asked too
            return None
        node = head
    return None


def _addressee_of_complement(ctx: _Context, verb: Any, sources: Sequence[_Actor]) -> list[_Actor]:
    """Who an appeal or demand asks to act, named as the subject of its complement:
    "Armenia demanded that Russia withdraw its troops"; for an appeal to end a use of force
    named before ("urged an end to the fighting"), the two parties last seen fighting."""
    own = {_country(a.mention) for a in sources}
    for child in verb.children:
        if child.dep_ not in ("ccomp", "xcomp"):
            continue
        for subject in child.children:
            if subject.dep_ in _SUBJECTS:
                found = [a for a in _actors_of(ctx, subject) if _country(a.mention) not in own]
                return [_Actor(a.mention, "asked to act", 0.8 * a.confidence) for a in found]
    if _ends_force(ctx, verb) and ctx.fighting:
        return _pair_parties(ctx, ctx.fighting[-1], own, "the parties of the fighting")
    return []


# Hosting and mediating: with no one named, they serve the parties that last met.
_GO_BETWEEN_CODES = frozenset({"043", "045"})


def _latest_meeting_parties(ctx: _Context, sources: Sequence[_Actor]) -> list[_Actor]:
    """The two countries of the latest mutual cooperative act told before in the article
    (talks, an agreement), when neither is the source's: whom a host or mediator served
    ("Lavrov and Kuleba met ... The talks were hosted by Turkey's foreign minister")."""
    if not ctx.together:
        return []
    own = {_country(a.mention) for a in sources}
    return _pair_parties(ctx, ctx.together[-1], own, "the parties that last met")


def _pair_parties(ctx: _Context, pair: tuple[str, str], own: set[str], how: str) -> list[_Actor]:
    """Both sides of a pair of countries (or of a civil war's bodies) seen before, each by
    its latest mention; none when the source is one of them or either was never named."""
    parties = [c for c in pair if c[:3] not in own]
    named = [_latest_named(ctx, c) for c in parties]
    if len(parties) != 2 or not all(named):
        return []
    return [_Actor(m, how, 0.5) for m in named if m]


# A ceasefire binds both sides: one asked for, with no one named, is asked of the parties.
_CEASEFIRE_CODE = "0871"


def _truce_between(ctx: _Context, sources: Sequence[_Actor]) -> bool:
    """Whether two doers agreeing or declaring a truce are its parties, who agree it with
    each other: seen fighting or in dispute before, or a government and rebels (bodies of
    one country, or rebels); not two mediators ("Egypt and Qatar announced a truce")."""
    codes = [a.mention.actor_code or "" for a in sources]
    if len(codes) != 2 or not all(codes):
        return False
    a, b = codes
    if a[:3] == b[:3] or a.endswith("REB") or b.endswith("REB"):
        return True
    pair = _party_pair(a, b)
    return pair in ctx.fighting or pair in ctx.disputing


def _ends_force(ctx: _Context, verb: Any) -> bool:
    """Whether ``verb``'s object is an end, halt or stop to a use of force ("urged an end to
    the fighting", "called for a halt to the hostilities"), or a bare ceasefire ("called for
    an immediate ceasefire"; not "a ceasefire in Gaza", which may be another war)."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [
        o for p in verb.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"
    ]
    for obj in objects:
        truce: Sequence[Pattern] = ctx.lexicon.nouns.get(obj.lemma_.lower(), ())
        best = _best_pattern(obj, truce, _local_tokens(obj)) if truce else None
        if best is not None and best[0].code == _CEASEFIRE_CODE:
            # "a ceasefire", "a cessation of hostilities"; not "a ceasefire in Gaza".
            words = {t.i for t in best[1]}
            if not any(
                c.dep_ in ("prep", "compound", "poss") and c.i not in words for c in obj.children
            ):
                return True
        if obj.lemma_.lower() not in ("end", "halt", "stop", "cessation"):
            continue
        for prep in obj.children:
            if prep.dep_ == "prep" and prep.lower_ in ("to", "of"):
                for act in prep.children:
                    patterns: Sequence[Pattern] = ctx.lexicon.nouns.get(act.lemma_.lower(), ())
                    bare = not any(c.dep_ in ("prep", "compound") for c in act.children)
                    # The fighting told before, not "the fighting in Sudan" nor a "strike"
                    # that may be a labour strike.
                    if bare and patterns and all(p.code[:2] >= "18" for p in patterns):
                        return True
    return False


def _latest_named(ctx: _Context, country: str) -> Mention | None:
    """The latest mention of ``country`` itself (else of its state bodies) named before."""
    if len(country) > 3:
        # A civil war's parties are kept by full code ("SDNMIL", "SDNREB").
        bodies = [m for m in ctx.previous_countries if m.actor_code == country]
        # Rebels are a group, not a state body: the latest mention of each actor keeps them.
        return bodies[-1] if bodies else ctx.previous_bodies.get(country)
    named = [m for m in ctx.previous_countries if _country(m) == country]
    latest = [m for m in named if m.kind == "country"] or [
        m for m in named if m.kind in ("institution", "government")
    ]
    return latest[-1] if latest else None


def _has_trigger_complement(verb: Any, lex: Dictionary) -> bool:
    return any(c.dep_ == "xcomp" and c.lemma_.lower() in lex.verbs for c in verb.children)


def _intent_shift(ctx: _Context, trigger: Any, code: str) -> tuple[str, str] | None:
    """A code under an intent or threat governor ("offered to mediate") and why."""
    node = trigger
    for _ in range(4):
        head = node.head
        if head.i == node.i or node.dep_ not in ("xcomp", "acomp", "prep", "pcomp", "pobj"):
            return None
        lemma = head.lemma_.lower()
        if node.dep_ == "xcomp" or head.pos_ == "ADJ":
            shifted = ctx.lexicon.shifted_code(code, lemma)
            if shifted is not None:
                return shifted, f"intent/threat under '{head.text}'"
            if lemma in ctx.lexicon.negating_verbs or lemma in ctx.lexicon.planning_verbs:
                return None
        node = head
    return None


def _speech_governor(ctx: _Context, trigger: Any) -> Any | None:
    """The speech verb whose clausal complement holds ``trigger`` ("X said [that] ...")."""
    node = trigger
    for _ in range(10):
        head = node.head
        if head.i == node.i:
            return None
        if node.dep_ in ("ccomp", "parataxis") and head.lemma_.lower() in ctx.lexicon.speech_verbs:
            return head
        if node.dep_ in ("ccomp", "parataxis", "relcl"):
            return None
        node = head
    return None


def _according_to(ctx: _Context) -> _Actor | None:
    for tok in ctx.doc:
        if tok.lower_ == "according":
            for prep in tok.children:
                actors = _pobj_actors(ctx, prep)
                if actors:
                    return actors[0]
    return None


def _is_past(token: Any) -> bool:
    tokens = [token, *token.children]
    if token.head.i != token.i and token.dep_ in ("xcomp", "pcomp", "acl", "dobj", "pobj"):
        tokens.extend([token.head, *token.head.children])
    return any(t.tag_ in ("VBD", "VBN") for t in tokens)


def _event_date(ctx: _Context, trigger: Any, scoped: Any, modality: str) -> EventDate:
    """The date of the time expression in the phrase of ``scoped`` (``_scope``: the trigger
    word, ``trigger`` being where its modality was read), else the sentence's."""
    text = ctx.doc.text
    future = modality in ("future", "planned")
    expressions = time_expressions(text, ctx.article.published, future)
    if expressions:
        others = _other_nouns_clauses(ctx.doc, trigger)
        expressions = [
            e for e in expressions if not any(a <= e.start and e.end <= b for a, b in others)
        ]
    if expressions:
        scope = _scope(scoped)
        lo = min(t.idx for t in scope)
        hi = max(t.idx + len(t.text) for t in scope)
        inside = [e for e in expressions if lo <= e.start and e.end <= hi]
        if inside:
            return min(inside, key=lambda e: abs(e.start - trigger.idx)).date
        speech = _speech_governor(ctx, trigger)
        if len(expressions) == 1 and speech is None:
            return expressions[0].date
        if speech is not None:
            # "Peskov said on Friday that Moscow was ready ...": the statement's date bounds
            # the reported event (it is that day, or before it when told in the past).
            own = [t for t in speech.children if t.dep_ not in ("ccomp", "parataxis")]
            tokens = [t for c in own for t in c.subtree]
            if tokens:
                lo = min(t.idx for t in tokens)
                hi = max(t.idx + len(t.text) for t in tokens)
                said = [e for e in expressions if lo <= e.start and e.end <= hi]
                if said:
                    return _before(said[0].date) if _is_past(trigger) else said[0].date
    return publication_window(ctx.article.published, past=_is_past(trigger))


def _before(said: EventDate) -> EventDate:
    """A past event reported on ``said``: some time in the month up to that day."""
    if not said.window_end:
        return said
    end = date.fromisoformat(said.window_end[:10])
    start = (end - timedelta(days=31)).isoformat()
    return EventDate(None, "unknown", start, said.window_end, "reported")


def _other_nouns_clauses(doc: Any, trigger: Any) -> list[tuple[int, int]]:
    """Character ranges of the clauses that describe a noun other than the trigger: in
    "violated the ceasefire agreed in February 2021" the date is the ceasefire's, not the
    violation's. A present participle ("the road linking Armenia with Karabakh in
    December") describes a state, and a date the parser hangs on it is the sentence's. A
    clause describing a nominal trigger ("the blockade imposed in December";
    also when the parser hangs it on the trigger's own of-phrase, "the blockade of
    Nagorno-Karabakh imposed in December") or holding the trigger is the trigger's own."""
    nominal = trigger.pos_ in ("NOUN", "PROPN")
    own = (trigger.left_edge.i, trigger.right_edge.i)
    return [
        (clause.left_edge.idx, clause.right_edge.idx + len(clause.right_edge.text))
        for clause in doc
        if (clause.dep_ == "relcl" or (clause.dep_ == "acl" and clause.tag_ != "VBG"))
        and clause.head.i != trigger.i
        and not clause.left_edge.i <= trigger.i <= clause.right_edge.i
        and not (nominal and own[0] <= clause.i <= own[1])
    ]


def _scope(trigger: Any) -> list[Any]:
    """The phrase a time expression must sit in to date this trigger."""
    tokens = list(trigger.subtree)
    if trigger.pos_ in ("NOUN", "PROPN") and trigger.head.i != trigger.i:
        tokens.extend(trigger.head.subtree)
    # Adverbials of the governing clause ("In 2020, Azerbaijan launched ...") date it too.
    node = trigger
    while node.dep_ in ("xcomp", "dobj", "pobj", "prep", "pcomp", "conj") and node.head.i != node.i:
        node = node.head
    for child in node.children:
        if child.dep_ in ("prep", "npadvmod", "advmod", "tmod"):
            tokens.extend(child.subtree)
    return tokens


def _name(actor: _Actor | None) -> str | None:
    return (actor.mention.actor_name or actor.mention.text) if actor else None


def _country(m: Mention) -> str:
    return m.country or (m.actor_code or "")[:3]


def _rejected(
    sentence: int, tok: Any, start: int, end: int, reason: str, pattern: Pattern
) -> Candidate:
    """A trigger whose pattern matched but that codes no event, and why."""
    return Candidate(sentence, tok.text, start, end, "rejected", reason, pattern.code, pattern.text)


def code_sentence(ctx: _Context) -> tuple[list[Event], list[Candidate]]:
    """Events and candidates of one parsed sentence."""
    lex = ctx.lexicon
    events: list[Event] = []
    candidates: list[Candidate] = []
    consumed: set[int] = set()
    sent = ctx.sentence
    reporter_fallback = _according_to(ctx)
    coded_verbs: set[int] = set()
    appeals: dict[int, Any] = {}  # verbs coded as an appeal or demand (02, 10)
    # Verbs first (they may consume the nouns of light-verb phrases), higher clauses first.
    triggers = []
    for tok in ctx.doc:
        lemma = tok.lemma_.lower()
        verbal = tok.pos_ in ("VERB", "AUX")
        irregular = lex.irregular_verb_lemmas.get(tok.lower_)
        if irregular is not None and lemma not in lex.verbs:
            # "Azerbaijan retook full control": a form the model does not know, which its
            # tagger may even call a noun while its parser gives it a subject and an object.
            lemma = irregular
            verbal = verbal or any(c.dep_ in _SUBJECTS for c in tok.children)
        is_verb = verbal and lemma in lex.verbs
        is_noun = tok.pos_ in ("NOUN", "PROPN") and lemma in lex.nouns
        if (
            tok.tag_ == "VBG"
            and tok.dep_ in ("nsubj", "nsubjpass")
            and tok.lower_ in lex.nouns
            and not any(c.dep_ in _SUBJECTS for c in tok.children)
        ):
            # "Fighting between the army and the RSF continued": a gerund that is the
            # sentence's subject names an event, as the noun "fighting" does.
            lemma, is_verb, is_noun = tok.lower_, False, True
        if is_verb or is_noun:
            triggers.append((not is_verb, len(list(tok.ancestors)), tok.i, tok, lemma, is_verb))
    triggers.sort(key=lambda t: t[:3])
    for _, _, _, tok, lemma, is_verb in triggers:
        is_noun = not is_verb
        if tok.i in consumed:
            continue
        if is_verb and lemma in lex.auxiliary_verbs and _has_trigger_complement(tok, lex):
            continue
        if is_noun:
            why_not = _referenced_not_reported(tok, coded_verbs, lex.situation_nouns)
            if why_not is not None:
                start, end = ctx.offset(tok)
                candidates.append(Candidate(sent.index, tok.text, start, end, "rejected", why_not))
                continue
        start, end = ctx.offset(tok)
        appeal = _appeal_over(tok, appeals) if is_verb else None
        if appeal is not None:
            # "urged Azerbaijan to reopen the corridor": the appeal is the event; what it
            # asks for has not happened.
            reason = f"what the appeal or demand at '{appeal.text}' asks for, not a done act"
            candidates.append(Candidate(sent.index, tok.text, start, end, "rejected", reason))
            continue
        if (
            is_verb
            and tok.dep_ == "pcomp"
            and tok.head.lower_ in _KEPT_FROM_PREPOSITIONS
            and _modality(ctx, tok.head.head) != "negated"
        ):
            # "warned China against providing aid", "refrain from attacking", "barred X
            # from entering": what is warned against or kept from has not happened (but
            # "was unable to stop X from driving ... out": it has).
            reason = f"what '{tok.head.head.text} {tok.head.text}' keeps from happening"
            candidates.append(Candidate(sent.index, tok.text, start, end, "rejected", reason))
            continue
        if ctx.mention_at(tok) is not None:
            # "Collective Security Treaty Organization": a word of a name is no action.
            candidates.append(
                Candidate(sent.index, tok.text, start, end, "rejected", "inside an actor's name")
            )
            continue
        local = _local_tokens(tok)
        best = _best_pattern(tok, lex.verbs[lemma] if is_verb else lex.nouns[lemma], local)
        if best is None:
            particle = next(
                (
                    c
                    for c in tok.children
                    if c.dep_ == "prt" and c.lower_ in lex.meaning_changing_particles
                ),
                None,
            )
            why = "no pattern matches"
            if is_verb and particle is not None:
                why = f"phrasal verb '{tok.text} {particle.text}' is not in the dictionary"
            candidates.append(Candidate(sent.index, tok.text, start, end, "rejected", why))
            continue
        pattern, matched, slot_token = best
        if is_verb and lemma in lex.refusal_verbs and not pattern.words:
            refused = _refused_act(ctx, tok)
            if refused is not None:
                pattern, matched, slot_token = refused
        taken = next((t for t in matched if t.i in consumed and t.pos_ in ("NOUN", "PROPN")), None)
        if taken is not None:
            # "agreed to strictly observe a ceasefire": "ceasefire" is already the object of
            # the act coded at "agreed"; "observe" retells that act, it is not a second one.
            reason = f"its pattern's object '{taken.text}' belongs to an act already coded"
            candidates.append(_rejected(sent.index, tok, start, end, reason, pattern))
            continue
        figurative = _figurative(ctx, tok, pattern, matched) if is_verb else None
        if figurative is not None:
            candidates.append(
                Candidate(sent.index, tok.text, start, end, "rejected", figurative, pattern.code)
            )
            continue
        if is_verb:
            sources, how = _subject(ctx, tok)
            ctx.doers = {_country(a.mention) for a in sources}
            targets = _actors_of(ctx, slot_token) if slot_token is not None else []
            if slot_token is not None and not targets and pattern.code in lex.actor_slot_codes:
                # "Ukraine received a package of aid from the US" is no hosted visit: the
                # pattern's X must be someone.
                reason = f"the pattern's X names no actor ('{slot_token.text}')"
                candidates.append(_rejected(sent.index, tok, start, end, reason, pattern))
                continue
            if not targets:
                targets = _verb_target(ctx, tok, matched)
            if not targets:
                targets = _participle_target(ctx, tok)
            answered = _answered_accuser(ctx, tok, sources)
            if answered:
                targets, how = answered, f"{how}; target: the accuser it answers"
            if pattern.code[:2] in _STANCE_ROOTS:
                doers = _doer_of_object_act(ctx, tok, matched, sources)
                if doers:
                    targets, how = doers, f"{how}; target: the doer of the act it is about"
            if not targets and pattern.code[:2] in _APPEAL_ROOTS:
                targets = _addressee_of_complement(ctx, tok, sources)
            if not targets and pattern.code in _GO_BETWEEN_CODES:
                targets = _latest_meeting_parties(ctx, sources)
            for inner in [t for t in matched if t.pos_ in ("VERB", "AUX")]:
                # "vowed to protect Armenia": the object of the pattern's inner verb.
                targets = targets or _verb_target(ctx, inner, [])
            if not targets and lemma in lex.refusal_verbs:
                # "refused to send aid to Armenia": whom the refused act was for.
                for inner in [c for c in tok.children if c.dep_ == "xcomp"]:
                    targets = targets or _verb_target(ctx, inner, [])
            targets = _not_self(sources, targets, pattern.code)
            if not targets:
                # "froze our participation in the CSTO": "our" is the source; look further.
                targets = _not_self(sources, _prep_target(ctx, [tok, *matched]), pattern.code)
            unresolved = None if targets else _unresolved_addressee(tok, matched, slot_token, lex)
            named = unresolved is not None and (
                pattern.code[:2] < "14" or unresolved.tag_ in ("NNP", "NNPS")
            )
            if sources and named and unresolved is not None:
                reason = f"target named but not resolved to an actor ('{unresolved.text}')"
                candidates.append(_rejected(sent.index, tok, start, end, reason, pattern))
                continue
            modality_token = tok
        else:
            ctx.doers = set()
            sources, how, targets, modality_token = _noun_arguments(
                ctx, tok, matched, pattern.code[:2]
            )
        targets = _not_self(sources, targets, pattern.code)
        if (
            sources
            and not targets
            and pattern.code in _DOMESTIC_MEASURES
            and not _places_named(tok, matched)
        ):
            targets = _own_country(sources)
        if not sources:
            reason = f"no resolved source actor ({how})"
            candidates.append(_rejected(sent.index, tok, start, end, reason, pattern))
            continue
        if (
            is_verb
            and lemma in lex.movement_verbs
            and pattern.code[:2] in _FORCE_ROOTS
            and all(
                (a.mention.kind == "person" or (a.mention.actor_code or "").endswith("CVL"))
                and not (a.mention.actor_code or "").endswith(("MIL", "REB"))
                for a in sources
            )
            and not any(c.dep_ == "dobj" for c in tok.children)
        ):
            # "detained the former minister as he tried to cross into Armenia": a person
            # entering a country is no use of force, nor are refugees crossing a border
            # ("thousands of people crossed into Armenia"); troops, a state or a commander
            # doing so is, and so is pushing forces out ("pushed rebel forces out of Tripoli").
            reason = "a person or civilians moving is no use of force"
            candidates.append(_rejected(sent.index, tok, start, end, reason, pattern))
            continue
        consumed.update(t.i for t in matched)
        consumed.add(tok.i)
        if is_verb:
            coded_verbs.add(tok.i)
        modality = _modality(ctx, modality_token)
        speech = _speech_governor(ctx, modality_token)
        reporter: _Actor | None = reporter_fallback
        if speech is not None:
            speakers, _ = _subject(ctx, speech)
            reporter = speakers[0] if speakers else None
        info = code_info(pattern.code)
        if info.root == "19" and (
            all((a.mention.actor_code or "").endswith("CVL") for a in sources)
            or _crowd_subject(lex, tok)
        ):
            # "Protesters stormed the mayor's office", "supporters of the former president
            # stormed Congress": civilians' force is a riot, not the use of military force
            # that troops storming a town is.
            info = code_info(_RIOT)
            how = f"{how}; civilians' force is a riot"
        shifted = _intent_shift(ctx, modality_token, info.code)
        if shifted is not None:
            # "ready to help broker", "threatened to invade": the event is the stated
            # intent or threat, which did happen.
            info, modality = code_info(shifted[0]), "asserted"
            how = f"{how}; {shifted[1]}"
        refusal = _stated_refusal(ctx, modality_token, info.code, modality)
        if shifted is None and refusal is not None:
            info, modality = code_info(refusal), "asserted"
            how = f"{how}; a stated refusal (will not)"
        if not targets and info.code[:3] in _MEDIATION_CODES:
            # Mediation has two parties: unnamed here, they are the parties named before.
            targets = _context_parties(ctx, sources)
            how = f"{how}; parties from context" if targets else how
        if not targets and info.code == _DENIAL:
            targets = _accuser(ctx, sources)
            how = f"{how}; target from context (the accuser)" if targets else how
        if not targets and info.code.startswith(_DIRECTED_CODES):
            targets = _context_opponent(ctx, sources)
            how = f"{how}; target from context" if targets else how
        if is_verb and info.root in _APPEAL_ROOTS:
            appeals[tok.i] = tok
        date = _event_date(ctx, modality_token, tok, modality)
        location = find_location(ctx.doc.text)
        if (
            info.root in _MEETING_ROOTS
            and targets
            and all(t.how.startswith(_VENUE_PHRASES) for t in targets)
        ):
            # "agreed in Nairobi", "signed a declaration in the Saudi city of Jeddah": where
            # a meeting or an agreement takes place is no party to it.
            targets = []
        elif (
            info.root < "16"
            and targets
            and all(t.how.startswith(_VENUE_FOUND) and _is_venue(ctx, t.mention) for t in targets)
        ):
            # "lodged a protest through diplomatic channels in Beijing", "rallied in Moscow":
            # a city or region where a verbal act or a protest happens is not whom it is
            # aimed at (force, sanctions and broken ties do fall on the place: "shelled
            # Stepanakert", "closed its embassy in Moscow").
            targets = []
            if info.code.startswith(_DIRECTED_CODES):
                targets = _context_opponent(ctx, sources)
                how = f"{how}; target from context" if targets else how
        n_parties = len({a.mention.actor_code for a in sources})
        if (
            n_parties >= 2
            and info.root in _JOINT_ROOTS
            and targets
            and all(t.how.startswith(_ABOUT_PHRASES) for t in targets)
        ):
            # "Armenia and Azerbaijan signed an agreement on Nagorno-Karabakh": an actor
            # named inside the object, or after "on", "over", "in", is what a joint act is
            # about or where it happens; its parties are the doers themselves.
            targets = []
        # A mutual act is between two parties ("Armenia and France held a joint exercise");
        # five leaders attending a summit is a multilateral meeting, not twenty dyads. An
        # agreement signed by three binds each to the others.
        reciprocal = not targets and (n_parties == 2 or (n_parties > 2 and info.code == "057"))
        reciprocal = reciprocal and (
            info.root in _RECIPROCAL_ROOTS
            or (info.code == _CEASEFIRE_CODE and _truce_between(ctx, sources))
            or _each_other(tok)
            or lemma in lex.mutual_verbs
        )
        # Two mediators ("a deal brokered by the UN and Turkey") do not mediate each other.
        reciprocal = reciprocal and info.code[:3] not in _MEDIATOR_CODES
        for source in sources:
            options = [s for s in sources if s is not source] if reciprocal else targets
            pair_targets: list[_Actor | None] = [
                t for t in options if t.mention.actor_code != source.mention.actor_code
            ] or [None]
            for target in pair_targets:
                confidence = round(
                    0.9
                    * source.confidence
                    * source.mention.confidence
                    * (0.85 if is_noun else 1.0)
                    * (0.9 if target is None else target.confidence)
                    * (0.9 if how.endswith("(shared)") else 1.0),
                    3,
                )
                event = _make_event(
                    ctx, source, target, info, tok, modality, date, location, reporter,
                    confidence, f"{pattern.kind}:{pattern.text} [{how}]",
                )  # fmt: skip
                events.append(event)
                candidates.append(
                    Candidate(
                        sent.index,
                        tok.text,
                        start,
                        end,
                        "coded",
                        f"pattern '{pattern.text}' -> {info.code} ({info.name}); source by {how}",
                        info.code,
                        pattern.text,
                        event.source_code,
                        event.target_code,
                        modality,
                    )  # fmt: skip
                )
    return events, candidates


def _make_event(
    ctx: _Context,
    source: _Actor,
    target: _Actor | None,
    info: CameoCode,
    trigger: Any,
    modality: str,
    date: EventDate,
    location: Location | None,
    reporter: _Actor | None,
    confidence: float,
    pattern: str,
) -> Event:
    start, end = ctx.offset(trigger)
    return Event(
        sentence=ctx.sentence.index,
        sentence_start=ctx.sentence.start,
        sentence_end=ctx.sentence.end,
        source_code=source.mention.actor_code or "",
        source_name=_name(source),
        source_start=source.mention.start,
        source_end=source.mention.end,
        code=info.code,
        trigger_start=start,
        trigger_end=end,
        trigger=trigger.text,
        target_code=target.mention.actor_code if target else None,
        target_name=_name(target),
        target_start=target.mention.start if target else None,
        target_end=target.mention.end if target else None,
        root=info.root,
        quad_class=info.quad_class,
        goldstein=info.goldstein,
        plover=info.plover,
        modality=modality,
        date=date,
        location=location,
        reported_by_code=reporter.mention.actor_code if reporter else None,
        reported_by_name=_name(reporter),
        confidence=confidence,
        pattern=pattern,
        coder_version=CODER_VERSION,
        article_id=ctx.article.id,
    )


_DEMONYM_ENDINGS = ("ian", "ean", "ican", "ese", "ish", "i")


def _demonym(m: Mention) -> bool:
    """Whether a mention is a nationality adjective ("Azerbaijani", "Russian"), which names
    the doer of "the Azerbaijani offensive", unlike a country name ("the Ukraine war")."""
    text, name = m.text.lower(), (m.actor_name or "").lower()
    if text == name:
        return False
    if text.endswith(_DEMONYM_ENDINGS):
        return True
    return text.endswith("n") and bool(name) and name.startswith(text[:-1])


def _noun_arguments(
    ctx: _Context, noun: Any, matched: list[Any], root: str
) -> tuple[list[_Actor], str, list[_Actor], Any]:
    """Source and target of a nominal event ("Azerbaijan's offensive in Karabakh").

    A proper-noun compound of a conflictual noun names where or on whom it falls, not who
    does it: "the Ukraine war", "the Gaza blockade", "Russia sanctions"."""
    sources: list[_Actor] = []
    compound_targets: list[_Actor] = []
    how = "none"
    conflictual = root >= "13"
    # "Armenian violence", "the Karabakh fighting": a nationality or place modifier of a
    # noun that names a situation rather than an act says where, not who did it.
    situation = noun.lemma_.lower() in ctx.lexicon.situation_nouns
    for child in noun.children:
        if situation and child.dep_ in ("amod", "compound", "nmod"):
            continue
        if child.dep_ == "poss" and child.lower_ in _PRONOUNS_PERSON:
            # "his formal request": the person "his" refers to.
            antecedent = _pronoun_antecedent(ctx, child)
            if antecedent is not None:
                sources, how = [_Actor(antecedent, "pronoun", 0.7)], "possessive pronoun"
                break
        named = ctx.mention_at(child)
        if conflictual and child.dep_ in ("compound", "nmod") and named and not _demonym(named):
            compound_targets = _actors_of(ctx, child)
            continue
        if child.dep_ in ("poss", "amod", "compound", "nmod"):
            m = ctx.mention_at(child)
            if m is not None:
                sources, how = _actors_of(ctx, child), "possessor or modifier of the noun"
                break
        if child.dep_ == "amod" and child.lemma_.lower() in ctx.lexicon.affiliation_participles:
            # "Azerbaijani-aligned protests", "Iranian-backed attacks": the side named in the
            # compound modifier is the doer's side.
            backer = next((g for g in child.children if ctx.mention_at(g) is not None), None)
            if backer is not None:
                sources, how = _actors_of(ctx, backer), f"'{child.text}' modifier of the noun"
                break
        if child.dep_ == "prep" and child.lower_ == "by":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    sources, how = _actors_of(ctx, obj), "by-phrase"
        if (
            not sources
            and child.dep_ == "prep"
            and child.lower_ == "of"
            and noun.lemma_.lower() in ctx.lexicon.doer_of_nouns
        ):
            # "the visit of the US speaker to Taiwan": who visits.
            for obj in child.children:
                if obj.dep_ == "pobj":
                    sources, how = _actors_of(ctx, obj), "of-phrase (the doer)"
    if not sources and conflictual:
        sources, how = _agent_of_noun(ctx, noun)
    if not sources and conflictual:
        sources, how = _origin(ctx, noun), "origin of the attack"
    modality_token = noun
    head = noun.head
    if not sources and noun.dep_ == "appos" and head.dep_ == "dobj" and head.head.i != head.i:
        # "Armenia multiplied signals - the expulsion of Russian journalists, ...": an event
        # noun in apposition to an object is one of the things its verb's subject did.
        governor = head.head
        if (
            governor.pos_ in ("VERB", "AUX")
            and governor.lemma_.lower() not in ctx.lexicon.speech_verbs
        ):
            sources, how = _subject(ctx, governor)
            how = f"{how} of '{governor.lemma_}' (apposition to its object)"
            sources = [_Actor(a.mention, a.how, 0.8 * a.confidence) for a in sources]
    light = head.lemma_.lower() in ctx.lexicon.light_verbs
    if not sources and noun.dep_ in ("dobj", "nsubjpass") and light:
        sources, how = _subject(ctx, head)
        how = f"{how} of light verb '{head.lemma_}'"
        modality_token = head
    elif head.i != noun.i and head.pos_ in ("VERB", "AUX"):
        modality_token = head
    # "subjected to an attack": the passive subject is the target.
    source_mentions = {a.mention for a in sources}

    def others(actors: list[_Actor]) -> list[_Actor]:
        return [t for t in actors if t.mention not in source_mentions]

    targets = others(compound_targets or _prep_target(ctx, [noun, *matched]))
    if not targets:
        targets = others(_embedded_target(ctx, [c for c in noun.children if c.dep_ == "prep"]))
    if not targets and noun.dep_ == "pobj" and head.head.pos_ in ("VERB", "AUX"):
        for child in head.head.children:
            if child.dep_ == "nsubjpass":
                targets = others(_actors_of(ctx, child))
    return sources, how, targets, modality_token


def _agent_of_noun(ctx: _Context, noun: Any) -> tuple[list[_Actor], str]:
    """The doers named by prepositions of a force noun: "fighting between the army and the
    RSF" (both: each is the other's target), "the attack of Azerbaijan against Armenia" (the
    "of" phrase names the doer when "against"/"on" names the target)."""
    by_prep: dict[str, list[_Actor]] = {}
    preps = [c for c in noun.children if c.dep_ == "prep"]
    if noun.dep_ == "nsubj" and noun.head.pos_ in ("VERB", "AUX"):
        # "Fighting broke out between Armenian and Azerbaijani forces": the parties of an
        # outbreak are told on its verb.
        preps += [c for c in noun.head.children if c.dep_ == "prep" and c.lower_ == "between"]
    for prep in preps:
        if prep.dep_ == "prep":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    by_prep.setdefault(prep.lower_, []).extend(_actors_of(ctx, obj))
    between = by_prep.get("between", [])
    if len({a.mention.actor_code for a in between}) == 2:
        return between, "parties of 'between'"
    if by_prep.get("of") and (by_prep.get("against") or by_prep.get("on")):
        return by_prep["of"], "'of' phrase with a target"
    return [], "none"


def _origin(ctx: _Context, noun: Any) -> list[_Actor]:
    """Where a force act comes from: "shelling from Azerbaijan", "an attack across the border
    from Lebanon", "an attack across the border with Azerbaijan" (the side across it)."""
    preps = [p for p in noun.children if p.dep_ == "prep"]
    borders = [
        o
        for p in preps
        if p.lower_ == "across"
        for o in p.children
        if o.dep_ == "pobj" and o.lemma_.lower() in ("border", "frontier")
    ]
    # "across the border with X": the parser attaches "with X" to the border or to the noun.
    sides = [p for b in borders for p in b.children if p.dep_ == "prep"]
    if borders:
        sides += preps
    for prep in [p for p in preps if p.lower_ == "from"] + sides:
        if prep.lower_ not in ("from", "with"):
            continue
        actors = _pobj_actors(ctx, prep)
        if actors:
            return actors
    return []


# Prepositions that make an event noun the setting of the sentence, not what it reports:
# "outside the CSTO summit", "during the talks", "amid the war", "after the attack".
_SETTING_PREPOSITIONS = frozenset({"outside", "at", "during", "after", "before", "ahead",
    "since", "amid", "amidst", "following", "despite", "throughout", "until", "midst"})  # fmt: skip


# Nouns of "in the wake of X", "on the eve of X", "on the sidelines of X": X is a setting.
_SETTING_NOUNS = frozenset({"wake", "aftermath", "eve", "sidelines", "margins", "back",
    "heels", "run-up", "lead-up", "course", "midst", "context", "framework",
    "anniversary"})  # fmt: skip


def _referenced_not_reported(
    noun: Any, coded_verbs: set[int], ctx_situation_nouns: frozenset[str] = frozenset()
) -> str | None:
    """Why an event noun names an event the sentence refers to rather than reports."""
    head = noun.head
    if noun.dep_ == "pobj" and head.lower_ in _SETTING_PREPOSITIONS:
        return f"the setting of the sentence ('{head.text} ... {noun.text}')"
    if noun.dep_ == "pobj" and head.head.lower_ in _SETTING_PREPOSITIONS:
        return f"the setting of the sentence ('{head.head.text} ... {noun.text}')"
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in _SETTING_NOUNS:
        # "in the wake of the attack", "on the sidelines of the summit".
        return f"the setting of the sentence ('{head.head.text} of ... {noun.text}')"
    situation = noun.lemma_.lower() in ctx_situation_nouns
    parties = any(c.dep_ == "prep" and c.lower_ == "between" for c in noun.children)
    if (
        noun.dep_ == "pobj"
        and head.lower_ in ("in", "during", "throughout")
        and situation
        and not parties
    ):
        # "killed in the fighting", "his allies in his battle in Ukraine": the situation the
        # sentence is set in (unless it names its parties: "in fighting between X and Y").
        return f"the setting of the sentence ('{head.text} ... {noun.text}')"
    governor = head.head if noun.dep_ == "pobj" and head.dep_ == "prep" else head
    if noun.dep_ in ("dobj", "pobj") and governor.i in coded_verbs:
        # "criticized Russia's war in Ukraine": the war is what the criticism is about.
        return f"the topic of the event at '{governor.text}'"
    return None


def _not_self(sources: Sequence[_Actor], targets: list[_Actor], code: str) -> list[_Actor]:
    """Targets that are not the source itself or its own country ("Putin vowed to protect
    communities along Russia's borders" is not aimed at Russia). Two actors of one country
    in different roles stay ("the government arrested protesters"), and so do the targets
    of coercion (17), which is mostly domestic ("declared martial law across Armenia")."""
    if code[:2] == "17":
        return targets
    codes = {a.mention.actor_code or "" for a in sources}

    def own(code: str) -> bool:
        return any(
            code == c or (code[:3] == c[:3] and (len(code) == 3 or len(c) == 3)) for c in codes
        )

    return [t for t in targets if not own(t.mention.actor_code or "")]


def _unresolved_addressee(
    verb: Any, matched: list[Any], slot: Any | None, lex: Dictionary
) -> Any | None:
    """The person or thing a verbal act is addressed to when the sentence names one that is
    not an actor ("vowed to protect ethnic communities", "gave his visitors assurances"):
    the target is then unknown, not absent, and the act is no event (unsure means none)."""
    if _each_other(verb):
        return None  # a mutual act: the coordinated subjects are each other's targets
    matched_ids = {t.i for t in matched}
    objects = [slot] if slot is not None else []
    for v in [verb, *[t for t in matched if t.pos_ in ("VERB", "AUX")]]:
        objects += [c for c in v.children if c.dep_ in ("dobj", "dative")]
    for obj in objects:
        # A named party, not a pronoun (resolved, or not, elsewhere) nor an act or document
        # ("brokered a ceasefire", "described the exodus as ..."); "ethnic Russians" may be
        # tagged an adjective.
        if obj.i in matched_ids or obj.lemma_.lower() in lex.nouns:
            continue
        if any(
            prep.lower_ in ("of", "to")
            and any(o.i in matched_ids or o.lemma_.lower() in lex.nouns for o in prep.children)
            for prep in obj.children
            if prep.dep_ == "prep"
        ):
            # "host a new round of talks", "impose a package of sanctions", "urged an end to
            # the fighting": the act itself, counted, bundled or ended, not someone it is
            # aimed at.
            continue
        if obj.pos_ in ("NOUN", "PROPN", "ADJ"):
            # People ("the communities", "his visitors", "other countries") or a thing whose
            # owner is not named ("welcomed the decision"): whom the act is aimed at is
            # unknown.
            return obj
    return None


# Stances toward an act (comment, approve, criticise, reject): "condemned the attack on
# Ganja", "declined to support the invasion of Ukraine" are aimed at whoever did the act.
_STANCE_ROOTS = frozenset({"01", "05", "11", "12"})
# Measures a state imposes on its own territory and people (a curfew, a state of emergency,
# martial law): with no other target named, they fall on the source's own country.
_DOMESTIC_MEASURES = frozenset({"1723", "1724"})
_RIOT = "145"


def _places_named(trigger: Any, matched: list[Any]) -> bool:
    """Whether the act names where it applies ("a curfew in Kherson", "martial law in the
    annexed regions"): a place that did not resolve to a target may be someone else's."""
    return any(
        prep.dep_ == "prep" and prep.lower_ in ("in", "on", "across", "throughout", "over")
        for t in [trigger, *matched]
        for prep in t.children
    )


def _own_country(sources: Sequence[_Actor]) -> list[_Actor]:
    """The one country of ``sources``, named by the source's own mention ("The Karabakh
    authorities declared martial law": Nagorno-Karabakh)."""
    countries = {_country(a.mention) for a in sources}
    if len(countries) != 1:
        return []
    (country,) = countries
    if not country:
        return []
    mention = replace(sources[0].mention, actor_code=country, actor_name=country, kind="country")
    return [_Actor(mention, "its own country (a domestic measure)", 0.6)]


# Uses of force: a movement verb ("enter", "cross into") codes one only for troops or states.
_FORCE_ROOTS = frozenset({"18", "19", "20"})


def _doer_of_object_act(
    ctx: _Context, verb: Any, matched: list[Any], sources: list[_Actor]
) -> list[_Actor]:
    """The doer of a use of force named as the object of ``verb`` (or of the verbs its
    pattern matched): its own source, else the other party of the conflict with its target.
    For "the agreement", "the ceasefire", "the talks" with no one named: the parties of the
    latest joint act told before ("Guterres welcomed the agreement")."""
    lex = ctx.lexicon
    verbs = [verb, *[t for t in matched if t.pos_ in ("VERB", "AUX")]]
    own = {_country(a.mention) for a in sources}
    for v in verbs:
        for noun in v.children:
            if noun.dep_ != "dobj" or noun.lemma_.lower() not in lex.nouns:
                continue
            best = _best_pattern(noun, lex.nouns[noun.lemma_.lower()], _local_tokens(noun))
            if best is None:
                continue
            if best[0].code[:2] in _MUTUAL_COOPERATION_ROOTS:
                if (
                    _definite_bare(noun)
                    and ctx.together
                    and not _other_agreement_since(ctx, ctx.together[-1], ctx.offset(noun)[0])
                ):
                    how = f"the parties of '{noun.text}'"
                    parties = _pair_parties(ctx, ctx.together[-1], own, how)
                    if parties:
                        return parties
                continue
            if best[0].code[:2] < "18":
                continue
            doers, _, victims, _ = _noun_arguments(ctx, noun, best[1], best[0].code[:2])
            if not doers and victims:
                doers = _context_opponent(ctx, victims)
            doers = [d for d in doers if _country(d.mention) not in own]
            if doers:
                return [_Actor(d.mention, f"doer of '{noun.text}'", 0.8 * d.confidence)
                        for d in doers]  # fmt: skip
    return []


# Words that tell of an agreement being made.
_AGREEING = re.compile(
    r"\b(?:agree[ds]?|sign(?:s|ed)?|reach(?:es|ed)?|conclude[ds]?|struck)\b", re.I
)


def _other_agreement_since(ctx: _Context, pair: tuple[str, str], end: int) -> bool:
    """Whether an agreement may have been told after the latest joint act and before
    ``end`` by others: a sentence in between with an agreeing word and an actor of another
    country ("... Serbia and Kosovo agreed to normalise ties. The EU welcomed the deal")."""
    text, start = ctx.article.text, ctx.together_end
    parties = {p[:3] for p in pair}
    others = [
        m.start
        for m in (*ctx.previous_countries, *ctx.mentions)
        if start <= m.start < end and _country(m) not in parties
    ]
    if not others:
        return False
    for piece in _SENTENCE_PIECE.finditer(text, start, end):
        if _AGREEING.search(piece.group()) and any(
            piece.start() <= o < piece.end() for o in others
        ):
            return True
    return False


_SENTENCE_PIECE = re.compile(r"[^.!?]+[.!?]*")


def _definite_bare(noun: Any) -> bool:
    """ "the agreement", "this deal": a definite noun naming no one (no of-phrase, no
    possessor, no name before it), so one told of before."""
    children = list(noun.children)
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in children) and (
        not any(
            c.dep_ in ("poss", "compound", "nmod", "acl", "relcl")
            or (c.dep_ == "prep" and c.lower_ not in ("as", "at", "after", "despite"))
            for c in children
        )
    )


def _refused_act(ctx: _Context, verb: Any) -> tuple[Pattern, list[Any], Any | None] | None:
    """ "refused to supply Ukraine with air defence systems": the rejection of the act the
    complement names (its refusal code), with that act's words and target slot, so the act
    is coded once, as refused, and aimed at its target."""
    lex = ctx.lexicon
    for inner in verb.children:
        if inner.dep_ != "xcomp" or inner.pos_ not in ("VERB", "AUX"):
            continue
        patterns = lex.verbs.get(inner.lemma_.lower())
        best = _best_pattern(inner, patterns, _local_tokens(inner)) if patterns else None
        if best is None:
            continue
        code = lex.refusal_code(best[0].code)
        if code is None:
            continue
        text = f"{verb.lemma_.lower()} to {best[0].text}"
        refusal = Pattern(code, "verb", text, frozenset({verb.lemma_.lower()}), ())
        return refusal, [inner, *best[1]], best[2]
    return None


def _figurative(ctx: _Context, verb: Any, pattern: Pattern, matched: list[Any]) -> str | None:
    """Why a verb trigger is not the act its code means, or None."""
    matched_ids = {t.i for t in matched}
    for child in verb.children:
        particle = child.dep_ == "prt" and child.i not in matched_ids
        if particle and child.lower_ in ctx.lexicon.meaning_changing_particles:
            # "held off on", "called off", "backed away": another verb than the pattern's.
            return f"phrasal verb '{verb.text} {child.text}' is not in the dictionary"
        if (
            child.dep_ == "dobj"
            and pattern.code[:2] >= "14"  # "condemned the decision" is literal, not "seized" it
            and child.i not in matched_ids
            and child.lemma_.lower() in ctx.lexicon.figurative_objects
            and not (child.tag_ == "NNS" and child.lemma_.lower() in ctx.lexicon.literal_plurals)
        ):
            # ("attacked the idea"), but "attacked positions" is a military target.
            return f"figurative object '{child.text}'"
    if (
        pattern.code[:2] == "14"
        and not pattern.words
        and any(c.dep_ == "dobj" for c in verb.children)
    ):
        # Protest verbs are intransitive: "Baku demonstrated its military superiority" is
        # "showed", "marched troops" is no march of protesters.
        return f"'{verb.text}' with a direct object is not a protest"
    if pattern.code[:2] >= "14" and not pattern.words:
        has_object = any(c.dep_ in ("dobj", "prep", "nsubjpass") for c in verb.children)
        if not has_object and any(c.dep_ == "ccomp" for c in verb.children):
            # "demonstrate that ...", "show that ...": a claim about something, not the act.
            return "clausal complement: the verb reports a claim, not the act"
    return None


# --- 3. a whole article ----------------------------------------------------------------------


def code_article(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    docs: dict[int, Any],
    lexicon: Dictionary | None = None,
) -> CodingResult:
    """Events of an article from the parses (``docs``: sentence index -> spaCy Doc).

    Sentences without a parse were not selected (no actor or no trigger) and yield nothing.
    """
    lexicon = lexicon or dictionary()
    by_sentence = resolved_mentions_by_sentence(sentences, mentions)
    people: list[Mention] = []
    countries: list[Mention] = []
    fighting: list[tuple[str, str]] = []
    disputing: list[tuple[str, str]] = []
    last_force_doer: Mention | None = None
    bodies: dict[str, Mention] = {}
    together: list[tuple[str, str]] = []
    together_end = 0
    accusations: list[tuple[str, Mention]] = []
    result = CodingResult(n_sentences=len(sentences), n_parsed=len(docs))
    for sentence in sentences:
        own = by_sentence.get(sentence.index, [])
        doc = docs.get(sentence.index)
        if doc is not None and not sentence.is_caption:
            ctx = _Context(article, sentence, doc, own, list(people), lexicon, list(countries))
            ctx.fighting = list(fighting)
            ctx.disputing = list(disputing)
            ctx.last_force_doer = last_force_doer
            ctx.previous_bodies = dict(bodies)
            ctx.together = list(together)
            ctx.together_end = together_end
            ctx.accusations = accusations
            events, candidates = code_sentence(ctx)
            result.events.extend(events)
            result.candidates.extend(candidates)
            for e in counted(events):
                if e.root == "11":
                    accuser = next((m for m in own if m.start == e.source_start), None)
                    accused = next((m for m in own if m.start == e.target_start), None)
                    if accuser and accused and _country(accuser) != _country(accused):
                        accusations.append((_country(accused), accuser))
                if e.root >= "18":
                    fighting = _conflict_pairs(fighting, e)
                    doer = next((m for m in own if m.start == e.source_start), None)
                    last_force_doer = doer or last_force_doer
                elif "11" <= e.root <= "17":
                    disputing = _conflict_pairs(disputing, e)
            for pair in _mutual_pairs(counted(events)):
                together = _latest_last(together, pair)
                together_end = sentence.end
        if not sentence.is_caption:
            people.extend(m for m in own if m.kind == "person")
            people = people[-3:]
            countries.extend(m for m in own if m.kind not in ("organisation", "group"))
            bodies.update((m.actor_code, m) for m in own if m.actor_code and m.kind != "person")
            countries = countries[-500:]
    result.events = _dedupe(result.events)
    result.events = _one_per_article(result.events)
    return result


def _conflict_pairs(pairs: list[tuple[str, str]], event: Event) -> list[tuple[str, str]]:
    """``pairs`` with the two sides of ``event`` last: two countries, or in a civil war the
    army and the rebels of one country (kept by full code; by country they would be one)."""
    if event.target_code and event.source_code != event.target_code:
        return _latest_last(pairs, _party_pair(event.source_code, event.target_code))
    return pairs


def _party_keys(source: str, target: str) -> tuple[str, str]:
    """Two sides by country, or by full code when they are bodies of one country (the army
    and the rebels of a civil war)."""
    a, b = source[:3], target[:3]
    return (a, b) if a != b else (source, target)


def _party_pair(source: str, target: str) -> tuple[str, str]:
    """The two sides' keys (``_party_keys``) in order: how pairs of parties are kept."""
    a, b = _party_keys(source, target)
    return (a, b) if a <= b else (b, a)


def _latest_last(pairs: list[tuple[str, str]], pair: tuple[str, str]) -> list[tuple[str, str]]:
    return [p for p in pairs if p != pair] + [pair]


def _mutual_pairs(events: Sequence[Event]) -> list[tuple[str, str]]:
    """The pairs of countries of mutual cooperative acts among ``events`` (one trigger
    coded both ways: "Armenia and Azerbaijan agreed to a ceasefire"); of one country's
    bodies by full code ("the army and the RSF signed a declaration")."""
    directed = {
        (e.trigger_start, *_party_keys(e.source_code, e.target_code))
        for e in events
        if e.root in _MUTUAL_COOPERATION_ROOTS and e.target_code and e.source_code != e.target_code
    }
    pairs = []
    for trigger, a, b in sorted(directed):
        if a < b and (trigger, b, a) in directed and (a, b) not in pairs:
            pairs.append((a, b))
    return pairs


_MUTUAL_COOPERATION_ROOTS = frozenset({"03", "04", "05", "06", "08"})


def _one_per_article(events: list[Event]) -> list[Event]:
    """The same act told twice in one article (headline and lead, or a recap) is one event:
    same source, target, code and modality with overlapping dates. The report kept is the
    one in the longest sentence (the one that tells most about it)."""
    best: dict[tuple[Any, ...], Event] = {}
    order: list[tuple[Any, ...]] = []
    for e in events:
        # By country: "Russia blames Armenia" and "Moscow blames Yerevan" are one act (but
        # the army and the rebels of one country are two sides).
        domestic = e.source_code[:3] == (e.target_code or "")[:3]
        width = None if domestic else 3
        key: tuple[Any, ...] = (
            e.source_code[:width],
            (e.target_code or "")[:width],
            e.code,
            e.modality,
        )
        previous = best.get(key)
        if previous is not None and previous.trigger_start == e.trigger_start:
            # One trigger coded for two bodies of one country ("called on both sides": the
            # army and the rebels) names two targets, not one act twice.
            key = (*key, e.source_code, e.target_code)
            previous = best.get(key)
        if previous is None or not _overlap(previous.date, e.date):
            if previous is not None:
                key = (*key, e.sentence)
            best[key] = e
            order.append(key)
            continue
        if e.sentence_end - e.sentence_start > previous.sentence_end - previous.sentence_start:
            best[key] = e
    kept = {id(best[k]) for k in order}
    unique = [e for e in events if id(e) in kept]
    # A less specific retelling ("Armenia's criticism followed ...", its target unnamed or
    # only guessed from context) of an act told with its target is the same act. Told as
    # believed, supposed or planned, the act still has that target; told as not done (a
    # failure to take control), it does not stand for an act told as done (an annexation).
    told = [e for e in unique if e.target_code and not _inferred_target(e)]
    return [
        e
        for e in unique
        if not (e.target_code is None or _inferred_target(e))
        or not any(
            t.source_code[:3] == e.source_code[:3]
            and t.code == e.code
            and t.modality != "negated"
            and t.sentence != e.sentence
            and _overlap(t.date, e.date)
            for t in told
        )
    ]


def _inferred_target(e: Event) -> bool:
    return "from context" in (e.pattern or "")


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per (sentence, source, target, code, trigger): overlapping mentions collapse."""
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for e in events:
        key = (e.sentence, e.source_code, e.target_code, e.code, e.trigger_start)
        if key not in seen:
            seen.add(key)
            unique.append(e)
    return unique


def parse_sentences(nlp: Any, article: Article, sentences: Sequence[Sentence]) -> dict[int, Any]:
    """spaCy parses of the given sentences (only these: the parser is the expensive part)."""
    texts = [article.text[s.start : s.end] for s in sentences]
    return {s.index: doc for s, doc in zip(sentences, nlp.pipe(texts), strict=True)}


def extract_events(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    nlp: Any,
    lexicon: Dictionary | None = None,
) -> CodingResult:
    """Select, parse and code one article (convenience for tests and ``explain``)."""
    lexicon = lexicon or dictionary()
    selected = select_sentences(article, sentences, mentions, lexicon)
    docs = parse_sentences(nlp, article, selected)
    return code_article(article, sentences, mentions, docs, lexicon)


def counted(events: Iterable[Event]) -> list[Event]:
    """Events that count by default: not negated, hypothetical, conditional or opinion."""
    return [e for e in events if e.modality in COUNTED_MODALITIES]


# --- 4. the same event across articles -------------------------------------------------------


@dataclass(frozen=True)
class StoredEvent:
    id: int
    article_id: int
    event: Event
    evidence: str  # the sentence text


@dataclass(frozen=True)
class EventGroup:
    event_ids: tuple[int, ...]
    source_code: str
    target_code: str | None
    root: str
    code: str
    date_start: str | None
    date_end: str | None
    n_articles: int
    n_sources: int


_TOKEN = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "on",
        "and",
        "or",
        "for",
        "with",
        "by",
        "at",
        "from",
        "that",
        "this",
        "is",
        "was",
        "were",
        "be",
        "has",
        "have",
        "had",
        "it",
        "its",
        "as",
    ]
)


@lru_cache(maxsize=1 << 16)
def _words(text: str) -> frozenset[str]:
    # Cached: grouping compares each evidence sentence with many others.
    return frozenset(w for w in _TOKEN.findall(text.lower()) if w not in _STOP)


def _overlap(a: EventDate, b: EventDate) -> bool:
    if not (a.window_start or a.window_end) or not (b.window_start or b.window_end):
        return False
    a_lo, a_hi = a.window_start or "0000", a.window_end or "9999"
    b_lo, b_hi = b.window_start or "0000", b.window_end or "9999"
    return a_lo <= b_hi and b_lo <= a_hi


def same_event(a: StoredEvent, b: StoredEvent, min_similarity: float = 0.3) -> bool:
    """Two reports of one real-world event: same dyad (by country) and root, overlapping
    dates, and either similar evidence sentences or the same exact day."""
    ea, eb = a.event, b.event
    if ea.root != eb.root or ea.source_code[:3] != eb.source_code[:3]:
        return False
    if (ea.target_code or "")[:3] != (eb.target_code or "")[:3]:
        return False
    if not _overlap(ea.date, eb.date):
        return False
    if ea.date.precision == "day" and ea.date.date and ea.date.date == eb.date.date:
        return True
    wa, wb = _words(a.evidence), _words(b.evidence)
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) >= min_similarity


def group_events(events: Sequence[StoredEvent], origins: dict[int, int]) -> list[EventGroup]:
    """Union of pairwise ``same_event`` links within each (source country, target, root)."""
    parent = {e.id: e.id for e in events}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    blocks: dict[tuple[str, str, str], list[StoredEvent]] = {}
    for e in events:
        key = (e.event.source_code[:3], (e.event.target_code or "")[:3], e.event.root)
        blocks.setdefault(key, []).append(e)
    for block in blocks.values():
        # Reports whose date windows cannot overlap are never one event: in order of window
        # start, each is compared only with those starting before its window ends (the
        # groups are the connected components, whatever the order of comparison).
        dated = sorted(
            (e for e in block if e.event.date.window_start or e.event.date.window_end),
            key=lambda e: (e.event.date.window_start or "0000", e.id),
        )
        for i, a in enumerate(dated):
            a_end = a.event.date.window_end or "9999"
            for b in dated[i + 1 :]:
                if (b.event.date.window_start or "0000") > a_end:
                    break
                if a.article_id != b.article_id and find(a.id) != find(b.id) and same_event(a, b):
                    parent[find(b.id)] = find(a.id)
    members: dict[int, list[StoredEvent]] = {}
    for e in events:
        members.setdefault(find(e.id), []).append(e)
    groups = []
    for group in members.values():
        group.sort(key=lambda e: e.id)
        first = group[0].event
        starts = [e.event.date.window_start for e in group if e.event.date.window_start]
        ends = [e.event.date.window_end for e in group if e.event.date.window_end]
        articles = {e.article_id for e in group}
        groups.append(
            EventGroup(
                event_ids=tuple(e.id for e in group),
                source_code=first.source_code,
                target_code=first.target_code,
                root=first.root,
                code=first.code,
                # The intersection of the windows: each report bounds when it happened.
                date_start=max(starts) if starts else None,
                date_end=min(ends) if ends else None,
                n_articles=len(articles),
                n_sources=len({origins.get(a, a) for a in articles}),
            )
        )
    return groups


__all__ = [
    "CODER_VERSION",
    "COUNTED_MODALITIES",
    "Candidate",
    "CodingResult",
    "EventGroup",
    "StoredEvent",
    "code_article",
    "counted",
    "extract_events",
    "group_events",
    "dictionary",
    "select_sentences",
]
