"""The actor stage: find every mention of an actor in a cleaned article and resolve it.

A pure function from an ``Article`` (+ its sentences, the knowledge base and a loaded
spaCy pipeline with only ``ner``) to ``list[Mention]``. Dictionary
phrases are found with a spaCy ``PhraseMatcher``; named entities the dictionary does not
know are tried against it by transliteration key and, conservatively, by fuzzy match.
Adjacent pieces are then read together: "Russia's deputy U.N. Ambassador Anna
Evstigneeva" is one mention of a person whose country and office the words give.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

from .actor_kb import Actor, Holding, KnowledgeBase, Surface, name_key, surface_key
from .dates import dateline_end
from .model import Article, Mention, Sentence
from .nlp import dictionary_words
from .sentences import sentence_at

VERSION = "5"  # 2: a wire dateline is a sentence of its own; 3: NER skips non-names;
# 4: coordinated nationalities share a group noun ("Indian and Pakistani troops");
# 5: office holders of 40 more countries, surnames of other people and not used alone
# spaCy components the stage does not need: only ner runs. In the en_core_web_* pipelines
# ner embeds the tokens itself (its own Tok2Vec); the shared ``tok2vec`` only feeds the
# tagger and the parser, so running it here would double the stage's cost for nothing.
UNUSED_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
# Day and month names are capitalised words NER tags DATE, a label the stage does not read,
# so they alone do not send a sentence to NER. "May" stays: it is a surname too.
_CALENDAR_NAMES = frozenset(
    name.lower() for name in (*calendar.day_name, *calendar.month_name) if name and name != "May"
)

# Words that may sit between the pieces of one actor phrase ("Russia's deputy U.N.
# Ambassador ...", "Prime Minister of Armenia", "the Armenian prime minister").
_GLUE = frozenset({
    "the", "'s", "’s", "'", "of", "deputy", "first", "vice", "acting", "former", "then", "new",
    "senior", "top", "chief", "interim", "outgoing", "incoming", "self-proclaimed", "de",
    "facto", "own",
})  # fmt: skip
_PLACE_PREPOSITIONS = frozenset({
    "in", "to", "from", "at", "near", "outside", "around", "across", "into", "via",
})  # fmt: skip
_SPEECH_VERBS = frozenset({
    "said", "says", "added", "told", "wrote", "stated", "noted", "declared", "explained",
    "argued", "warned", "insisted", "continued", "replied", "asked",
})  # fmt: skip
_PRONOUNS = frozenset({"he", "she"})
_POSTING_PREPOSITIONS = frozenset({"to", "for", "in"})
_LEADER_OFFICES = frozenset({"head_of_state", "head_of_government", "monarch", "supreme_leader"})
_COORDINATORS = frozenset({"and", "or", ","})
# Bodies a bare "the army" / "the parliament" may refer back to, and how many sentences back.
_DEFINITE_ROLES = frozenset({"MIL", "LEG", "JUD", "SPY", "OPP", "REB"})
_DEFINITE_REACH = 3
# Civilians named by what they do as a crowd: "the protesters" are the protesters named
# before ("Azerbaijani protesters blocked the road ... talks with the protesters"); "the
# people" or "the residents" could be anyone's.
_DEFINITE_CROWDS = frozenset({"protesters", "protestors", "demonstrators", "activists", "rioters"})
_ETHNIC = frozenset({"ethnic"})
_FORMER = frozenset({"former", "ex", "late"})
_LOCAL_ROLES = frozenset({"GOV", "CVL", "LEG", "JUD", "OPP", "MED", "PTY"})
_AFFILIATION_PREPOSITIONS = frozenset({"at", "in", "with", "of", "from", "for"})
_NER_LABELS = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place",
               "NORP": "group", "FAC": "place"}  # fmt: skip
# Fuzzy matching is for damaged spellings of names we know, not for guessing: a high
# threshold, a minimum length, and the first letter must agree.
FUZZY_THRESHOLD = 90.0
FUZZY_MIN_LENGTH = 6
_CATEGORY_RANK = {"name": 0, "seat": 1, "surname": 2, "adjective": 3, "title": 4, "institution": 5}


@dataclass
class _Item:
    start: int  # token indices
    end: int
    category: str  # name, seat, surname, adjective, title, institution, ner
    actor_id: str | None = None
    value: str | None = None  # role code (institution), office (title), NER label (ner)
    method: str = "exact"
    confidence: float = 1.0
    # A country or body after "ambassador to" / "envoy for": where the office is held,
    # not whom it belongs to.
    posting: bool = False


@dataclass
class _Chunk:
    items: list[_Item] = field(default_factory=list)
    posting: bool = False  # split off a title: "Sudan" in "ambassador to Sudan"

    @property
    def start(self) -> int:
        return self.items[0].start

    @property
    def end(self) -> int:
        return self.items[-1].end

    def has(self, *categories: str) -> bool:
        return any(i.category in categories for i in self.items)


class ActorMatcher:
    """A knowledge base compiled into a spaCy ``PhraseMatcher`` for one pipeline."""

    def __init__(self, kb: KnowledgeBase, nlp: Any) -> None:
        from spacy.matcher import PhraseMatcher

        self.kb = kb
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        # The tokenizer splits some words by case ("U.N." is one token, "u.n." two), so
        # lower-case phrases are added in title case as well.
        forms = {s.form for surfaces in kb.surfaces.values() for s in surfaces}
        forms |= {f.title() for f in forms if f.islower()}
        self.matcher.add("ACTOR", list(nlp.tokenizer.pipe(sorted(forms))))
        # Forms people and organisations are written in, for fuzzy matching.
        # Both the transliteration keys and the plain lower-case forms: a dropped letter
        # ("Donetk") is closer in the plain form, a respelling in the key.
        candidates: dict[str, set[str]] = {}
        for key, ids in kb.name_keys.items():
            candidates.setdefault(key, set()).update(ids)
        for surfaces in kb.surfaces.values():
            for s in surfaces:
                actor = kb.actors.get(s.actor_id or "")
                if s.category == "name" and actor is not None and actor.kind != "government":
                    candidates.setdefault(s.form.lower(), set()).add(actor.id)
        self.fuzzy_keys = {
            k: next(iter(ids))
            for k, ids in candidates.items()
            if len(ids) == 1 and len(k) >= FUZZY_MIN_LENGTH
        }
        self.fuzzy_choices = list(self.fuzzy_keys)
        # One-word place and country names, for capitalised words NER did not tag.
        self.place_keys = {
            k: v
            for k, v in self.fuzzy_keys.items()
            if " " not in k and kb.actors[v].kind in ("place", "country")
        }
        self.place_choices = list(self.place_keys)
        # Common words, to tell a sentence-initial capital from a name (entity_passages);
        # a word that is a known name or surname ("May") is no common word here.
        names = {k for keys in (kb.name_keys, kb.surname_keys) for k in keys if " " not in k}
        self.common_words = dictionary_words(nlp) - names


def _case_fits(form: str, text: str) -> bool:
    """Acronyms must match exactly; capitalised names need their capitals in the text."""
    letters = [c for c in form if c.isalpha()]
    if not any(c.isupper() for c in letters):
        return True
    if all(c.isupper() for c in letters):
        return text.replace("’", "'") == form.replace("’", "'")
    form_words, text_words = form.split(), text.split()
    if len(form_words) != len(text_words):
        return text[:1].isupper()
    return all(
        not f[:1].isupper() or t[:1].isupper() for f, t in zip(form_words, text_words, strict=True)
    )


def _reference_day(article: Article) -> str | None:
    """The article's date, or the middle of its publication window (a month or a year
    alone: its middle day), for resolving offices to their holders."""
    pub = article.published
    if pub.date and len(pub.date) >= 10:
        return pub.date[:10]
    lo, hi = pub.window_start, pub.window_end
    if lo and hi and len(lo) >= 10 and len(hi) >= 10:
        a, b = date.fromisoformat(lo[:10]), date.fromisoformat(hi[:10])
        return (a + (b - a) / 2).isoformat()
    partial = pub.date or lo or hi
    if not partial:
        return None
    if len(partial) == 4:
        return f"{partial}-07-01"
    return f"{partial[:7]}-15" if len(partial) >= 7 else None


def is_english(article: Article) -> bool:
    return article.language is None or article.language.lower().startswith("en")


def find_mentions(
    article: Article,
    sentences: Sequence[Sentence],
    matcher: ActorMatcher,
    doc: Any = None,
) -> list[Mention]:
    """Every actor mention in ``article`` (none for empty or non-English texts)."""
    if not article.text.strip() or not is_english(article):
        return []
    if doc is None:
        doc = matcher.nlp.make_doc(article.text)
        passages = entity_passages(doc, sentences, matcher)
        texts = (article.text[start:end] for start, end in passages)
        parsed = matcher.nlp.pipe(texts)
        add_entities(doc, ((start, d) for (start, _), d in zip(passages, parsed, strict=True)))
    reader = _Reader(article, sentences, matcher, doc)
    return reader.run()


def entity_passages(
    doc: Any, sentences: Sequence[Sentence], matcher: ActorMatcher
) -> list[tuple[int, int]]:
    """Character spans of the passages where named-entity recognition can add to the
    mentions: runs of consecutive sentences that need it, read together because NER reads
    a sentence-initial name better after the sentence before it ("..., Volker Perthes, said
    on Monday. Perthes said ...").

    ``doc`` is the article tokenised only. The entity labels the stage reads (PERSON, ORG,
    GPE, LOC, NORP, FAC) are proper names, which English writes capitalised, and a name
    the dictionary already matched is taken before NER's reading of it. So a sentence
    needs NER only when it holds a word with a capital letter outside every dictionary
    match that may be a name: not a day or month name (a DATE to NER), and not a word
    capitalised by its position alone: a sentence-initial function word ("The", "But"),
    or a sentence-initial common word ("Analysts", "Local") that neither starts a run of
    capitalised words nor is written capitalised anywhere else in the article (a surname
    that is also a word, "Smith said", was written "John Smith" before). Most sentences of
    real news still qualify; the rest are skipped.
    """
    if not sentences:
        return []
    covered = [False] * len(doc)
    for _, start, end in matcher.matcher(doc):
        covered[start:end] = [True] * (end - start)
    starts = {s.start for s in sentences}
    # Words with a capital letter (lower-casing changes them), outside every dictionary
    # match, that are no day or month name: the words that may be names.
    names = [
        t
        for t in doc
        if t.text != t.lower_ and not covered[t.i] and t.lower_ not in _CALENDAR_NAMES
    ]
    name_positions = {t.i for t in names}
    capitalised_inside = {t.text for t in names if t.idx not in starts}
    stop_words = matcher.nlp.Defaults.stop_words
    wanted: set[int] = set()
    for token in names:
        position = sentence_at(sentences, token.idx)
        if position in wanted:
            continue
        if token.idx == sentences[position].start and (
            token.lower_ in stop_words
            or (
                token.i + 1 not in name_positions
                and token.text not in capitalised_inside
                and _common_word(token, matcher)
            )
        ):
            continue
        wanted.add(position)
    passages: list[tuple[int, int]] = []
    for position in sorted(wanted):
        if passages and position - 1 in wanted:
            passages[-1] = (passages[-1][0], sentences[position].end)
        else:
            passages.append((sentences[position].start, sentences[position].end))
    return passages


# Lower-case particles of Arabic, Dutch, German, Romance names ("al-Maliki", "van der Leyen").
_NAME_PARTICLES = frozenset(
    {
        "al",
        "el",
        "bin",
        "ibn",
        "bint",
        "abu",
        "de",
        "da",
        "di",
        "du",
        "van",
        "von",
        "der",
        "la",
        "le",
    }
)


def _common_word(token: Any, matcher: ActorMatcher) -> bool:
    """Whether ``token`` is a common word (or the plural of one), not a name."""
    if not token.is_alpha:
        return False
    word = token.lower_
    forms = {word}
    if word.endswith("ies"):
        forms.add(word[:-3] + "y")
    elif word.endswith("es"):
        forms.update((word[:-2], word[:-1]))
    elif word.endswith("s"):
        forms.add(word[:-1])
    return not forms.isdisjoint(matcher.common_words)


def add_entities(doc: Any, recognised: Iterable[tuple[int, Any]]) -> None:
    """Copy the entities of sentence Docs (each with its character offset in the article)
    onto the article's token-only ``doc``; an entity whose edges do not fall on the
    article's token boundaries is left out rather than stretched."""
    spans = []
    for offset, sentence_doc in recognised:
        for ent in sentence_doc.ents:
            span = doc.char_span(offset + ent.start_char, offset + ent.end_char, ent.label_)
            if span is not None:
                spans.append(span)
    doc.set_ents(spans, default="outside")


class _Reader:
    def __init__(
        self, article: Article, sentences: Sequence[Sentence], matcher: ActorMatcher, doc: Any
    ) -> None:
        self.article = article
        self.sentences = sentences
        self.m = matcher
        self.kb = matcher.kb
        self.doc = doc
        self.day = _reference_day(article)
        self.sentence_of = [sentence_at(sentences, t.idx) for t in doc] if sentences else []
        self._all_items: list[_Item] = []
        self._matches: list[tuple[int, int]] = []

    # --- pieces ---------------------------------------------------------------------------

    def _dictionary_items(self) -> list[_Item]:
        found: list[_Item] = []
        self._matches = [(start, end) for _, start, end in self.m.matcher(self.doc)]
        for start, end in self._matches:
            span = self.doc[start:end]
            fitting = [
                s
                for s in self.kb.surfaces.get(surface_key(span.text), [])
                if _case_fits(s.form, span.text)
            ]
            if not fitting:
                continue
            best = min(fitting, key=lambda s: _CATEGORY_RANK[s.category])
            if best.category == "surname" and self._other_given_name(start):
                continue
            found.append(self._item_from_surface(start, end, best))
        return found

    def _other_given_name(self, start: int) -> bool:
        """Whether a capitalised word that no dictionary match covers stands right before the
        surname at ``start`` ("Saddam Hussein", "Nawaz Sharif", "Sara Duterte"): another
        person of that name. Not a title ("President Putin": a match), a word of address
        ("Mr Putin"), a calendar name or a common word ("Yesterday Putin ...")."""
        # Name particles between the given name and the surname: "Nouri al-Maliki".
        while start > 1 and (
            self.doc[start - 1].text in ("-", "‐") or self.doc[start - 1].lower_ in _NAME_PARTICLES
        ):
            start -= 1
        if start == 0:
            return False
        before = self.doc[start - 1]
        if not (before.is_alpha and before.text[:1].isupper()):
            return False
        if name_key(before.text) in self.kb.honorifics:
            return False
        if any(s <= start - 1 < e for s, e in self._matches):
            return False
        # A common word ("In March Pashinyan said", a headline's "Kremlin Says Putin ...")
        # or a calendar name is no given name.
        return before.lower_ not in _CALENDAR_NAMES and not _common_word(before, self.m)

    @staticmethod
    def _item_from_surface(start: int, end: int, surface: Surface) -> _Item:
        return _Item(start, end, surface.category, surface.actor_id, surface.value)

    def _entity_items(self, taken: list[bool]) -> list[_Item]:
        found: list[_Item] = []
        for ent in self.doc.ents:
            if ent.label_ not in _NER_LABELS:
                continue
            start, end = ent.start, ent.end
            # Trim a leading article or possessive remains: "the Kremlin", "Putin's".
            while start < end and self.doc[start].lower_ in ("the", "a", "an"):
                start += 1
            while end > start and self.doc[end - 1].text in ("'s", "’s", "'", "’"):
                end -= 1
            if start >= end or any(taken[start:end]):
                continue
            text = self.doc[start:end].text
            resolved = self._resolve_name(text, ent.label_)
            if resolved:
                actor_id, method, confidence = resolved
                found.append(_Item(start, end, "name", actor_id, None, method, confidence))
            else:
                found.append(_Item(start, end, "ner", None, ent.label_, "ner-unresolved", 0.5))
        return found

    def _resolve_name(self, text: str, label: str) -> tuple[str, str, float] | None:
        key = name_key(text)
        if not key:
            return None
        ids = self.kb.name_keys.get(key)
        if ids and len(ids) == 1:
            return next(iter(ids)), "transliteration", 0.9
        words = key.split()
        if label == "PERSON" and len(words) == 1 and key not in self.kb.surnames_not_alone:
            # A surname several known people share: news names a sitting leader by surname
            # alone, lesser officials with their full names.
            leaders = [
                h.person_id
                for person_id in self.kb.surname_keys.get(key, set())
                if (h := self.kb.holding_at(person_id, self.day)) is not None
                and h.office in _LEADER_OFFICES
            ]
            if len(leaders) == 1:
                return leaders[0], "surname", 0.75
        if label == "PERSON" and len(words) > 1:
            # A known surname with given names that belong to the same person
            # ("Jomart Tokayev" for Kassym-Jomart Tokayev).
            ids = self.kb.surname_keys.get(words[-1], set())
            for person_id in ids:
                known = set(name_key(self.kb.actors[person_id].name).split())
                if set(words[:-1]) <= known:
                    return person_id, "partial-name", 0.85
        if len(key) < FUZZY_MIN_LENGTH or not self.m.fuzzy_choices:
            return None
        best = None
        for query in (key, text.lower()):
            hit = process.extractOne(
                query, self.m.fuzzy_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD
            )
            if hit is not None and (best is None or hit[1] > best[1]):
                best = hit
                key = query
                words = key.split()
        if best is None:
            return None
        choice, score, _ = best
        choice_words = choice.split()
        if choice[0] != key[0] or len(choice_words) != len(words):
            return None
        if len(words) > 1:
            # A person: the given names must agree and only a long surname may be damaged,
            # by a letter or two ("Wooden" is not "Wood": short names differ by design).
            surname, known_surname = words[-1], choice_words[-1]
            if words[:-1] != choice_words[:-1] or min(len(surname), len(known_surname)) < 6:
                return None
            if fuzz.ratio(surname, known_surname) < FUZZY_THRESHOLD - 5:
                return None
        return self.m.fuzzy_keys[choice], "fuzzy", round(score / 100 * 0.85, 3)

    def _word_items(self, taken: list[bool]) -> list[_Item]:
        """Damaged one-word place names NER did not tag ("Donetk" for Donetsk)."""
        found: list[_Item] = []
        for token in self.doc:
            if (
                taken[token.i]
                or not token.is_title
                or not token.is_alpha
                or len(token.text) < FUZZY_MIN_LENGTH
                or token.is_sent_start
            ):
                continue
            lower = token.lower_
            hit = process.extractOne(
                lower, self.m.place_choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD
            )
            if hit is not None and hit[0][0] == lower[0]:
                actor_id = self.m.place_keys[hit[0]]
                confidence = round(hit[1] / 100 * 0.85, 3)
                found.append(
                    _Item(token.i, token.i + 1, "name", actor_id, None, "fuzzy", confidence)
                )
        return found

    def _appositive_names(self, items: list[_Item], taken: list[bool]) -> list[_Item]:
        """Names NER missed right after a title and a comma: "the UN special representative
        for Sudan, Volker Perthes, said" (two or three capitalised words, then a comma, a
        full stop or a speech verb)."""
        found: list[_Item] = []
        ends = {i.end: i for i in items}
        titles_end = [i.end for i in items if i.category == "title"]
        doc = self.doc
        for token in doc:
            if token.text != "," or token.i not in ends:
                continue
            before = ends[token.i]
            if before.category != "title" and not any(
                0 <= before.start - e <= 3 for e in titles_end
            ):
                continue
            k = token.i + 1
            while k < len(doc) and k - token.i <= 3 and doc[k].is_title and doc[k].is_alpha:
                if taken[k]:
                    break
                k += 1
            n_words = k - token.i - 1
            if not 2 <= n_words <= 3 or any(taken[token.i + 1 : k]) or k >= len(doc):
                continue
            if doc[k].text in (",", ".") or doc[k].lower_ in _SPEECH_VERBS:
                found.append(_Item(token.i + 1, k, "ner", None, "PERSON", "ner-unresolved", 0.5))
        return found

    def _items(self) -> list[_Item]:
        dictionary = self._dictionary_items()
        dictionary.sort(key=lambda i: (-(i.end - i.start), _CATEGORY_RANK[i.category], i.start))
        taken = [False] * len(self.doc)
        chosen: list[_Item] = []
        ents_person = {(e.start, e.end) for e in self.doc.ents if e.label_ == "PERSON"}
        for item in dictionary:
            if any(taken[item.start : item.end]):
                continue
            # A country word that NER reads as part of a person's name ("Jordan Peterson").
            if item.category in ("name", "adjective") and self._inside_longer_person(
                item, ents_person
            ):
                continue
            chosen.append(item)
            for i in range(item.start, item.end):
                taken[i] = True
        for item in self._entity_items(taken):
            chosen.append(item)
            for i in range(item.start, item.end):
                taken[i] = True
        chosen.extend(self._word_items(taken))
        chosen.extend(self._appositive_names(chosen, taken))
        chosen.sort(key=lambda i: i.start)
        return chosen

    def _inside_longer_person(self, item: _Item, persons: set[tuple[int, int]]) -> bool:
        actor = self.kb.actors.get(item.actor_id or "")
        if actor is None or actor.kind == "person":
            return False
        return any(
            s <= item.start and item.end <= e and (e - s) > (item.end - item.start)
            for s, e in persons
        )

    # --- phrases ------------------------------------------------------------------------

    def _glue_between(self, a: _Item, b: _Item) -> bool:
        if b.start < a.end:
            return False
        if self.sentence_of and self.sentence_of[a.start] != self.sentence_of[b.start]:
            return False
        gap = self.doc[a.end : b.start]
        if (
            a.category == "title"
            and len(gap)
            and gap[0].lower_ in _POSTING_PREPOSITIONS
            and b.category in ("name", "seat")
            and not self._is_person(b)
        ):
            b.posting = True
            return all(t.lower_ in _GLUE for t in gap[1:])
        for token in gap:
            if token.lower_ in _GLUE or token.text in ("'s", "’s"):
                continue
            if token.is_title and not token.is_sent_start and token.is_alpha:
                continue
            return False
        return True

    def _chunks(self, items: list[_Item]) -> list[_Chunk]:
        chunks: list[_Chunk] = []
        for item in items:
            current = chunks[-1] if chunks else None
            if current is not None and self._joins(current, item):
                current.items.append(item)
            else:
                chunks.append(_Chunk([item]))
        # The posting ("ambassador to Sudan") is read with its title, then stands alone:
        # "Sudan" is still a mention of its own, and not part of the ambassador's span.
        result: list[_Chunk] = []
        for chunk in chunks:
            head = [i for i in chunk.items if not i.posting]
            postings = [i for i in chunk.items if i.posting]
            result.append(_Chunk(head if head else chunk.items))
            result.extend(
                _Chunk([replace(i, posting=False)], posting=True) for i in postings if head
            )
        return result

    def _joins(self, chunk: _Chunk, item: _Item) -> bool:
        last = chunk.items[-1]
        if not self._glue_between(last, item):
            return False
        if chunk.has("surname", "ner") or self._is_person(last):
            return False  # a person ends a phrase
        place_like = ("seat", "adjective")
        if item.category in place_like and (chunk.has(*place_like) or self._country_name(last)):
            # "of" joins a second country word ("Prime Minister of Armenia") only if the
            # first is not itself a country ("Russia, Armenia" are two mentions).
            return False
        if self._country_name(item) and chunk.has(*place_like):
            return False
        return not (self._country_name(item) and any(self._country_name(i) for i in chunk.items))

    def _is_person(self, item: _Item) -> bool:
        if item.category == "surname":
            return True
        if item.category == "ner":
            return item.value == "PERSON"
        actor = self.kb.actors.get(item.actor_id or "")
        return actor is not None and actor.kind == "person"

    def _country_name(self, item: _Item) -> bool:
        actor = self.kb.actors.get(item.actor_id or "")
        return item.category == "name" and actor is not None and actor.kind == "country"

    # --- resolution -------------------------------------------------------------------------

    def _country_of(self, chunk: _Chunk) -> tuple[str | None, _Item | None]:
        for item in chunk.items:
            actor = self.kb.actors.get(item.actor_id or "")
            if actor is None or self._is_person(item) or item.posting:
                continue
            if item.category in ("adjective", "seat") or actor.kind in ("country", "government"):
                return actor.country or actor.code, item
        return None, None

    def _org_of(self, chunk: _Chunk) -> Actor | None:
        for item in chunk.items:
            if item.posting:
                continue
            actor = self.kb.actors.get(item.actor_id or "")
            if (
                actor is not None
                and item.category == "name"
                and actor.kind
                not in (
                    "country",
                    "government",
                    "person",
                    "place",
                )
            ):
                return actor
        return None

    def _mention(self, chunk: _Chunk, **fields: Any) -> Mention:
        start = self.doc[chunk.start].idx
        last = self.doc[chunk.end - 1]
        end = last.idx + len(last.text)
        text = self.article.text[start:end]
        sentence = sentence_at(self.sentences, start) if self.sentences else 0
        return Mention(start=start, end=end, text=text, sentence=sentence, **fields)

    def _word_near(self, chunk: _Chunk, words: frozenset[str]) -> bool:
        """Whether one of ``words`` is in the phrase or just before it."""
        return any(t.lower_ in words for t in self.doc[max(chunk.start - 1, 0) : chunk.end])

    def _resolve(self, chunk: _Chunk) -> Mention | None:
        mention = self._resolve_words(chunk)
        if mention is None or not (self._word_near(chunk, _ETHNIC) or mention.kind == "group"):
            return mention
        # "ethnic Armenian forces", "Armenians living in Karabakh": a people, not a state.
        # Coded, as ICEWS does, by where they live when the text says it, else unresolved.
        if mention.method not in ("adjective", "institution"):
            return mention
        where = self._located_after(chunk)
        if where is not None:
            return replace(mention, kind="group", actor_id=where.id, actor_code=where.code,
                           actor_name=where.name, country=where.country,
                           method="ethnic-location", confidence=0.6)  # fmt: skip
        if self._word_near(chunk, _ETHNIC):
            return replace(mention, kind="group", actor_id=None, actor_code=None,
                           actor_name=None, country=None, method="ethnic-unresolved",
                           confidence=0.5)  # fmt: skip
        return mention

    def _located_after(self, chunk: _Chunk) -> Actor | None:
        """The country or entity in "... in X", "... of X", "... living in X" after a phrase."""
        tail = self.doc[chunk.end : chunk.end + 3]
        words = [t.lower_ for t in tail]
        if not words or words[0] not in ("in", "of", "living", "from"):
            return None
        skip = 2 if words[:2] == ["living", "in"] else 1
        if words[skip : skip + 1] == ["the"]:
            skip += 1
        start = chunk.end + skip
        for item in self._all_items:
            if item.start == start and item.category in ("name", "seat"):
                actor = self.kb.actors.get(item.actor_id or "")
                if actor is not None and item.category == "seat" and actor.country:
                    return self.kb.actors.get(actor.country)  # "officials in Astana"
                if actor is not None and actor.kind == "country":
                    return actor
        return None

    def _resolve_words(self, chunk: _Chunk) -> Mention | None:
        items = chunk.items
        country, country_item = self._country_of(chunk)
        org = self._org_of(chunk)
        titles = [i for i in items if i.category == "title"]
        institutions = [i for i in items if i.category == "institution"]
        # "Former Kenyan president Uhuru Kenyatta": the office is not held; the country is.
        former = self._word_near(chunk, _FORMER)
        office = titles[-1].value if titles and not former else None
        person_item = next((i for i in reversed(items) if self._is_person(i)), None)
        if person_item is not None:
            # The body named before a name without a title ("Army chief X") says which of
            # the person's offices the text means.
            role = institutions[-1].value if institutions and not titles and not former else None
            return self._resolve_person(chunk, person_item, country, org, office, role)
        if office is not None:
            return self._resolve_title(chunk, country, org, office)
        if institutions:
            role = institutions[-1].value
            if org is not None and org.code:
                return self._of_actor(
                    chunk,
                    org,
                    kind="organisation",
                    method="exact",
                )
            if country is None and role in _LOCAL_ROLES:
                # "officials in Astana", "protesters in Yerevan": a domestic body is of the
                # country it is in (not soldiers: troops abroad are the norm).
                where = self._located_after(chunk)
                country = where.country if where is not None else None
            if country is None:
                return None
            code = f"{country}{role}"
            return self._mention(
                chunk,
                kind="institution",
                actor_id=code,
                actor_code=code,
                actor_name=f"{self._name(country)}: {role}",
                country=country,
                method="institution",
                confidence=0.9,
            )
        if org is not None:
            return self._of_actor(
                chunk,
                org,
                kind=_KIND.get(org.kind, "organisation"),
                method=items[0].method,
                confidence=items[0].confidence,
            )
        if country_item is None:
            ner = items[-1]
            if ner.category == "ner":
                return self._mention(
                    chunk,
                    kind=_NER_LABELS.get(ner.value or "", "group"),
                    method="ner-unresolved",
                    confidence=0.5,
                )
            actor = self.kb.actors.get(ner.actor_id or "")
            if actor is not None and actor.kind == "place":
                return self._of_actor(
                    chunk,
                    actor,
                    kind="place",
                    method=ner.method,
                    confidence=ner.confidence,
                )
            return None
        return self._resolve_country(chunk, country_item)

    def _of_actor(self, chunk: _Chunk, actor: Actor, **fields: Any) -> Mention:
        """A mention of a knowledge-base actor: its id, code, name and country filled in."""
        return self._mention(
            chunk,
            actor_id=actor.id,
            actor_code=actor.code,
            actor_name=actor.name,
            country=actor.country,
            **fields,
        )

    def _name(self, code: str) -> str:
        actor = self.kb.actors.get(code)
        return actor.name if actor else code

    def _resolve_country(self, chunk: _Chunk, item: _Item) -> Mention | None:
        actor = self.kb.actors[item.actor_id or ""]
        if item.category == "seat":
            following = self.doc[chunk.end] if chunk.end < len(self.doc) else None
            if following is not None and following.is_title and following.is_alpha:
                # "Rome Statute", "Moscow Times", "Washington Post": part of a name.
                return None
            previous = self.doc[chunk.start - 1].lower_ if chunk.start > 0 else ""
            if previous in _PLACE_PREPOSITIONS or self._in_dateline(chunk):
                country = actor.country or ""
                return self._mention(
                    chunk,
                    kind="place",
                    actor_id=country,
                    actor_code=country,
                    actor_name=self._name(country),
                    country=country,
                    method="place",
                    confidence=0.8,
                )
            return self._of_actor(
                chunk,
                actor,
                kind="government",
                method="metonym",
                confidence=0.9,
            )
        if item.category == "adjective":
            text = self.doc[item.start : item.end].text
            kind = "group" if text.endswith("s") and not text.endswith("ss") else "country"
            return self._of_actor(
                chunk,
                actor,
                kind=kind,
                method="adjective",
                confidence=0.7,
            )
        return self._of_actor(
            chunk,
            actor,
            kind="country",
            method=item.method,
            confidence=item.confidence,
        )

    def _in_dateline(self, chunk: _Chunk) -> bool:
        """Whether the phrase is the place of a wire dateline ("MOSCOW, June 5, 2023
        (Reuters) -"): where the story was filed, not the government speaking."""
        if not self.sentences:
            return False
        start: int = self.doc[chunk.start].idx
        sentence = self.sentences[sentence_at(self.sentences, start)]
        if sentence.index > 1 or not sentence.start <= start < sentence.end:
            return False
        dateline = dateline_end(self.article.text[sentence.start : sentence.end])
        return start < sentence.start + dateline

    def _title_code(self, country: str | None, org: Actor | None, office: str) -> str | None:
        """The code an office gives: "Russia's U.N. ambassador" is Russian (the UN is where
        he serves), "NATO Secretary General" is NATO. Analysts and experts get none: in
        "a Russia expert" the country is the subject, not the employer."""
        role = self.kb.office_roles.get(office)
        if role is None and office in self.kb.office_roles:
            return None
        if country is not None:
            return f"{country}{role}" if role else country
        if org is not None and org.code:
            return org.code
        return None

    def _resolve_title(
        self, chunk: _Chunk, country: str | None, org: Actor | None, office: str
    ) -> Mention | None:
        if country is None and org is None:
            return None  # "the prime minister" alone: left to coreference
        if self.kb.office_roles.get(office, "GOV") is None:
            return None  # "Russia expert": the subject of expertise, not an actor
        holder = self.kb.holder(country, office, self.day) if country else None
        if holder is not None:
            person = self.kb.actors[holder.person_id]
            return self._mention(
                chunk,
                kind="person",
                actor_id=person.id,
                actor_code=holder.code,
                actor_name=person.name,
                country=holder.country,
                method="role",
                confidence=0.85,
                role=office,
                person_id=person.id,
            )
        code = self._title_code(country, org, office)
        if code is None:
            return None
        return self._mention(
            chunk,
            kind="role",
            actor_id=code,
            actor_code=code,
            actor_name=f"{self._name(country or '')}: {office}"
            if country
            else (org.name if org else None),
            country=country or (org.country if org else None),
            method="title",
            confidence=0.8,
            role=office,
        )

    def _resolve_person(
        self,
        chunk: _Chunk,
        item: _Item,
        country: str | None,
        org: Actor | None,
        office: str | None,
        role: str | None = None,
    ) -> Mention:
        actor = self.kb.actors.get(item.actor_id or "")
        if actor is not None and actor.kind == "person":
            holding = self.kb.holding_at(actor.id, self.day, office, role)
            method = item.method if item.category != "surname" else "surname"
            if holding is not None:
                return self._person_mention(chunk, actor, holding, method, item.confidence)
            # Not in office on the article's date: the words around the name decide, else
            # the country of the office they last held (a former official), never the role.
            code = self._title_code(country, org, office) if office else None
            latest = self.kb.latest_holding(actor.id)
            if code is None and latest is not None:
                code = latest.country if self.day else latest.code
            return self._mention(
                chunk,
                kind="person",
                actor_id=actor.id,
                actor_code=code,
                actor_name=actor.name,
                country=country or (latest.country if latest else None),
                method=f"{method}+former" if self.day else method,
                confidence=0.6,
                role=office,
                person_id=actor.id,
            )
        # An unknown person: described by the words before the name, or not at all
        # ("Former Kenyan president X": Kenyan, no office).
        code = self._title_code(country, org, office) if office else country
        return self._mention(
            chunk,
            kind="person",
            actor_id=None,
            actor_code=code,
            actor_name=self.doc[item.start : item.end].text,
            country=country or (org.country if org else None),
            method="title" if code else "ner-unresolved",
            confidence=0.75 if code else 0.5,
            role=office,
        )

    def _person_mention(
        self, chunk: _Chunk, actor: Actor, holding: Holding, method: str, confidence: float
    ) -> Mention:
        return self._mention(
            chunk,
            kind="person",
            actor_id=actor.id,
            actor_code=holding.code,
            actor_name=actor.name,
            country=holding.country,
            method=method,
            confidence=confidence * (0.9 if holding.approximate else 1.0),
            role=holding.office,
            person_id=actor.id,
        )

    # --- appositions, affiliations, coreference --------------------------------------------

    def _comma_between(self, a: _Chunk, b: _Chunk) -> bool:
        """Only a comma (and an article or a rank: "Major") between two phrases."""
        gap = list(self.doc[a.end : b.start])
        return (
            bool(gap)
            and gap[0].text == ","
            and all(t.lower_ in ("a", "an", "the") or (t.is_title and t.is_alpha) for t in gap[1:])
        )

    def _describe(self, person: Mention, desc: Mention | None, desc_chunk: _Chunk) -> Mention:
        """Give an unresolved (or former) person the description next to their name."""
        titles = [i for i in desc_chunk.items if i.category == "title"]
        office = titles[-1].value if titles else person.role
        if desc is None:
            return replace(person, role=office)
        if (
            person.actor_id is not None
            and person.method not in ("ner-unresolved",)
            and not (person.method.endswith("+former"))
        ):
            return replace(person, role=person.role or office)
        code = desc.actor_code
        if desc.kind == "person" and desc.person_id and person.actor_id is None:
            code = desc.actor_code  # the description named the office holder: same code
        return replace(
            person,
            actor_code=code,
            country=desc.country,
            role=office,
            method="apposition",
            confidence=0.8,
        )

    def _affiliation(self, chunk: _Chunk, items: list[_Item]) -> tuple[str | None, str | None]:
        """An organisation after the description ("senior fellow at Chatham House")."""
        after = [i for i in items if i.start >= chunk.end]
        for item in after[:3]:
            between = self.doc[chunk.end : item.start]
            if any(t.is_punct and t.text not in ("'s", "’s", "-") for t in between):
                return None, None
            if not any(t.lower_ in _AFFILIATION_PREPOSITIONS for t in between):
                continue
            actor = self.kb.actors.get(item.actor_id or "")
            if actor is not None and actor.kind in ("think_tank", "media", "organisation"):
                return actor.name, actor.country
            if item.category == "ner" and item.value == "ORG":
                name = self.doc[item.start : item.end].text
                return name, self._located_in(item, items)
        return None, None

    def _located_in(self, org: _Item, items: list[_Item]) -> str | None:
        """ "European University in Tbilisi, Georgia": the place right after "in"."""
        if org.end < len(self.doc) and self.doc[org.end].lower_ == "in":
            for item in items:
                if item.start == org.end + 1:
                    actor = self.kb.actors.get(item.actor_id or "")
                    return actor.country if actor is not None else None
        return None

    def run(self) -> list[Mention]:
        items = self._items()
        self._all_items = items
        chunks = self._chunks(items)
        resolved: list[tuple[_Chunk, Mention | None]] = [(c, self._resolve(c)) for c in chunks]
        resolved = self._shared_group_nouns(resolved)
        resolved = self._definite_bodies(resolved)
        mentions: list[Mention] = []
        dropped = self._descriptions_before_names(chunks)
        for n, (chunk, mention) in enumerate(resolved):
            if n in dropped:
                # A description merged into a name still mentions the bodies it names
                # ("The European Union's ambassador to Sudan, Aidan O'Hara").
                mentions.extend(self._bodies_in(chunk))
                continue
            if mention is None:
                continue
            if mention.kind == "person":
                mention = self._apposition(n, resolved, items, dropped, mention)
            mentions.append(mention)
        return self._coreference(mentions)

    def _shared_group_nouns(
        self, resolved: list[tuple[_Chunk, Mention | None]]
    ) -> list[tuple[_Chunk, Mention | None]]:
        """ "Indian and Pakistani troops", "Russian, Turkish and Iranian officials", "the
        British, French and German ambassadors": the group or role noun belongs to every
        coordinated nationality before it, so each adjective names that body of its own
        country (right to left, so the noun passes down a list)."""
        result = list(resolved)
        for n in range(len(result) - 2, -1, -1):
            chunk, mention = result[n]
            following_chunk, following = result[n + 1]
            if (
                mention is None
                or following is None
                or mention.method != "adjective"
                or mention.kind != "country"
                or len(chunk.items) != 1
                or following.kind not in ("institution", "role")
                or following_chunk.items[0].category != "adjective"
                or not following.country
                or not mention.country
            ):
                continue
            between = self.doc[chunk.end : following_chunk.start]
            if not len(between) or any(t.lower_ not in _COORDINATORS for t in between):
                continue
            role = (following.actor_code or "")[len(following.country) :]
            if not role:
                continue
            code = f"{mention.country}{role}"
            result[n] = (
                chunk,
                replace(
                    mention,
                    kind=following.kind,
                    actor_id=code,
                    actor_code=code,
                    actor_name=f"{self._name(mention.country)}: {role}",
                    method="institution" if following.kind == "institution" else following.method,
                    confidence=min(mention.confidence, following.confidence),
                ),
            )
        return result

    def _definite_bodies(
        self, resolved: list[tuple[_Chunk, Mention | None]]
    ) -> list[tuple[_Chunk, Mention | None]]:
        """ "Sudan's army ... The army launched air strikes": a bare "the army" (or "the
        parliament", "the rebels") is the body of that kind the last sentences named, when
        they named it for one country only; with two countries' armies in view it stays
        unresolved (no guess). So is the body of an unknown person described by it alone
        ("army chief Abdel Fattah al-Burhan" after "Sudan's army": SDNMIL)."""
        result = list(resolved)
        seen: list[Mention] = []
        for n, (chunk, mention) in enumerate(result):
            items = chunk.items
            if mention is None:
                bare = (
                    len(items) == 1
                    and items[0].category == "institution"
                    and chunk.start > 0
                    and self.doc[chunk.start - 1].lower_ == "the"
                )
                role = items[0].value if bare else None
                if role == "CVL" and self.doc[chunk.end - 1].lower_ not in _DEFINITE_CROWDS:
                    role = None  # "the people", "the residents": anyone's
                here = self._mention(chunk, kind="institution")
            elif mention.kind == "person" and mention.actor_code is None:
                bodies = [i.value for i in items if i.category == "institution"]
                role = bodies[0] if len(bodies) == 1 and bodies[0] != "CVL" else None
                here = mention
            else:
                seen.append(mention)
                continue
            body = self._named_body(seen, role, here.sentence) if role else None
            if body is None:
                if mention is not None:
                    seen.append(mention)
                continue
            if mention is None:
                found = self._copy(body, here.start, here.end, 0.7)
            else:
                found = replace(
                    mention,
                    actor_code=body.actor_code,
                    country=body.country,
                    method="title+coref",
                    confidence=0.6,
                )
            result[n] = (chunk, found)
            seen.append(found)
        return result

    @staticmethod
    def _named_body(seen: list[Mention], role: str, sentence: int) -> Mention | None:
        """The latest body of ``role`` named in the last sentences, if for one country only."""
        if role not in _DEFINITE_ROLES and role != "CVL":
            return None
        recent = [
            m
            for m in seen
            if m.country
            and m.kind not in ("person", "role")  # a body, not its speaker
            and m.actor_code == f"{m.country}{role}"
            and sentence - m.sentence <= _DEFINITE_REACH
            # "the protesters" are a crowd named as one before, not any civilians.
            and (role != "CVL" or m.text.split()[-1].lower() in _DEFINITE_CROWDS)
        ]
        return recent[-1] if len({m.country for m in recent}) == 1 else None

    def _bodies_in(self, chunk: _Chunk) -> list[Mention]:
        found = []
        for item in chunk.items:
            actor = self.kb.actors.get(item.actor_id or "")
            if item.category == "name" and actor is not None and actor.kind == "organisation":
                found.append(
                    self._of_actor(
                        _Chunk([item]), actor, kind="organisation", method=item.method,
                        confidence=item.confidence,
                    )
                )  # fmt: skip
        return found

    def _descriptions_before_names(self, chunks: list[_Chunk]) -> set[int]:
        """Titles that describe the name after the comma ("The prime minister of Azerbaijan,
        Ilham Aliyev"): the name says who it is, so the title is not resolved on its own
        to whoever held the office."""
        found: set[int] = set()
        for n, chunk in enumerate(chunks[:-1]):
            if not chunk.has("title") or any(self._is_person(i) for i in chunk.items):
                continue
            k = n + 1
            while k < len(chunks) - 1 and chunks[k].posting:
                k += 1
            named = chunks[k]
            if any(self._is_person(i) for i in named.items) and self._comma_between(
                chunks[k - 1], named
            ):
                found.add(n)
        return found

    def _apposition(
        self,
        n: int,
        resolved: list[tuple[_Chunk, Mention | None]],
        items: list[_Item],
        dropped: set[int],
        mention: Mention,
    ) -> Mention:
        chunk = resolved[n][0]
        has_name = any(
            i.category in ("ner", "name", "surname") and self._is_person(i) for i in chunk.items
        )
        if not has_name:
            return mention
        # "Name, a U.S. ambassador to the United Nations" / "Name, senior fellow at X".
        if n + 1 < len(resolved):
            nxt, desc = resolved[n + 1]
            if (
                self._comma_between(chunk, nxt)
                and not any(self._is_person(i) for i in nxt.items)
                and nxt.has("title", "institution")
            ):
                dropped.add(n + 1)
                mention = self._describe(mention, desc, nxt)
                affiliation, country = self._affiliation(nxt, items)
                if affiliation and mention.actor_code is None:
                    mention = replace(
                        mention,
                        affiliation=affiliation,
                        country=country,
                        actor_code=country,
                        method="affiliation" if country else mention.method,
                    )
                elif affiliation:
                    mention = replace(mention, affiliation=affiliation)
                return mention
        # "Armenia's prime minister, Nikol Pashinyan" / "The next head of the USSR, Name".
        if n > 0 and (mention.actor_id is None or mention.method.endswith("+former")):
            before = resolved[n - 1][0]
            k = n - 1
            if before.posting and k > 0:
                k -= 1  # "ambassador to Sudan, Name": the title sits before the posting
            prev, desc = resolved[k]
            if (
                self._comma_between(before, chunk)
                and not any(self._is_person(i) for i in prev.items)
                and prev.has("title")
            ):
                mention = self._describe(mention, desc, prev)
        # "the Carnegie Endowment's Kirill Krivosheev": an organisation owns the name.
        if (
            mention.actor_code is None
            and chunk.start >= 2
            and self.doc[chunk.start - 1].text in ("'s", "’s")
        ):
            owner = next((i for i in reversed(items) if i.end == chunk.start - 1), None)
            if owner is None:
                owner = next(
                    (
                        i
                        for i in reversed(items)
                        if i.end < chunk.start - 1 and i.end >= chunk.start - 5
                    ),
                    None,
                )
            actor = self.kb.actors.get(owner.actor_id or "") if owner else None
            if actor is not None and actor.kind in ("think_tank", "media", "organisation"):
                mention = replace(
                    mention, affiliation=actor.name, country=actor.country, actor_code=actor.country
                )
                if actor.country:
                    mention = replace(mention, method="affiliation", confidence=0.7)
        return mention

    def _coreference(self, mentions: list[Mention]) -> list[Mention]:
        """Surnames after full names, "the prime minister" after a named one, and
        "he said" / "she added" in quote attributions."""
        result: list[Mention] = []
        people: list[Mention] = []
        for mention in mentions:
            if mention.actor_id is None and mention.actor_code is None:
                surname = mention.text.split()[-1]
                earlier = next(
                    (
                        p
                        for p in reversed(people)
                        if p.text.split()[-1] == surname
                        and len(p.text.split()) > 1
                        and p is not mention
                    ),
                    None,
                )
                if earlier is not None and len(mention.text.split()) == 1:
                    mention = replace(
                        mention,
                        kind="person",
                        actor_id=earlier.actor_id,
                        actor_code=earlier.actor_code,
                        actor_name=earlier.actor_name,
                        country=earlier.country,
                        role=earlier.role,
                        person_id=earlier.person_id,
                        affiliation=earlier.affiliation,
                        method="coref",
                        confidence=min(earlier.confidence, 0.8),
                    )
            if mention.kind == "person":
                people.append(mention)
            result.append(mention)
        result.extend(self._title_coreference(people, result))
        result.extend(self._pronoun_coreference(result))
        result.sort(key=lambda m: (m.start, m.end))
        return result

    def _title_coreference(self, people: list[Mention], found: list[Mention]) -> list[Mention]:
        taken = {(m.start, m.end) for m in found}
        extra: list[Mention] = []
        for start, end in self._matches:
            if start == 0 or self.doc[start - 1].lower_ != "the":
                continue
            span = self.doc[start:end]
            surfaces = self.kb.surfaces.get(surface_key(span.text), [])
            offices = {s.value for s in surfaces if s.category == "title"}
            if not offices:
                continue
            if end < len(self.doc) and (self.doc[end].text in ("of",) or self.doc[end].is_title):
                continue  # "the president of ..." or "the President Name": not alone
            char = span.start_char
            if any(s <= char < e for s, e in taken):
                continue
            earlier = next(
                (
                    p
                    for p in reversed(people)
                    if p.start < char and p.role in offices and p.actor_code
                ),
                None,
            )
            if earlier is None:
                continue
            extra.append(self._copy(earlier, span.start_char, span.end_char, 0.7))
        return extra

    def _pronoun_coreference(self, found: list[Mention]) -> list[Mention]:
        people = sorted(
            (m for m in found if m.kind == "person" and m.actor_name), key=lambda m: m.start
        )
        extra: list[Mention] = []
        doc = self.doc
        for token in doc:
            if token.lower_ not in _PRONOUNS:
                continue
            before = doc[token.i - 1].lower_ if token.i > 0 else ""
            after = doc[token.i + 1].lower_ if token.i + 1 < len(doc) else ""
            if after not in _SPEECH_VERBS and before not in _SPEECH_VERBS:
                continue
            here = sentence_at(self.sentences, token.idx) if self.sentences else 0
            window = [p for p in people if p.start < token.idx and here - p.sentence <= 2]
            # In a chain of quotes "he said" continues the last *speaker* ("Aliyev said
            # ... accusing Macron ... 'France cannot', he said" is Aliyev), else the last
            # person named.
            speakers = [p for p in window if self._is_speaker(p)]
            candidates = speakers or window
            if not candidates:
                continue
            earlier = candidates[-1]
            extra.append(self._copy(earlier, token.idx, token.idx + len(token.text), 0.7))
        return extra

    def _is_speaker(self, mention: Mention) -> bool:
        """A person a speech verb attaches to: "Name said", "said Name", "according to Name"."""
        span = self.doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if span is None:
            return False
        after = [t.lower_ for t in self.doc[span.end : span.end + 2] if not t.is_punct]
        before = [t.lower_ for t in self.doc[max(span.start - 2, 0) : span.start]]
        return bool(set(after[:1]) & _SPEECH_VERBS or set(before) & _SPEECH_VERBS) or (
            before == ["according", "to"]
        )

    def _copy(self, source: Mention, start: int, end: int, confidence: float) -> Mention:
        sentence = sentence_at(self.sentences, start) if self.sentences else 0
        return replace(
            source,
            start=start,
            end=end,
            text=self.article.text[start:end],
            sentence=sentence,
            method="coref",
            confidence=min(source.confidence, confidence),
        )


_KIND = {"think_tank": "organisation", "media": "media", "group": "group",
         "government": "government", "organisation": "organisation"}  # fmt: skip


_MATCHERS: dict[tuple[int, int], ActorMatcher] = {}


def matcher_for(kb: KnowledgeBase, nlp: Any) -> ActorMatcher:
    """One compiled matcher per (knowledge base, pipeline) pair in this process."""
    key = (id(kb), id(nlp))
    if key not in _MATCHERS:
        _MATCHERS[key] = ActorMatcher(kb, nlp)
    return _MATCHERS[key]


def kb_rows(
    kb: KnowledgeBase,
) -> tuple[
    list[tuple[str, str | None, str, str, str | None, str]],
    list[tuple[str, str, str]],
    list[tuple[str, str, str, str | None, str, str | None, int]],
]:
    """The knowledge base as rows for ``Store.replace_actor_kb``."""
    actors = [(a.id, a.code, a.name, a.kind, a.country, a.source) for a in kb.actors.values()]
    aliases = [
        (s.actor_id, s.form, s.category)
        for surfaces in kb.surfaces.values()
        for s in surfaces
        if s.actor_id and s.actor_id in kb.actors
    ]
    roles = [
        (h.person_id, h.country, h.office, h.code, h.start, h.end, int(h.approximate))
        for held in kb.holdings.values()
        for h in held
    ]
    return actors, aliases, roles
