"""Numbers, quantities, quotes and conflicting claims (``detente.claims``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from detente import claims
from detente.claims import Number, parse_number
from detente.model import Article, Mention, PublicationDate

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


def article(text: str, article_id: int = 1, title: str = "T") -> Article:
    return Article(
        title=title,
        text=text,
        source_path=f"a{article_id}.txt",
        source_format="text",
        raw=text,
        content_hash=str(article_id),
        text_hash=str(article_id),
        published=PublicationDate("2023-09-19", "day", "2023-09-19", "2023-09-19", "test"),
        id=article_id,
    )


# --- the number normaliser -------------------------------------------------------------------

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def spell(n: int) -> str:
    """English words for 0 <= n < 10**9 (the inverse the property tests check against)."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("-" + _UNITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        return _UNITS[n // 100] + " hundred" + (" and " + spell(rest) if rest else "")
    for scale, word in ((10**6, "million"), (1000, "thousand")):
        if n >= scale:
            rest = n % scale
            return spell(n // scale) + f" {word}" + (" " + spell(rest) if rest else "")
    raise AssertionError(n)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_digits_with_thousands_separators(n: int) -> None:
    assert parse_number(f"{n:,}") == Number(float(n), False)
    assert parse_number(str(n)) == Number(float(n), False)


@given(st.integers(min_value=0, max_value=999_999_999))
def test_spelt_out_numbers(n: int) -> None:
    assert parse_number(spell(n)) == Number(float(n), False)


@given(
    st.integers(min_value=1, max_value=999),
    st.sampled_from(["about", "nearly", "some", "more than", "at least"]),
)
def test_hedges_make_a_number_approximate(n: int, hedge: str) -> None:
    assert parse_number(f"{hedge} {n:,}") == Number(float(n), True)


@given(
    st.decimals(min_value=1, max_value=999, places=1),
    st.sampled_from(
        [("million", 10**6), ("m", 10**6), ("bn", 10**9), ("billion", 10**9), ("k", 1000)]
    ),
)
def test_scale_words_and_suffixes(value: Any, scale: tuple[str, int]) -> None:
    word, factor = scale
    sep = "" if len(word) <= 2 else " "
    parsed = parse_number(f"{value}{sep}{word}")
    assert parsed is not None
    assert parsed.value == pytest.approx(float(value) * factor)


@given(st.text(max_size=40))
def test_never_crashes_on_arbitrary_text(text: str) -> None:
    result = parse_number(text)
    assert result is None or result.value >= 0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("dozens", 24),
        ("a dozen", 12),
        ("hundreds", 200),
        ("thousands", 2000),
        ("tens of thousands", 20000),
    ],
)
def test_vague_amounts_are_lower_bounds_and_approximate(text: str, value: int) -> None:
    assert parse_number(text) == Number(float(value), True)


def test_not_numbers() -> None:
    assert parse_number("peacekeepers") is None
    assert parse_number("") is None
    assert parse_number("12 apples") is None


# --- quantities ------------------------------------------------------------------------------


def quantities(text: str) -> list[tuple[str, float, bool]]:
    return [(q.what, q.value, q.approximate) for q in claims.extract_quantities(article(text))]


def test_counted_nouns_after_numbers() -> None:
    assert quantities("Russia deployed 2,000 peacekeepers to the region.") == [
        ("peacekeepers", 2000.0, False)
    ]
    assert quantities("Moscow sent about two thousand Russian troops.") == [
        ("troops", 2000.0, True)
    ]
    assert quantities("Dozens of refugees crossed the border on Monday.") == [
        ("refugees", 24.0, True)
    ]


def test_noun_before_the_number_with_strong() -> None:
    text = 'It was a Russian "peacekeeping" contingent, 1,960 strong, that was to guard it.'
    assert quantities(text) == [("peacekeepers", 1960.0, False)]


def test_casualties_take_the_verb_and_coordinated_numbers_share_it() -> None:
    text = "The fighting claimed the lives of 207 Armenians and 80 Azerbaijani soldiers."
    assert quantities(text) == [("killed", 207.0, False), ("killed", 80.0, False)]
    assert quantities("At least 12 civilians were wounded in the shelling.") == [
        ("wounded", 12.0, True)
    ]


def test_the_nearest_casualty_word_wins_and_tolls_count_the_dead() -> None:
    assert quantities("Two soldiers were killed and three wounded.") == [
        ("killed", 2.0, False),
        ("wounded", 3.0, False),
    ]
    assert quantities("The attack left 25 dead and dozens injured.") == [
        ("killed", 25.0, False),
        ("wounded", 24.0, True),
    ]
    assert quantities("The death toll from the fighting has risen to 413, officials said.") == [
        ("killed", 413.0, False)
    ]
    assert quantities("The toll stood at 1,200 on Monday.") == [("killed", 1200.0, False)]


def test_money_has_its_currency_as_unit() -> None:
    found = claims.extract_quantities(article("The EU pledged $3.5 million in aid."))
    assert [(q.what, q.value, q.unit) for q in found] == [("money", 3_500_000.0, "USD")]


def test_years_and_bare_numbers_are_not_quantities() -> None:
    assert quantities("In 2020 the two countries fought a war that lasted 44 days.") == []


def test_an_actor_inside_the_counted_phrase_owns_the_figure() -> None:
    text = "The fighting claimed the lives of 207 Armenians and 80 Azerbaijani soldiers."
    found = claims.extract_quantities(article(text))
    assert [(q.value, q.actor_code) for q in found] == [(207.0, "ARM"), (80.0, "AZE")]


def test_quantity_holder_from_mentions_and_year() -> None:
    text = "In 2020 Russia sent 2,000 peacekeepers."
    m = Mention(8, 14, "Russia", 0, "country", "RUS", "RUS", "Russia", "RUS")
    [q] = claims.extract_quantities(article(text), (), [m])
    assert (q.actor_code, q.year) == ("RUS", 2020)


# --- conflicting claims ----------------------------------------------------------------------


def _q(
    article_id: int,
    value: float,
    what: str = "peacekeepers",
    actor: str = "RUS",
    year: int | None = None,
) -> claims.Quantity:
    return claims.Quantity(
        what, value, "people", False, str(value), what, 0, 1, 0, 0, 10, actor, year, article_id
    )


def test_independent_sources_disagreeing_make_a_claim() -> None:
    found = claims.conflicting_claims([_q(1, 2000), _q(2, 1960), _q(3, 5000)], {1: 1, 2: 2, 3: 3})
    assert len(found) == 1
    assert [v.value for v in found[0].versions] == [1960, 2000, 5000]
    assert all(v.n_sources == 1 for v in found[0].versions)


def test_copies_count_once_and_agreement_is_no_claim() -> None:
    # Article 2 is a copy of article 1: one source, so no disagreement between sources.
    assert claims.conflicting_claims([_q(1, 2000), _q(2, 1960)], {1: 1, 2: 1}) == []
    assert claims.conflicting_claims([_q(1, 2000), _q(2, 2000)], {1: 1, 2: 2}) == []


def test_different_actor_or_year_are_different_facts() -> None:
    assert claims.conflicting_claims([_q(1, 2000), _q(2, 1960, actor="TUR")], {}) == []
    assert claims.conflicting_claims([_q(1, 2000, year=2020), _q(2, 1960, year=2023)], {}) == []


def test_incident_figures_compare_only_within_a_story() -> None:
    items = [_q(1, 100, "killed", "ARM"), _q(2, 120, "killed", "ARM")]
    assert claims.conflicting_claims(items, {}, {1: 7, 2: 8}) == []
    [claim] = claims.conflicting_claims(items, {}, {1: 7, 2: 7})
    assert claim.story_id == 7


# --- quotes ----------------------------------------------------------------------------------


def test_direct_quote_after_and_before_the_speaker() -> None:
    text = (
        "Russian Foreign Ministry spokeswoman Maria Zakharova spoke on Thursday.\n\n"
        '"If our partners are interested, it is important to keep working," said Zakharova.\n\n'
        'Kremlin spokesman Dmitry Peskov assured that "the priority is the security of '
        'our forces".'
    )
    found = claims.extract_quotes(article(text))
    assert [(q.speaker_name, q.verb, q.kind) for q in found] == [
        ("Maria Zakharova", "said", "direct"),
        ("Dmitry Peskov", "assured", "direct"),
    ]
    assert text[found[0].start : found[0].end] == found[0].text


def test_pronoun_takes_the_previous_speaker_and_apposition_is_skipped() -> None:
    text = (
        '"It is part of a broader trend in the region," Tom de Waal, a senior fellow at '
        'Carnegie Europe, said.\n\n"The CSTO did not fulfil its obligations at all," he said.'
    )
    found = claims.extract_quotes(article(text))
    assert [q.speaker_name for q in found] == ["Tom de Waal", "Tom de Waal"]


def test_indirect_quote_and_according_to() -> None:
    text = (
        "Emil Avdaliani said that Armenia is trying to diversify its foreign relations.\n\n"
        'According to James Nixey, an analyst at Chatham House, "Karabakh is of lesser '
        'importance to Moscow."'
    )
    found = claims.extract_quotes(article(text))
    assert [(q.speaker_name, q.kind) for q in found] == [
        ("Emil Avdaliani", "indirect"),
        ("James Nixey", "direct"),
    ]
    assert found[0].text.startswith("Armenia is trying")


def test_speaker_resolved_through_mentions() -> None:
    text = '"We will not sign the declaration today," Pashinyan said.'
    start = text.index("Pashinyan")
    m = Mention(
        start,
        start + 9,
        "Pashinyan",
        0,
        "person",
        "Q1",
        "ARMGOV",
        "Nikol Pashinyan",
        "ARM",
        person_id="Q1",
    )
    [q] = claims.extract_quotes(article(text), (), [m])
    assert (q.speaker_code, q.speaker_name, q.speaker_id) == ("ARMGOV", "Nikol Pashinyan", "Q1")


def test_scare_quotes_are_not_quotes() -> None:
    text = 'Pro-government media now describe the peacekeepers as "occupiers", he said.'
    assert claims.extract_quotes(article(text)) == []


# --- seeds acceptance ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_gold() -> dict[str, Any]:
    if not (SEEDS / "gold.yaml").exists():
        pytest.skip(f"no {SEEDS}")
    return yaml.safe_load((SEEDS / "gold.yaml").read_text(encoding="utf-8"))


def _same_speaker(gold: str, found: str | None) -> bool:
    """Surname match: spinning damages names ('Robert Wood' -> 'Robert Wooden') and
    transliterations differ ('Dmitri'/'Dmitry'), so the family name decides."""
    if not found:
        return False
    g, f = gold.split()[-1].lower(), found.split()[-1].lower()
    return g == f or g.startswith(f) or f.startswith(g)


def test_seed_quotes_attributed(seeds_db: Any, seeds_gold: dict[str, Any]) -> None:
    store, by_file = seeds_db
    total = right = 0
    misses = []
    for entry in seeds_gold["articles"]:
        article_id = by_file[entry["file"]]
        found = store.quotes(article_id=article_id)
        for gq in entry.get("quotes", []):
            total += 1
            starts = " ".join(gq["starts"].replace("’", "'").split()[:5])
            hit = [q for q in found if starts in " ".join(q["text"].split())]
            if hit and _same_speaker(gq["speaker"], hit[0]["speaker_name"]):
                right += 1
            else:
                misses.append(
                    (entry["file"], gq["speaker"], hit[0]["speaker_name"] if hit else None)
                )
    assert total == sum(len(e.get("quotes", [])) for e in seeds_gold["articles"]) > 0
    assert right / total >= 0.8, misses


def test_seed_peacekeeper_conflict(seeds_db: Any, seeds_gold: dict[str, Any]) -> None:
    store, by_file = seeds_db
    [gold] = seeds_gold["conflicting_claims"]
    wanted = {by_file[f]: float(v) for f, v in gold["values"].items()}
    flagged = [
        c
        for c in store.claims()
        if c["what"] == "peacekeepers"
        and {a: v["value"] for v in c["versions"] for a in v["article_ids"]} == wanted
    ]
    assert len(flagged) == 1
    assert flagged[0]["n_sources"] == 3
