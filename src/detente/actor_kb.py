"""The actor knowledge base: countries, organisations, people and their dated offices.

Loaded from the readable data files in ``detente/data/actors/`` (and optionally from
dictionaries in the CAMEO/PETRARCH text format). Pure data, no I/O beyond reading them.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ROLE_CODES = ("GOV", "MIL", "CVL", "OPP", "MED", "BUS", "REB", "PTY", "JUD", "LEG", "REF", "SPY")


@dataclass(frozen=True)
class Actor:
    """A canonical actor. ``code`` is CAMEO-style; ``country`` its ISO alpha-3 (or entity)."""

    id: str
    code: str | None
    name: str
    kind: str  # country, organisation, government, group, media, think_tank, place, person
    country: str | None = None
    source: str = "detente"


@dataclass(frozen=True)
class Holding:
    """A person's office between two dates (ISO strings; ``end`` None: still held)."""

    person_id: str
    country: str
    office: str
    start: str
    end: str | None
    code: str | None
    approximate: bool = False

    def covers(self, day: str) -> bool:
        return _lower_bound(self.start) <= day <= _upper_bound(self.end)


@dataclass(frozen=True)
class Surface:
    """One meaning of a phrase: a name of an actor, a country adjective, a seat of power,
    an institution word (``value`` = role code) or a title (``value`` = office)."""

    form: str
    category: str  # name, adjective, seat, surname, institution, title
    actor_id: str | None = None
    value: str | None = None


@dataclass
class KnowledgeBase:
    actors: dict[str, Actor] = field(default_factory=dict)
    surfaces: dict[str, list[Surface]] = field(default_factory=lambda: defaultdict(list))
    holdings: dict[str, list[Holding]] = field(default_factory=lambda: defaultdict(list))
    by_office: dict[tuple[str, str], list[Holding]] = field(
        default_factory=lambda: defaultdict(list)
    )
    office_roles: dict[str, str | None] = field(default_factory=dict)
    # Words of address ("Mr", "Sheikh") and last names never used alone (roles.yaml).
    honorifics: frozenset[str] = frozenset()
    surnames_not_alone: frozenset[str] = frozenset()
    # Transliteration keys of full names and of surnames -> actor ids (people, orgs).
    name_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    surname_keys: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    # --- building ---------------------------------------------------------------------

    def add_actor(self, actor: Actor, names: list[str] = (), seats: list[str] = ()) -> None:  # type: ignore[assignment]
        self.actors.setdefault(actor.id, actor)
        for name in names:
            self.add_surface(Surface(name, "name", actor.id))
            if actor.kind in ("person", "organisation", "media", "think_tank", "group"):
                self.name_keys[name_key(name)].add(actor.id)
        for seat in seats:
            self.add_surface(Surface(seat, "seat", actor.id))

    def add_surface(self, surface: Surface) -> None:
        key = surface_key(surface.form)
        if key and surface not in self.surfaces[key]:
            self.surfaces[key].append(surface)

    def add_person(self, person_id: str, name: str, aliases: list[str]) -> None:
        if person_id not in self.actors:
            self.actors[person_id] = Actor(person_id, None, name, "person")
        for form in [name, *aliases]:
            self.add_surface(Surface(form, "name", person_id))
            self.name_keys[name_key(form)].add(person_id)
            parts = form.replace("-", " ").split()
            if len(parts) > 1:
                self.surname_keys[name_key(parts[-1])].add(person_id)

    def add_holding(self, holding: Holding) -> None:
        self.holdings[holding.person_id].append(holding)
        self.by_office[(holding.country, holding.office)].append(holding)

    def finish(self) -> None:
        """Add unambiguous surnames as phrases, so "Pashinyan" alone is found."""
        for key, ids in self.surname_keys.items():
            if len(ids) != 1 or len(key) < 4 or key in self.surnames_not_alone:
                continue
            (person_id,) = ids
            for surface in list(self.surfaces.get(surface_key(self.actors[person_id].name), [])):
                if surface.actor_id != person_id:
                    continue
                last = surface.form.replace("-", " ").split()[-1]
                if name_key(last) == key and surface_key(last) not in self.surfaces:
                    self.add_surface(Surface(last, "surname", person_id))

    # --- queries ----------------------------------------------------------------------

    def holding_at(
        self, person_id: str, day: str | None, office: str | None = None, role: str | None = None
    ) -> Holding | None:
        """The office ``person_id`` held on ``day``: the one matching ``office`` first, then
        one whose holder has the CAMEO ``role`` ("Army chief X": the office that is military),
        then the highest."""
        held = self.holdings.get(person_id, [])
        if day is None:
            return None
        current = [h for h in held if h.covers(day)]
        if office:
            for h in current:
                if h.office == office:
                    return h
        if role:
            for h in current:
                if self.office_roles.get(h.office) == role:
                    return h
        return min(current, key=lambda h: _OFFICE_RANK.get(h.office, 99)) if current else None

    def latest_holding(self, person_id: str) -> Holding | None:
        held = self.holdings.get(person_id, [])
        return max(held, key=lambda h: _upper_bound(h.end)) if held else None

    def holder(self, country: str, office: str, day: str | None) -> Holding | None:
        """Who held ``office`` in ``country`` on ``day`` (only if exactly one did)."""
        if day is None:
            return None
        found = [h for h in self.by_office.get((country, office), []) if h.covers(day)]
        return found[0] if len(found) == 1 else None

    def search(self, query: str | None) -> list[Actor]:
        if not query:
            return sorted(self.actors.values(), key=lambda a: a.id)
        q = query.lower()
        hits = {
            s.actor_id
            for key, surfaces in self.surfaces.items()
            if q in key
            for s in surfaces
            if s.actor_id
        }
        hits |= {a.id for a in self.actors.values() if q == (a.code or "").lower()}
        return sorted((self.actors[i] for i in hits), key=lambda a: a.id)

    def aliases(self, actor_id: str) -> list[str]:
        return sorted(
            {s.form for ss in self.surfaces.values() for s in ss if s.actor_id == actor_id}
        )


_OFFICE_RANK = {
    "head_of_state": 0,
    "head_of_government": 1,
    "monarch": 2,
    "supreme_leader": 0,
    "foreign_minister": 3,
    "defence_minister": 4,
}


def _lower_bound(day: str) -> str:
    return day + "-01-01"[len(day) - 4 :] if len(day) < 10 else day


def _upper_bound(day: str | None) -> str:
    if not day:
        return "9999-12-31"
    return day + "-12-31"[len(day) - 4 :] if len(day) < 10 else day


_TRANSLIT = [
    ("dzh", "j"), ("zh", "j"), ("ye", "e"), ("yo", "o"), ("kh", "h"), ("sch", "sh"),
    ("ch", "sh"), ("ts", "c"), ("tz", "c"), ("ph", "f"), ("w", "v"), ("ou", "u"),
    ("ck", "k"), ("y", "i"), ("j", "i"), ("q", "k"),
]  # fmt: skip


def name_key(text: str) -> str:
    """A spelling-insensitive key: "Pashinian", "Pashinyan", "Paschinjan" share one."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"[^a-z ]+", " ", plain.replace("’", "").replace("'", ""))
    for old, new in _TRANSLIT:
        plain = plain.replace(old, new)
    plain = re.sub(r"(.)\1+", r"\1", plain)
    return " ".join(plain.split())


def surface_key(text: str) -> str:
    """How phrases are looked up: lower case, single spaces, curly apostrophes straight."""
    return " ".join(text.replace("’", "'").lower().split())


def slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


# --- loading ----------------------------------------------------------------------------


def _data_text(name: str) -> str:
    return resources.files("detente.data").joinpath("actors", name).read_text("utf-8")


def _csv_rows(text: str) -> list[dict[str, str]]:
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(lines))))


@lru_cache(maxsize=2)
def load_knowledge_base(extra_dictionaries: tuple[str, ...] = ()) -> KnowledgeBase:
    """The bundled knowledge base (plus CAMEO/PETRARCH dictionaries at these paths)."""
    kb = KnowledgeBase()
    roles = yaml.safe_load(_data_text("roles.yaml"))
    kb.office_roles = dict(roles["office_roles"])
    kb.honorifics = frozenset(name_key(w) for w in roles.get("honorifics", []))
    kb.surnames_not_alone = frozenset(name_key(w) for w in roles.get("surnames_not_alone", []))
    for code, phrases in roles["institutions"].items():
        for phrase in phrases:
            kb.add_surface(Surface(phrase, "institution", value=code))
    for office, phrases in roles["titles"].items():
        for phrase in phrases:
            kb.add_surface(Surface(phrase, "title", value=office))
    _load_countries(kb)
    _load_entities(kb)
    _load_people(kb, _csv_rows(_data_text("people.csv")))
    for path in extra_dictionaries:
        load_cameo_dictionary(kb, Path(path).read_text("utf-8", errors="replace"), path)
    kb.finish()
    return kb


def _load_countries(kb: KnowledgeBase) -> None:
    extras: dict[str, Any] = yaml.safe_load(_data_text("country_extras.yaml"))
    for row in _csv_rows(_data_text("countries.csv")):
        code = row["code"]
        extra = extras.get(code) or {}
        names = [row["name"], *filter(None, row["alternates"].split(";")), *extra.get("names", [])]
        usable = [n for n in names if ", " not in n]
        display = usable[0] if usable else row["name"]
        seats = [*([row["capital"]] if row["capital"] else []), *extra.get("seats", [])]
        _add_country(kb, code, display, usable, extra.get("adjectives", []), seats, code)


def _add_country(
    kb: KnowledgeBase,
    code: str,
    name: str,
    names: list[str],
    adjectives: list[str],
    seats: list[str],
    country: str,
) -> None:
    kb.add_actor(Actor(code, code, name, "country", country), names)
    government = f"{code}GOV"
    kb.add_actor(Actor(government, government, f"{name}: government", "government", country))
    for seat in seats:
        kb.add_surface(Surface(seat, "seat", government))
    for adjective in adjectives:
        kb.add_surface(Surface(adjective, "adjective", code))


def _load_entities(kb: KnowledgeBase) -> None:
    data: dict[str, list[dict[str, Any]]] = yaml.safe_load(_data_text("entities.yaml"))
    for section in ("historical", "disputed"):
        for e in data[section]:
            code = e["code"]
            if code.endswith(ROLE_CODES):  # a group within a country, e.g. UKRREB
                kb.add_actor(
                    Actor(f"org:{slug(e['name'])}", code, e["name"], e["kind"], e["country"]),
                    e["names"],
                )
                continue
            _add_country(
                kb, code, e["name"], e["names"], e.get("adjectives", []), e.get("seats", []), code
            )
    for section in ("igos", "organisations", "places"):
        for e in data[section]:
            kind = e["kind"]
            actor_id = e["code"] if section == "igos" and e["name"] in (
                "United Nations", "UN Security Council", "NATO", "European Union",
                "Collective Security Treaty Organization",
            ) else f"{'place' if kind == 'place' else 'org'}:{slug(e['name'])}"  # fmt: skip
            country = e.get("country")
            kb.add_actor(Actor(actor_id, e["code"], e["name"], kind, country), e["names"])


def _load_people(kb: KnowledgeBase, rows: list[dict[str, str]]) -> None:
    for row in rows:
        person_id = f"person:{slug(row['name'])}"
        aliases = [a for a in (row.get("aliases") or "").split(";") if a]
        kb.add_person(person_id, row["name"], aliases)
        country, office = row["country"], row["office"]
        role = kb.office_roles.get(office, "GOV")
        if country in kb.actors and kb.actors[country].kind == "organisation":
            code: str | None = kb.actors[country].code
        else:
            code = f"{country}{role}" if role else country
        kb.add_holding(
            Holding(
                person_id,
                country,
                office,
                row["start"],
                row["end"] or None,
                code,
                row.get("approx") == "1",
            )
        )


# --- CAMEO / PETRARCH dictionaries ----------------------------------------------------

_CODE = re.compile(r"\[([^\]]+)\]")


def _cameo_date(text: str) -> str | None:
    """PETRARCH dates are YYMMDD (or YYYYMMDD); two-digit years pivot at 40. None if the
    text is not such a date."""
    digits = text.strip()
    if not digits.isdigit() or len(digits) not in (6, 8):
        return None
    if len(digits) == 6:
        year = int(digits[:2])
        digits = f"{2000 + year if year < 40 else 1900 + year}{digits[2:]}"
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"


def parse_cameo_dictionary(text: str) -> list[tuple[list[str], list[tuple[str, str, str | None]]]]:
    """Entries of a CAMEO/TABARI/PETRARCH actor dictionary: (names, [(code, start, end)]).

    Understands single-line entries (``VLADIMIR_PUTIN [RUSGOV]``), PETRARCH blocks of
    ``+SYNONYM`` lines followed by ``[CODE 120507-180507]`` lines, date restrictions
    ``>YYMMDD`` / ``<YYMMDD`` / ``YYMMDD-YYMMDD``, and ``#`` comments.
    """
    entries: list[tuple[list[str], list[tuple[str, str, str | None]]]] = []
    names: list[str] = []
    codes: list[tuple[str, str, str | None]] = []

    def flush() -> None:
        nonlocal names, codes
        if names and codes:
            entries.append((names, codes))
        names, codes = [], []

    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        head = _CODE.split(line)[0].strip()
        found = _CODE.findall(line)
        if head and not head.startswith("+") and not head.startswith("["):
            flush()
            names = [head]
        elif head.startswith("+"):
            if codes:
                flush()
            names.append(head[1:].strip())
        for spec in found:
            parts = spec.split()
            if not parts:
                continue
            code, start, end = parts[0], "0001-01-01", None
            if len(parts) > 1:
                restriction = parts[1]
                if restriction.startswith(">"):
                    start = _cameo_date(restriction[1:]) or start
                elif restriction.startswith("<"):
                    end = _cameo_date(restriction[1:])
                elif "-" in restriction:
                    lo, hi = restriction.split("-", 1)
                    start, end = _cameo_date(lo) or start, _cameo_date(hi)
            codes.append((code.lstrip("~"), start, end))
    flush()
    return [([n.replace("_", " ").strip() for n in ns if n.strip("_ ")], cs) for ns, cs in entries]


def load_cameo_dictionary(kb: KnowledgeBase, text: str, source: str = "cameo") -> int:
    """Add a CAMEO/PETRARCH actor dictionary's entries to ``kb``; returns how many."""
    n = 0
    for names, codes in parse_cameo_dictionary(text):
        display = names[0].title()
        actor_id = f"dict:{slug(display)}"
        dated = any(start != "0001-01-01" or end for _, start, end in codes)
        if not dated and len(codes) == 1:
            code = codes[0][0]
            kb.add_actor(Actor(actor_id, code, display, "organisation", code[:3], source))
            for name in names:
                kb.add_surface(Surface(name.title(), "name", actor_id))
                kb.name_keys[name_key(name)].add(actor_id)
        else:
            kb.add_person(actor_id, display, [n.title() for n in names[1:]])
            kb.actors[actor_id] = Actor(actor_id, None, display, "person", None, source)
            for code, start, end in codes:
                kb.add_holding(Holding(actor_id, code[:3], "dictionary", start, end, code))
        n += 1
    return n
