"""The CAMEO ontology and the event-pattern dictionary, loaded from ``data/``.

``data/cameo_codes.csv`` is the codebook (every code with its name, root, QuadClass,
Goldstein weight and PLOVER category); ``data/event_verbs.yaml`` holds the verb and noun
patterns the coder matches. Both are read once per process.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from .data import data_path, load_yaml

QUAD_CLASS_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(frozen=True)
class CameoCode:
    code: str
    name: str
    root: str
    quad_class: int
    goldstein: float
    plover: str | None


@cache
def codebook() -> dict[str, CameoCode]:
    """Every CAMEO code (2-4 digits) by code."""
    return load_codebook(data_path("cameo_codes.csv"))


def load_codebook(path: Path) -> dict[str, CameoCode]:
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    result: dict[str, CameoCode] = {}
    for row in csv.DictReader(lines):
        code = row["code"].strip()
        result[code] = CameoCode(
            code=code,
            name=row["name"].strip(),
            root=row["root"].strip(),
            quad_class=int(row["quad_class"]),
            goldstein=float(row["goldstein"]),
            plover=row["plover"].strip() or None,
        )
    return result


def code_info(code: str) -> CameoCode:
    """The codebook entry of ``code``; unknown codes are an error, never a default."""
    try:
        return codebook()[code]
    except KeyError:
        raise KeyError(f"unknown CAMEO code {code!r}") from None


# --- the pattern dictionary ---------------------------------------------------------------

TARGET_SLOT = "X"
# The domestic roles a body named with no country may take from its place (as in
# data/actors/roles.yaml): government, legislature, civilians.
_BODY_ROLES = frozenset({"GOV", "LEG", "CVL"})


@dataclass(frozen=True)
class Pattern:
    """One dictionary pattern: a trigger lemma and the words that must follow it."""

    code: str
    kind: str  # verb or noun
    text: str
    head: frozenset[str]
    # The other words, in order; each a set of acceptable lemmas, or TARGET_SLOT.
    words: tuple[frozenset[str] | str, ...]

    @property
    def specificity(self) -> int:
        return sum(1 for w in self.words if w != TARGET_SLOT)

    @cached_property
    def has_at(self) -> bool:
        """Whether "at" is one of the pattern's words ("arrive at", "fire at")."""
        return any(isinstance(w, frozenset) and "at" in w for w in self.words)


@dataclass(frozen=True)
class Dictionary:
    verbs: dict[str, tuple[Pattern, ...]]  # by head lemma
    nouns: dict[str, tuple[Pattern, ...]]
    light_verbs: frozenset[str]
    speech_verbs: frozenset[str]
    opinion_verbs: frozenset[str]
    planning_verbs: frozenset[str]
    negating_verbs: frozenset[str]
    intent_words: frozenset[str]
    auxiliary_verbs: frozenset[str]
    threat_words: frozenset[str]
    intent_codes: dict[str, str]
    threat_codes: dict[str, str]
    refusal_codes: dict[str, str]
    refusal_verbs: frozenset[str]
    deployment_verbs: frozenset[str]
    commentator_nouns: frozenset[str]
    movement_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    mutual_verbs: frozenset[str]
    actor_slot_codes: frozenset[str]
    figurative_objects: frozenset[str]
    literal_plurals: frozenset[str]
    affiliation_participles: frozenset[str]
    meaning_changing_particles: frozenset[str]
    accusation_verbs: frozenset[str]
    situation_nouns: frozenset[str]
    doer_of_nouns: frozenset[str]
    collective_parties: frozenset[str]
    collective_modifiers: frozenset[str]
    representative_nouns: frozenset[str]
    crowd_nouns: frozenset[str]
    counted_crowd_nouns: frozenset[str]
    crowd_quantities: frozenset[str]
    located_bodies: dict[str, str]
    seat_nouns: frozenset[str]
    seat_modifiers: dict[str, str]
    # Lower-cased surface forms of every trigger: the tokenizer-level prefilter.
    trigger_forms: frozenset[str]
    # Irregular forms of prefixed verbs the model may not lemmatise ("retook" -> "retake").
    irregular_verb_lemmas: dict[str, str]

    @cached_property
    def located_body_words(self) -> frozenset[str]:
        """Crowds and domestic bodies the coder may place by a place named: the tokenizer-
        level test for sentences that name no actor (``events.has_located_body``)."""
        return self.crowd_nouns | self.counted_crowd_nouns | frozenset(self.located_bodies)

    def shifted_code(self, code: str, governor: str) -> str | None:
        """The intent (03x) or threat (13x) code of ``code`` under ``governor``, if any."""
        if governor in self.intent_words:
            table = self.intent_codes
        elif governor in self.threat_words:
            table = self.threat_codes
        else:
            return None
        for length in (4, 3, 2):
            if code[:length] in table and len(code) >= length:
                return table[code[:length]]
        return None

    def refusal_code(self, code: str) -> str | None:
        """The rejection (12x) of the cooperative act ``code`` stated as what will not be
        done ("Armenia will not host the exercises"), if ``code`` is cooperative."""
        for length in (4, 3, 2):
            if len(code) >= length and code[:length] in self.refusal_codes:
                return self.refusal_codes[code[:length]]
        return None

    @property
    def n_patterns(self) -> int:
        return sum(len(p) for p in self.verbs.values()) + sum(len(p) for p in self.nouns.values())


def parse_pattern(
    code: str, kind: str, text: str, synonyms: Mapping[str, frozenset[str]] | None = None
) -> Pattern:
    """A pattern from its text; each word after the trigger also matches its ``synonyms``
    ("offer to host talk" matches "offered to host negotiations")."""
    parts = text.lower().split()
    if not parts:
        raise ValueError(f"empty pattern for code {code}")
    words = _pattern_words(parts[1:], synonyms or {})
    return Pattern(code, kind, text, frozenset(parts[0].split("|")), words)


def _pattern_words(
    parts: list[str], synonyms: Mapping[str, frozenset[str]]
) -> tuple[frozenset[str] | str, ...]:
    """Each word of a pattern as the set of lemmas it accepts (its "a|b" alternatives and
    their synonyms), or ``TARGET_SLOT`` for "x"."""
    words: list[frozenset[str] | str] = []
    for part in parts:
        if part == "x":
            words.append(TARGET_SLOT)
            continue
        lemmas = frozenset(part.split("|"))
        for lemma in list(lemmas):
            lemmas |= synonyms.get(lemma, frozenset())
        words.append(lemmas)
    return tuple(words)


# Prefixes of English verbs that keep the base verb's irregular forms.
_VERB_PREFIXES = ("re", "with", "over", "under", "out", "up", "fore", "mis", "be")


def _inflections(lemma: str) -> set[str]:
    """Regular English inflections of a verb or noun (over-generating is harmless here)."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "d", lemma + "ing"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing", lemma[:-1] + "ed"}
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", lemma):
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def build_dictionary(data: dict[str, object]) -> Dictionary:
    raw_synonyms = data.get("word_synonyms") or {}
    if not isinstance(raw_synonyms, dict):
        raise ValueError("word_synonyms: expected a mapping of word to words")
    synonyms = {
        str(k).lower(): frozenset(str(w).lower() for w in v) for k, v in raw_synonyms.items()
    }

    def patterns(section: str, kind: str) -> dict[str, tuple[Pattern, ...]]:
        raw = data.get(section) or {}
        if not isinstance(raw, dict):
            raise ValueError(f"{section}: expected a mapping of code to patterns")
        by_head: dict[str, list[Pattern]] = {}
        for code, texts in raw.items():
            code_info(str(code))  # every code must exist in the codebook
            for text in texts:
                pattern = parse_pattern(str(code), kind, str(text), synonyms)
                for head in pattern.head:
                    by_head.setdefault(head, []).append(pattern)
                parts = str(text).lower().split()
                if kind == "noun" and len(parts) > 1 and "x" not in parts:
                    # "humanitarian aid", "military aid": in English the noun that heads the
                    # phrase is the last word, so the pattern is found from it too (its
                    # modifiers precede it).
                    headed = Pattern(
                        str(code), kind, str(text), frozenset(parts[-1].split("|")),
                        _pattern_words(parts[:-1], synonyms),
                    )  # fmt: skip
                    for head in headed.head:
                        by_head.setdefault(head, []).append(headed)
        return {h: tuple(ps) for h, ps in by_head.items()}

    def words(key: str) -> frozenset[str]:
        raw = data.get(key) or []
        assert isinstance(raw, list), key
        return frozenset(str(w).lower() for w in raw)

    def codes(key: str) -> dict[str, str]:
        raw = data.get(key) or {}
        assert isinstance(raw, dict), key
        for value in raw.values():
            code_info(str(value))
        return {str(k): str(v) for k, v in raw.items()}

    def roles(key: str) -> dict[str, str]:
        raw = data.get(key) or {}
        assert isinstance(raw, dict), key
        for word, role in raw.items():
            if role not in _BODY_ROLES:
                raise ValueError(f"{key}: '{word}' has the unknown role {role!r}")
        return {str(k).lower(): str(v) for k, v in raw.items()}

    verbs = patterns("verbs", "verb")
    nouns = patterns("nouns", "noun")
    irregular = data.get("irregular_forms") or {}
    assert isinstance(irregular, dict)
    forms: set[str] = set()
    verb_forms: dict[str, str] = {}
    for head in set(verbs) | set(nouns):
        # Hyphenated and multiword heads ("de-escalate") are matched on their parts too.
        forms |= _inflections(head)
        forms |= set(irregular.get(head, []))
        # A prefixed verb inflects like its base: retake/retook, withhold/withheld.
        for prefix in _VERB_PREFIXES:
            base = head[len(prefix) :]
            if head.startswith(prefix) and base in irregular and head not in irregular:
                prefixed = {prefix + form for form in irregular[base]}
                forms |= prefixed
                if head in verbs:
                    verb_forms.update(dict.fromkeys(prefixed, head))
    return Dictionary(
        verbs=verbs,
        nouns=nouns,
        light_verbs=words("light_verbs"),
        speech_verbs=words("speech_verbs"),
        opinion_verbs=words("opinion_verbs"),
        planning_verbs=words("planning_verbs"),
        negating_verbs=words("negating_verbs"),
        intent_words=words("intent_words"),
        auxiliary_verbs=words("auxiliary_verbs"),
        threat_words=words("threat_words"),
        intent_codes=codes("intent_codes"),
        threat_codes=codes("threat_codes"),
        refusal_codes=codes("refusal_codes"),
        refusal_verbs=words("refusal_verbs"),
        deployment_verbs=words("deployment_verbs"),
        commentator_nouns=words("commentator_nouns"),
        movement_verbs=words("movement_verbs"),
        denial_verbs=words("denial_verbs"),
        mutual_verbs=words("mutual_verbs"),
        actor_slot_codes=words("actor_slot_codes"),
        figurative_objects=words("figurative_objects"),
        literal_plurals=words("literal_plurals"),
        affiliation_participles=words("affiliation_participles"),
        meaning_changing_particles=words("meaning_changing_particles"),
        accusation_verbs=words("accusation_verbs"),
        situation_nouns=words("situation_nouns"),
        doer_of_nouns=words("doer_of_nouns"),
        collective_parties=words("collective_parties"),
        collective_modifiers=words("collective_modifiers"),
        representative_nouns=words("representative_nouns"),
        crowd_nouns=words("crowd_nouns"),
        counted_crowd_nouns=words("counted_crowd_nouns"),
        crowd_quantities=words("crowd_quantities"),
        located_bodies=roles("located_bodies"),
        seat_nouns=words("seat_nouns"),
        seat_modifiers=roles("seat_modifiers"),
        trigger_forms=frozenset(forms),
        irregular_verb_lemmas=verb_forms,
    )


@cache
def dictionary() -> Dictionary:
    """The shipped pattern dictionary (``data/event_verbs.yaml``)."""
    data = load_yaml("event_verbs.yaml")
    assert isinstance(data, dict)
    return build_dictionary(data)


def load_petrarch_verbs(text: str) -> dict[str, list[str]]:
    """Verb patterns from a PETRARCH/TABARI-style CAMEO verb dictionary, by CAMEO code.

    Reads the common layout: a synset or verb line ``VERB [code]`` (``--- NAME [code] ---``
    headers) followed by pattern lines ``- * words [code]`` or ``- words * [code]``. The
    ``*`` (the verb) and actor placeholders (``$``, ``+``, ``%``) are dropped; what remains
    are the words the pattern requires, in the form this module's patterns use. Codes not in
    the codebook (PETRARCH's ``---`` and ``:`` pseudo-codes) are skipped.
    """
    result: dict[str, list[str]] = {}
    verb: str | None = None
    verb_code: str | None = None
    for raw_line in text.splitlines():
        line = raw_line.split("#", 1)[0].strip()
        if not line or line.startswith("<"):
            continue
        code_match = re.search(r"\[\s*([0-9]{2,4})\s*\]", line)
        code = code_match.group(1) if code_match else None
        body = re.sub(r"\[[^\]]*\]", " ", line)
        if line.startswith("---"):
            verb, verb_code = None, None
            continue
        if not line.startswith("-"):
            words = body.replace("_", " ").strip().lower().split()
            verb = words[0] if words else None
            verb_code = code
            if verb and code and code in codebook():
                result.setdefault(code, []).append(verb)
            continue
        if verb is None or ("[" in line and code is None):
            continue  # a pseudo-code ("[:999]", "[---]") marks a pattern not to code
        code = code or verb_code
        if code is None or code not in codebook():
            continue
        words = [
            w
            for w in re.split(r"[\s_]+", body.lstrip("-").lower())
            if w and w != "*" and not set(w) <= set("$+%^&{}()|=")
        ]
        words = [w.strip("{}()") for w in words if w.strip("{}()")]
        if words:
            result.setdefault(code, []).append(" ".join([verb, *words]))
    return result
