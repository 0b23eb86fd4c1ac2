"""Event coding: ontology, dictionary, coder rules, dates, places, grouping, stage, CLI.

Unit tests use small articles with hand-built mentions (what the actor stage produces);
the seed acceptance test runs when the actor stage is installed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from detente import events as ev
from detente.cameo import code_info, codebook, dictionary, load_petrarch_verbs
from detente.evaluation import EventMatchReport, event_match_report, match_gold_articles
from detente.event_dates import publication_window, time_expressions
from detente.model import Article, Event, Mention, PublicationDate, Sentence
from detente.nlp import load_pipeline
from detente.places import find_location
from detente.settings import Settings

DATA = Path(__file__).parent / "data"
PLOVER = {
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
}  # fmt: skip

# Actor surface forms for hand-built mentions: code, country, kind. Real-world facts only.
ACTORS = {
    "Armenia": ("ARM", "ARM", "country"),
    "Azerbaijan": ("AZE", "AZE", "country"),
    "Russia": ("RUS", "RUS", "country"),
    "Moscow": ("RUSGOV", "RUS", "place"),
    "Maria Zakharova": ("RUSGOV", "RUS", "person"),
    "Zakharova": ("RUSGOV", "RUS", "person"),
    "Kazakhstan": ("KAZ", "KAZ", "country"),
    "Ukraine": ("UKR", "UKR", "country"),
    "Nagorno-Karabakh": ("NKR", "NKR", "place"),
    "Georgia": ("GEO", "GEO", "country"),
    "Turkey": ("TUR", "TUR", "country"),
    "Turkish": ("TUR", "TUR", "country"),
    "Iran": ("IRN", "IRN", "country"),
    "Azerbaijani": ("AZE", "AZE", "country"),
    "Nikol Pashinyan": ("ARMGOV", "ARM", "person"),
    "Pashinyan": ("ARMGOV", "ARM", "person"),
    "CSTO": ("CSTO", "CSTO", "organisation"),
    "France": ("FRA", "FRA", "country"),
    "Sudan's army": ("SDNMIL", "SDN", "institution"),
    "Rapid Support Forces": ("SDNREB", "SDN", "group"),
    "Saudi Arabia": ("SAU", "SAU", "country"),
    "Hungary": ("HUN", "HUN", "country"),
    "Egypt": ("EGY", "EGY", "country"),
    "Taiwan": ("TWN", "TWN", "country"),
    "Nancy Pelosi": ("USALEG", "USA", "person"),
    "Beijing": ("CHNGOV", "CHN", "place"),
    "Japan": ("JPN", "JPN", "country"),
    "British": ("GBRGOV", "GBR", "role"),
    "French": ("FRAGOV", "FRA", "role"),
    "German ambassadors": ("DEUGOV", "DEU", "role"),
    "Russian troops": ("RUSMIL", "RUS", "institution"),
    "Russian peacekeepers": ("RUSMIL", "RUS", "institution"),
    "Kenya": ("KEN", "KEN", "country"),
    "Indian troops": ("INDMIL", "IND", "institution"),
    "Pakistani troops": ("PAKMIL", "PAK", "institution"),
    "Pakistan": ("PAK", "PAK", "country"),
}


@pytest.fixture(scope="session")
def nlp() -> Any:
    return load_pipeline(Settings().spacy_model, ("ner",))


def build(
    text: str, published: str = "2023-01-12"
) -> tuple[Article, list[Sentence], list[Mention]]:
    """An article with naive sentences and exact-match actor mentions."""
    sentences = [
        Sentence(i, m.start(), m.end()) for i, m in enumerate(re.finditer(r"[^.!?]+[.!?]", text))
    ]
    sentences = [
        Sentence(
            s.index,
            s.start + len(text[s.start : s.end]) - len(text[s.start : s.end].lstrip()),
            s.end,
        )
        for s in sentences
    ]
    names = sorted(ACTORS, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, names)) + r")\b")
    mentions = []
    for m in pattern.finditer(text):
        sentence = next(s for s in sentences if s.start <= m.start() < s.end)
        code, country, kind = ACTORS[m.group(0)]
        mentions.append(
            Mention(
                m.start(),
                m.end(),
                m.group(0),
                sentence.index,
                kind,
                code,
                code,
                m.group(0),
                country,
            )
        )
    article = Article(
        "t", text, "test.txt", "text", "", "c", "h", id=1,
        published=PublicationDate(published, "day", published, published, "metadata"),
    )  # fmt: skip
    return article, sentences, mentions


def code(nlp: Any, text: str, published: str = "2023-01-12") -> ev.CodingResult:
    article, sentences, mentions = build(text, published)
    return ev.extract_events(article, sentences, mentions, nlp)


def triples(
    result: ev.CodingResult, all_modalities: bool = False
) -> set[tuple[str, str, str | None]]:
    chosen = result.events if all_modalities else ev.counted(result.events)
    return {(e.source_code, e.code, e.target_code) for e in chosen}


# --- ontology ----------------------------------------------------------------------------


def test_codebook_is_complete_and_consistent() -> None:
    book = codebook()
    roots = {c.root for c in book.values()}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    assert len(book) > 300
    for code, entry in book.items():
        assert 2 <= len(code) <= 4 and code.isdigit()
        assert code.startswith(entry.root) and entry.root in book
        assert -10.0 <= entry.goldstein <= 10.0
        assert entry.quad_class in (1, 2, 3, 4)
        assert entry.plover is None or entry.plover in PLOVER
        assert entry.name
    assert book["190"].quad_class == 4 and book["190"].goldstein == -10.0
    assert book["057"].plover == "AGREE" and book["112"].plover == "ACCUSE"
    with pytest.raises(KeyError):
        code_info("999")


def test_dictionary_covers_every_root_with_hundreds_of_patterns() -> None:
    lex = dictionary()
    assert lex.n_patterns >= 500
    codes = {p.code for ps in [*lex.verbs.values(), *lex.nouns.values()] for p in ps}
    assert {c[:2] for c in codes} == {f"{i:02d}" for i in range(1, 21)}
    assert all(c in codebook() for c in codes)
    # Inflected and irregular forms reach the tokenizer-level prefilter.
    assert {"sent", "blamed", "blockade", "offensives", "cancelled"} <= lex.trigger_forms


def test_petrarch_dictionary_loader() -> None:
    text = (
        "--- ACCUSE [112] ---\n"
        "ACCUSE [112]\n"
        "- * OF_AGGRESSION [1123]\n"
        "- $ * + OF WAR_CRIMES [1124]  # comment\n"
        "BLAME [112]\n"
        "- * FOR ATTACK [1123]\n"
        "- * FOO [:999]\n"
    )
    loaded = load_petrarch_verbs(text)
    assert loaded["112"] == ["accuse", "blame"]
    assert loaded["1123"] == ["accuse of aggression", "blame for attack"]
    assert loaded["1124"] == ["accuse of war crimes"]


# --- the coder -----------------------------------------------------------------------------


def test_subject_object_and_possessive_nominal(nlp: Any) -> None:
    result = code(nlp, "Russia blames Armenia for the collapse of the talks.")
    assert ("RUS", "112", "ARM") in triples(result)
    result = code(nlp, "Azerbaijan's offensive against Nagorno-Karabakh continued.")
    assert ("AZE", "190", "NKR") in triples(result)


def test_light_verb_passes_its_subject_to_the_noun(nlp: Any) -> None:
    result = code(nlp, "In 2020, Azerbaijan launched an offensive against Nagorno-Karabakh.")
    (event,) = ev.counted(result.events)
    assert (event.source_code, event.root, event.target_code) == ("AZE", "19", "NKR")
    assert (event.date.precision, event.date.date, event.date.method) == (
        "year",
        "2020",
        "sentence",
    )


def test_coordination_gives_one_event_per_actor(nlp: Any) -> None:
    result = code(nlp, "Russia criticized Armenia and Azerbaijan.")
    assert triples(result) == {("RUS", "111", "ARM"), ("RUS", "111", "AZE")}


def test_passive_with_agent(nlp: Any) -> None:
    result = code(nlp, "Armenia was attacked by Azerbaijan on Tuesday.")
    assert ("AZE", "190", "ARM") in triples(result)


def test_reported_speech_records_the_reporter_without_a_bare_statement_event(nlp: Any) -> None:
    result = code(nlp, "Zakharova said Armenia cancelled the meeting.")
    cancel = next(e for e in result.events if e.source_code == "ARM")
    assert cancel.root == "12" and cancel.reported_by_code == "RUSGOV"
    # A bare "said" that only reports another event is its reporting source, not a 010.
    assert [e for e in result.events if e.source_code == "RUSGOV"] == []
    # A statement that is an event in its own right (an accusation) is coded.
    accusation = code(nlp, "Zakharova accused Armenia of sabotage.")
    assert ("RUSGOV", "1125", "ARM") in triples(accusation)  # accuse of sabotage


def test_context_resolves_the_two_sides_and_names_are_not_triggers(nlp: Any) -> None:
    text = (
        "Armenia and Azerbaijan fought a war. In 2020, the two sides signed a ceasefire. "
        "Russia brokered peace between the two warring nations."
    )
    found = triples(code(nlp, text))
    assert ("ARM", "057", "AZE") in found and ("AZE", "057", "ARM") in found
    assert any(s == "RUS" and c.startswith("04") and t in ("ARM", "AZE") for s, c, t in found)
    negated = code(nlp, "This does not mean that Armenia will withdraw from the CSTO.")
    assert all(e.modality == "negated" for e in negated.events)
    war = code(nlp, "Kazakhstan criticized the Ukraine war.")
    assert not any(e.source_code == "UKR" for e in war.events)
    idiom = code(nlp, "Azerbaijan seized the chance.")
    assert idiom.events == [] and any("figurative" in c.reason for c in idiom.candidates)
    mutual = triples(code(nlp, "Armenia and Azerbaijan accused each other of attacks."))
    assert {("ARM", "1123", "AZE"), ("AZE", "1123", "ARM")} <= mutual
    phrasal = code(nlp, "Russia held off on making a direct response.")
    assert phrasal.events == [] and any("phrasal" in c.reason for c in phrasal.candidates)
    topic = code(nlp, "Kazakhstan criticized Russia's war in Ukraine.")
    assert [e.source_code for e in topic.events] == ["KAZ"]
    assert any("topic of the event" in c.reason for c in topic.candidates)
    setting = code(nlp, "Outside the CSTO summit, Armenia criticized Russia.")
    assert not any(e.source_code == "CSTO" for e in setting.events)
    his = code(nlp, "Pashinyan spoke. He regretted his formal request to Russia for help.")
    assert any(e.source_code == "ARMGOV" and e.target_code == "RUS" for e in his.events)
    speaker = triples(code(nlp, "Azerbaijan said its troops had attacked Armenia."))
    assert ("AZE", "190", "ARM") in speaker
    protest = code(nlp, "Azerbaijan demonstrated its military superiority.")
    assert protest.events == []
    alleged = code(nlp, "Zakharova accused Armenia of making contradictory statements.")
    assert all(e.modality == "opinion" for e in alleged.events if e.source_code == "ARM")


def test_reported_future_participial_adjunct_and_passive_relative(nlp: Any) -> None:
    # "would" under a past speech verb is the reported "will": a stated future, counted.
    reported = code(nlp, "Armenia said on Monday that it would withdraw from the CSTO.")
    assert [(e.source_code, e.root, e.modality) for e in reported.events] == [
        ("ARM", "08", "future")
    ]
    assert ev.counted(reported.events)
    # Without a speech verb, or with a condition, "would" stays hypothetical/conditional.
    bare = code(nlp, "Russia would send peacekeepers to Armenia.")
    assert [e.modality for e in bare.events] == ["hypothetical"]
    # A participial adjunct without a subject shares the subject of its head verb.
    adjunct = triples(code(nlp, "Turkey condemned the vote, accusing France of bias."))
    assert ("TUR", "112", "FRA") in adjunct
    # In a passive relative clause the relative pronoun is the target.
    relative = triples(code(nlp, "Georgia, which is backed by Turkey, protested."))
    assert ("TUR", "051", "GEO") in relative
    # An event noun in apposition to an object: the subject of the object's verb did it.
    appos = triples(
        code(nlp, "Georgia took unusual measures – the expulsion of diplomats of Iran.")
    )
    assert ("GEO", "161", "IRN") in appos
    # "positions" in the plural is a military target, not a stance.
    positions = triples(code(nlp, "Azerbaijani forces attacked positions inside Armenia."))
    assert positions == {("AZE", "190", "ARM")}


def test_origin_of_an_attack_affiliation_modifiers_and_misplaced_objects(nlp: Any) -> None:
    # The side across the border is the attacker; "his country", the passive subject of
    # "subjected to", is the target.
    text = "Pashinyan spoke. His country was subjected to a new attack across the border with Iran."
    assert ("IRN", "190", "ARMGOV") in triples(code(nlp, text))
    # "Georgian-backed protests": the side named in the compound modifier is the doer's.
    backed = code(nlp, "There were Azerbaijani-backed protests along the road to Armenia.")
    assert any(e.source_code == "AZE" and e.root == "14" for e in backed.events)
    # A name the parser coordinated with the verb is one of its objects.
    misplaced = code(
        nlp, "Kazakhstan expressed support for integrity in general, and Ukraine's in particular."
    )
    assert ("KAZ", "019", "UKR") in triples(misplaced)


def test_multilateral_acts_and_patterns_that_need_an_object(nlp: Any) -> None:
    # Three signatories: each is bound to the others. Attendees of a summit are not each
    # other's targets.
    signed = triples(code(nlp, "Armenia, Azerbaijan and Russia signed an agreement."))
    assert len({(s, t) for s, c, t in signed if c == "057"}) == 6
    summit = code(nlp, "Armenia, Azerbaijan, Turkey and Iran attended the summit.")
    assert all(e.target_code is None for e in summit.events)
    # "assure X" needs someone assured: "assured that ..." is no pledge of support.
    assert code(nlp, "Zakharova assured that the priority is security.").events == []
    assert ("RUS", "032", "ARM") in triples(code(nlp, "Russia assured Armenia of its support."))


def test_unresolved_addressee_self_targets_settings_and_the_doer_of_an_object_act(
    nlp: Any,
) -> None:
    # The act names an addressee that is no actor: its target is unknown, so no event.
    unknown = code(nlp, "Russia vowed to protect the ethnic communities.")
    assert unknown.events == []
    assert any("not resolved" in c.reason for c in unknown.candidates)
    assert ("RUS", "0334", "ARM") in triples(code(nlp, "Russia vowed to protect Armenia."))
    # A source's own country is not its target, except for (domestic) coercion.
    own = code(nlp, "Russia vowed to protect Armenia and Russia.")
    assert {e.target_code for e in own.events} == {"ARM"}
    assert ("ARMGOV", "1724", "ARM") in triples(
        code(nlp, "Pashinyan declared martial law across Armenia.")
    )
    # Situations and "in the wake of" phrases are the setting, not a reported event.
    setting = code(nlp, "In the wake of the attack by Azerbaijan, Armenia criticized Russia.")
    assert triples(setting) == {("ARM", "111", "RUS")}
    # Condemning or refusing to support an act is aimed at whoever did it.
    assert ("IRN", "111", "RUS") in triples(
        code(nlp, "Iran condemned Russia's invasion of Ukraine.")
    )
    # "the authorities": the government of the country named, not the speaker's own.
    authorities = code(
        nlp, "Kazakhstan said something. Turkey urged the authorities to respect rights."
    )
    assert ("TUR", "0243", "KAZ") in triples(authorities)


def test_unnamed_ministry_naming_verbs_and_statement_documents(nlp: Any) -> None:
    # "The Ministry of Foreign Affairs" with no country: the state the last sentence named.
    text = "Russia condemned the attack. The Ministry of Foreign Affairs called Armenia to stop."
    ministry = next(e for e in code(nlp, text).events if e.code == "0256")
    assert (ministry.source_code, ministry.target_code) == ("RUS", "ARM")
    assert text[ministry.source_start : ministry.source_end].startswith("The Ministry")
    # "what X called a provocation", "called the move a violation": naming, not a phone call.
    assert not any(
        e.code == "041"
        for e in code(nlp, "Turkey condemned what Iran called a provocation.").events
    )
    assert code(nlp, "Russia called the move a violation.").events == []
    # A signed statement is an agreement, not a 010 statement event.
    signed = code(nlp, "The statement was signed by Armenia and Azerbaijan.")
    assert {e.code for e in signed.events} == {"057"}


def test_the_parties_of_a_conflict_are_those_seen_fighting(nlp: Any) -> None:
    talks = "Armenia and Turkey met. Armenia and Turkey talked. "
    named = triples(code(nlp, talks + "Russia offered to mediate."))
    assert {t for s, c, t in named if c == "039"} == {"ARM", "TUR"}
    # Once two countries are seen using force against each other, they are the parties.
    fought = triples(code(nlp, talks + "Azerbaijan attacked Armenia. Russia offered to mediate."))
    assert {t for s, c, t in fought if c == "039"} == {"ARM", "AZE"}


def test_parties_in_dispute_blocked_aid_doers_of_visits_and_synonyms(nlp: Any) -> None:
    # Two sides seen in dispute (an accusation, no fighting) are the parties a mediator's
    # offer is aimed at; "a new round of negotiations" is the act, not its addressee.
    text = (
        "Sudan's army accused the Rapid Support Forces of violating the truce. "
        "Egypt offered to host a new round of negotiations."
    )
    offered = triples(code(nlp, text))
    assert {t for s, c, t in offered if s == "EGY" and c == "039"} == {"SDNMIL", "SDNREB"}
    # Blocking aid for someone stops it; the of-phrase of a visit is the visitor.
    assert ("HUN", "162", "UKR") in triples(
        code(nlp, "Hungary blocked a European aid package for Ukraine.")
    )
    visit = triples(code(nlp, "The visit of Nancy Pelosi to Taiwan angered the region."))
    assert ("USALEG", "042", "TWN") in visit
    # A word after the trigger matches its synonym ("cut aid" is "cut assistance").
    assert ("RUS", "162", "ARM") in triples(code(nlp, "Russia cut its assistance to Armenia."))


def test_where_a_verbal_act_happens_and_when_are_not_its_target(nlp: Any) -> None:
    # A city where a protest is lodged is not whom it is aimed at; the city of a meeting is
    # its host, whom cancelling it snubs.
    assert ("JPN", "114", None) in triples(code(nlp, "Japan lodged a protest in Beijing."))
    cancelled = triples(code(nlp, "Armenia cancelled a meeting in Moscow."))
    assert any(s == "ARM" and c.startswith("12") and t == "RUSGOV" for s, c, t in cancelled)
    # "on Monday" fills no "fire on X": the act is coded, not rejected for an odd target.
    fired = triples(code(nlp, "Azerbaijan fired a missile on Monday."))
    assert ("AZE", "194", None) in fired


def test_a_retold_object_and_another_verbs_preposition_make_no_second_act(nlp: Any) -> None:
    # "ceasefire" is the object of the agreement coded at "agreed": "observe" retells it.
    agreed = code(nlp, "Armenia and Azerbaijan agreed to strictly observe the ceasefire.")
    assert {e.trigger for e in agreed.events} == {"agreed"}
    assert any("already coded" in c.reason for c in agreed.candidates if c.trigger == "observe")
    # "with the mission" belongs to "cooperate", not to an "agree with X".
    cooperate = code(nlp, "Azerbaijan agreed to cooperate with the mission.")
    assert not any(e.code == "019" for e in cooperate.events)
    assert any(e.trigger == "cooperate" for e in cooperate.events)


def test_a_refusal_is_the_rejection_of_the_act_refused_aimed_at_its_target(nlp: Any) -> None:
    refused = code(nlp, "Armenia has refused to supply Ukraine with air defence systems.")
    assert [(e.source_code, e.code, e.target_code) for e in refused.events] == [
        ("ARM", "1222", "UKR")
    ]
    assert ("GEO", "122", "ARM") in triples(code(nlp, "Georgia refused to send aid to Armenia."))


def test_forces_deployed_by_their_side_and_irregular_forms_of_prefixed_verbs(nlp: Any) -> None:
    deployed = code(nlp, "About 2,000 Russian troops were deployed to Nagorno-Karabakh.")
    assert ("RUSMIL", "154", "NKR") in triples(deployed)
    assert not code(nlp, "Armenia was attacked.").events  # no agent, no forces: no source
    # The model does not know "retook" (its tagger may call it a noun).
    retook = triples(code(nlp, "Azerbaijan retook full control of Nagorno-Karabakh."))
    assert ("AZE", "192", "NKR") in retook


def test_a_harm_during_that_operation_was_done_by_the_operations_doer(nlp: Any) -> None:
    text = (
        "Azerbaijan attacked Nagorno-Karabakh on Monday. "
        "Two Russian peacekeepers were killed during that operation."
    )
    found = triples(code(nlp, text))
    assert any(s == "AZE" and c.startswith("18") and t == "RUSMIL" for s, c, t in found)
    # Without an operation told before, the passive harm has no source.
    alone = triples(code(nlp, "Two Russian peacekeepers were killed during that operation."))
    assert not any(t == "RUSMIL" for _, _, t in alone)


def test_commentators_opinions_and_a_denied_act_does_not_hide_a_told_one(nlp: Any) -> None:
    # What analysts or observers say is their reading (opinion, out of the counts); what
    # officials say is reported.
    said = code(nlp, "Analysts said Russia would attack Ukraine.")
    assert [e.modality for e in said.events] == ["opinion"] and not ev.counted(said.events)
    officials = code(nlp, "Officials said Russia attacked Ukraine.")
    assert [e.modality for e in officials.events] == ["asserted"]
    # An act told as not done does not make an act told as done a retelling of it.
    both = code(nlp, "Russia did not attack Ukraine on Monday. Russia attacked on Tuesday.")
    assert ("RUS", "190", None) in triples(both)


def test_backed_forces_act_for_their_backer(nlp: Any) -> None:
    found = triples(code(nlp, "Turkish-backed forces shot down two helicopters over Armenia."))
    assert any(s == "TUR" and c.startswith("19") for s, c, _ in found)


def test_a_listed_first_modifier_is_one_of_the_coordinated_groups(nlp: Any) -> None:
    found = triples(code(nlp, "Iran summoned the British, French and German ambassadors."))
    assert {t for s, c, t in found if s == "IRN"} == {"GBRGOV", "FRAGOV", "DEUGOV"}


def test_withdrawing_a_bill_is_no_expulsion_and_dismissing_reports_is_a_denial(nlp: Any) -> None:
    assert not code(nlp, "Georgia withdrew the bill on Thursday.").events
    assert code(nlp, "Georgia withdrew its ambassador.").events  # the object is no bill
    dismissed = triples(code(nlp, "Russia dismissed the accusations as speculation."))
    assert any(s == "RUS" and c == "016" for s, c, _ in dismissed)


def test_figurative_objects_only_for_material_acts_and_new_verb_patterns(nlp: Any) -> None:
    # "condemned Armenia's decision" is a literal criticism (of Armenia); "seized the
    # chance" is figurative. Whose decision "the decision" was is unknown: no event.
    assert ("TUR", "111", "ARM") in triples(code(nlp, "Turkey condemned Armenia's decision."))
    assert code(nlp, "Azerbaijan seized the chance.").events == []
    unknown = code(nlp, "Turkey condemned the decision.")
    assert unknown.events == [] and any("not resolved" in c.reason for c in unknown.candidates)
    stationed = code(nlp, "Russia will station nuclear weapons in Armenia.")
    assert [(e.code, e.target_code, e.modality) for e in stationed.events] == [
        ("154", "ARM", "future")
    ]
    offered = triples(code(nlp, "Armenia offered Russia a bilateral agreement."))
    assert ("ARM", "030", "RUS") in offered
    inked = triples(code(nlp, "The accord was inked by Armenia and Azerbaijan."))
    assert {("ARM", "057", "AZE"), ("AZE", "057", "ARM")} <= inked


def test_first_person_speakers_and_agents_of_force_nouns(nlp: Any) -> None:
    # "We"/"our" in a quote are the speaker's side, wherever the attribution stands, and
    # "our participation" is not the target.
    quote = code(nlp, '"We have frozen our participation in the CSTO," Pashinyan said.')
    assert ("ARMGOV", "160", "CSTO") in triples(quote)
    # "fighting between X and Y": each is the other's target, even as the setting.
    between = triples(code(nlp, "Dozens died in fighting between Armenia and Azerbaijan."))
    assert {("ARM", "190", "AZE"), ("AZE", "190", "ARM")} <= between
    # "the attack of X against Y": the "of" phrase is the doer when a target is named.
    of_against = code(nlp, "They discussed the attack of Azerbaijan against Armenia.")
    assert ("AZE", "190", "ARM") in triples(of_against)


def test_a_less_specific_retelling_of_an_act_is_the_same_event(nlp: Any) -> None:
    text = "Pashinyan criticized the CSTO on Monday. Armenia's criticism followed an attack."
    criticisms = [e for e in code(nlp, text).events if e.code == "111"]
    assert [(e.source_code, e.target_code) for e in criticisms] == [("ARMGOV", "CSTO")]
    # Without the first, specific report the retelling is an event of its own.
    alone = code(nlp, "Armenia's criticism followed an attack.")
    assert [(e.source_code, e.code) for e in alone.events] == [("ARM", "111")]


def test_pattern_ties_prefer_a_filled_target_and_nearer_words(nlp: Any) -> None:
    # "agree to talk" and "agree to ceasefire" tie; the nearer words win.
    agreed = code(nlp, "Armenia agreed to a ceasefire after long talks.")
    assert [e.code for e in agreed.events] == ["057"]
    # "distance itself" and "distance from X" tie; the one with its target wins.
    distance = triples(code(nlp, "Armenia continued to distance itself from Russia."))
    assert distance == {("ARM", "120", "RUS")}


def test_collective_parties_leave_out_actors_of_their_own_clause(nlp: Any) -> None:
    text = (
        "Armenia and Azerbaijan fought a war. Armenia and Azerbaijan met. "
        "In 2020, the two sides signed a ceasefire, brokered by Russia."
    )
    found = triples(code(nlp, text))
    assert {("ARM", "057", "AZE"), ("AZE", "057", "ARM")} <= found
    assert not any(s == "RUS" and c == "057" for s, c, _ in found)


def test_unnamed_target_of_a_directed_act_is_the_other_party_of_the_conflict(nlp: Any) -> None:
    text = (
        "Armenia and Azerbaijan clashed again. Armenia accused Azerbaijan of shelling. "
        "Azerbaijan rejected the accusations."
    )
    result = code(nlp, text)
    denial = next(e for e in result.events if e.code == "016")
    assert (denial.source_code, denial.target_code) == ("AZE", "ARM")
    assert "target from context" in (denial.pattern or "")
    # The pair must be a dyad named together at least twice; a third party gets no target.
    once = code(nlp, "Armenia and Azerbaijan met. Azerbaijan rejected the accusations.")
    assert next(e for e in once.events if e.code == "016").target_code is None
    # Seen fighting once is enough: the one it fought is the other party.
    fought = code(nlp, "Azerbaijan attacked Armenia. Azerbaijan rejected the accusations.")
    assert next(e for e in fought.events if e.code == "016").target_code == "ARM"
    third = code(nlp, text + " Turkey rejected the accusations.")
    assert next(e for e in third.events if e.source_code == "TUR").target_code is None


def test_negation_and_refusal(nlp: Any) -> None:
    assert triples(code(nlp, "Russia did not attack Armenia.")) == set()
    negated = code(nlp, "Russia did not attack Armenia.").events
    assert [e.modality for e in negated] == ["negated"]
    result = code(nlp, "Kazakhstan declined to support the invasion of Ukraine.")
    assert {e.root for e in ev.counted(result.events)} == {"12"}
    result = code(nlp, "Armenia refused to participate in talks with Azerbaijan.")
    assert {(e.source_code, e.code) for e in ev.counted(result.events)} == {("ARM", "125")}


def test_an_act_done_without_another_is_no_report_of_the_other(nlp: Any) -> None:
    # Invented: what happens "without" an act says the act did not happen.
    result = code(nlp, "Russia ordered its troops to fire on Ukraine without warning.")
    assert triples(result) == {("RUS", "190", "UKR")}
    warning = [e for e in result.events if e.trigger == "warning"]
    assert warning and all(e.modality == "negated" for e in warning)


def test_a_person_crossing_a_border_uses_no_force(nlp: Any) -> None:
    # Invented. Troops (or a state) crossing into a country is an incursion; a leader
    # travelling is not.
    assert triples(code(nlp, "Russian troops crossed into Ukraine on Thursday.")) == {
        ("RUSMIL", "190", "UKR")
    }
    person = code(nlp, "Nikol Pashinyan crossed into Georgia on Tuesday.")
    assert not [e for e in person.events if e.root >= "18"]
    assert any(c.reason.endswith("moving is no use of force") for c in person.candidates)


def test_a_conjunct_verb_without_a_coordinator_shares_no_subject(nlp: Any) -> None:
    # Invented. The parser reads "occupied" as a second verb of the sentence; with no "and"
    # there is no coordination, and Turkey occupied nothing.
    text = (
        "Turkey called on Armenia to withdraw from what it called occupied Azerbaijani territory."
    )
    assert not [e for e in code(nlp, text).events if e.root == "19"]
    coordinated = code(nlp, "Azerbaijan shelled the town and occupied Armenia.")
    assert ("AZE", "192", "ARM") in triples(coordinated)
    # A list with commas only is coordinated too.
    listed = code(nlp, "Azerbaijan shelled the town, killed three soldiers, Armenia said.")
    assert {t[1] for t in triples(listed) if t[0] == "AZE"} >= {"1823"}


def test_a_denial_in_a_relative_clause_answers_the_accuser(nlp: Any) -> None:
    # Invented. "which" hangs on the last noun (Azerbaijan), but Turkey denies Armenia's
    # accusation.
    text = (
        "Armenia accused Turkey of providing military support to Azerbaijan, which Turkey denied."
    )
    assert ("TUR", "016", "ARM") in triples(code(nlp, text))
    # "which" standing for a thing, not for the accusation, answers no one.
    plan = "Armenia accused Turkey of blocking the peace plan, which Turkey had rejected in 2020."
    assert not [e for e in code(nlp, plan).events if e.source_code == "TUR" and e.target_code]
    # A denier who is not the accused gets no target from the accusation.
    other = "Armenia accused Turkey of providing military support to Azerbaijan, which Iran denied."
    assert not [
        e for e in code(nlp, other).events if e.source_code == "IRN" and e.target_code == "ARM"
    ]


def test_a_strike_on_a_place_is_a_use_of_force(nlp: Any) -> None:
    # Invented. A bare "strike" may be a labour strike (143); "a strike on" a place is a
    # military one, so condemning it is aimed at the striker, not at the place struck.
    text = "Armenia fired on Azerbaijan. Turkey condemned the strike on the Azerbaijani city."
    assert ("TUR", "111", "ARM") in triples(code(nlp, text))


def test_a_domestic_measure_falls_on_the_sources_own_country(nlp: Any) -> None:
    # Invented. A curfew or martial law with no other target named is imposed at home.
    result = code(nlp, "Nikol Pashinyan imposed a curfew.")
    assert triples(result) == {("ARMGOV", "1723", "ARM")}
    assert ("RUS", "1724", "UKR") in triples(code(nlp, "Russia imposed martial law in Ukraine."))
    # A place named but not resolved may be someone else's: no target is guessed.
    occupied = code(nlp, "Russian troops imposed a curfew in Kherson.")
    assert triples(occupied) == {("RUSMIL", "1723", None)}


def test_a_gerund_subject_is_a_nominal_event(nlp: Any) -> None:
    # Invented. The model tags a sentence-initial "Fighting" as a verb with no subject.
    text = "Fighting between Sudan's army and the Rapid Support Forces continued in Khartoum."
    assert triples(code(nlp, text)) == {("SDNMIL", "190", "SDNREB"), ("SDNREB", "190", "SDNMIL")}


def test_an_appeal_to_end_the_fighting_is_addressed_to_its_parties(nlp: Any) -> None:
    # Invented. "an end to the fighting" is what is asked for, not an unresolved addressee;
    # the appeal goes to the two parties last seen fighting.
    text = "Armenia and Azerbaijan clashed again. Turkey urged an end to the fighting."
    appeals = {t for t in triples(code(nlp, text)) if t[0] == "TUR"}
    assert appeals == {("TUR", "020", "ARM"), ("TUR", "020", "AZE")}


def test_what_a_speaker_denies_is_negated(nlp: Any) -> None:
    # Invented: the act a speaker denies is not reported as done.
    result = code(nlp, "Nikol Pashinyan denied that Armenia had attacked Azerbaijan.")
    attacks = [e for e in result.events if e.root == "19"]
    assert attacks and all(e.modality == "negated" for e in attacks)


def test_a_mediator_named_before_a_participle_is_no_target(nlp: Any) -> None:
    # Invented. Turkey mediated the ceasefire; the ceasefire is not aimed at Turkey.
    result = code(nlp, "Armenia accepted a Turkish-mediated ceasefire on Wednesday.")
    truces = [e for e in result.events if e.source_code == "ARM" and e.root == "08"]
    assert truces and all(e.target_code != "TUR" for e in truces)


def test_a_host_with_no_one_named_serves_the_parties_that_last_met(nlp: Any) -> None:
    # Invented.
    text = "Armenia and Azerbaijan held talks on Monday. The talks were hosted by France."
    hosted = {t for t in triples(code(nlp, text)) if t[0] == "FRA"}
    assert hosted == {("FRA", "043", "ARM"), ("FRA", "043", "AZE")}
    assert triples(code(nlp, "France hosted the talks.")) == {("FRA", "043", None)}


def test_an_appeal_for_a_ceasefire_is_addressed_to_the_parties(nlp: Any) -> None:
    # Invented. A ceasefire binds both sides; one in another war named by its place is not
    # this one's.
    text = "Armenia and Azerbaijan clashed on Monday. Turkey called for an immediate ceasefire."
    appeals = {t for t in triples(code(nlp, text)) if t[0] == "TUR"}
    assert appeals == {("TUR", "107", "ARM"), ("TUR", "107", "AZE")}
    text = "Armenia and Azerbaijan clashed again on Monday. Turkey called for a ceasefire in Gaza."
    assert {t for t in triples(code(nlp, text)) if t[0] == "TUR"} == {("TUR", "107", None)}


def test_two_sides_agreeing_a_truce_agree_it_with_each_other(nlp: Any) -> None:
    # Invented. Two sides seen fighting agree a truce with each other; two mediators
    # announcing one do not.
    text = (
        "Armenia and Azerbaijan clashed on Sunday. "
        "Armenia and Azerbaijan agreed on Monday to a permanent cessation of hostilities."
    )
    truces = {t for t in triples(code(nlp, text)) if t[1] == "0871"}
    assert truces == {("ARM", "0871", "AZE"), ("AZE", "0871", "ARM")}
    truces = {t for t in triples(code(nlp, "Turkey and Egypt announced a truce on Friday."))}
    assert truces == {("TUR", "0871", None), ("EGY", "0871", None)}


def test_a_stance_on_the_agreement_is_aimed_at_its_parties(nlp: Any) -> None:
    # Invented. "the agreement", naming no one, is the one its parties made just before; an
    # agreement about something else, or one's own, is not aimed at them.
    first = "Armenia and Azerbaijan signed an agreement on Monday. "
    found = triples(code(nlp, first + "Turkey welcomed the agreement."))
    stance = {t for t in found if t[0] == "TUR"}
    assert stance == {("TUR", "051", "ARM"), ("TUR", "051", "AZE")}
    text = first + "Turkey welcomed the agreement on gas."
    assert {t for t in triples(code(nlp, text)) if t[0] == "TUR"} == {("TUR", "051", None)}
    text = first + "Armenia welcomed the agreement."
    assert ("ARM", "051", "AZE") not in triples(code(nlp, text))
    # Another agreement told since, by others: "the agreement" may be that one.
    text = first + "Turkey and Egypt agreed to expand trade on Tuesday. France welcomed the deal."
    assert {t for t in triples(code(nlp, text)) if t[0] == "FRA"} == {("FRA", "051", None)}


def test_representatives_of_two_sides_act_for_each(nlp: Any) -> None:
    # Invented. Each side of the of-phrase acts; the two bodies of one country stay two
    # parties, whom "both sides" then names.
    text = (
        "Representatives of Sudan's army and the Rapid Support Forces signed a declaration "
        "on Thursday. Under the declaration, both sides pledged to protect civilians. "
        "Egypt welcomed the agreement."
    )
    found = triples(code(nlp, text))
    assert {("SDNMIL", "057", "SDNREB"), ("SDNREB", "057", "SDNMIL")} <= found
    welcomed = {t for t in found if t[0] == "EGY"}
    assert welcomed == {("EGY", "051", "SDNMIL"), ("EGY", "051", "SDNREB")}


def test_a_crowd_with_no_nationality_is_of_the_place_named(nlp: Any) -> None:
    # Invented. No actor is named: the crowd, the police and the buildings are those of
    # the country of the city their clause names (Yerevan and Almaty are in the gazetteer,
    # not in this test's actor dictionary).
    text = "Hundreds of protesters stormed government buildings in Yerevan on Tuesday."
    result = code(nlp, text)
    assert triples(result) == {("ARMCVL", "145", "ARMGOV")}
    crowd = result.events[0]
    assert crowd.source_name == "Armenia: CVL" and crowd.confidence < 1
    assert text[crowd.source_start : crowd.source_end] == "Hundreds of protesters"
    result = code(nlp, "In Almaty, police detained dozens of people on Wednesday.")
    assert triples(result) == {("KAZGOV", "173", "KAZCVL")}
    # The coordinated verb shares the subject and its place; the parliament building stands
    # for the legislature.
    result = code(nlp, "Protesters marched and stormed the parliament building in Yerevan.")
    assert ("ARMCVL", "145", "ARMLEG") in triples(result)


def test_a_crowd_is_not_located_when_it_is_named_otherwise(nlp: Any) -> None:
    # Invented. An unresolved nationality, a place in a subordinate clause, an uncounted
    # "people": no guess.
    for text in [
        "Hundreds of Armenian protesters rallied in Moscow on Sunday.",
        "Protesters rallied on Sunday after talks in Yerevan failed.",
        "People rallied in Yerevan on Sunday.",
    ]:
        assert not any(e.source_code.endswith("CVL") for e in code(nlp, text).events), text


def test_force_used_by_civilians_is_a_riot(nlp: Any) -> None:
    # Invented. Troops storming a town use military force; a crowd storming one riots.
    assert triples(code(nlp, "Azerbaijani troops stormed the town.")) == {("AZE", "190", None)}
    # Refugees crossing a border use no force; a place in another phrase, or where a crowd
    # goes, is not where it is.
    for text in [
        "Thousands of people from Nagorno-Karabakh crossed into Armenia on Monday.",
        "Protesters condemned the war in Ukraine and demanded sanctions against Russia.",
    ]:
        assert not code(nlp, text).events, text
    result = code(nlp, "Protesters stormed the town hall in Almaty.")
    assert triples(result) == {("KAZCVL", "145", "KAZGOV")}


def test_conditional_hypothetical_and_future(nlp: Any) -> None:
    result = code(nlp, "If Azerbaijan attacks Armenia, Russia would send peacekeepers.")
    modalities = {(e.source_code, e.modality) for e in result.events}
    assert modalities == {("AZE", "conditional"), ("RUS", "hypothetical")}
    assert ev.counted(result.events) == []
    result = code(nlp, "Russia will send peacekeepers to Armenia.")
    assert [e.modality for e in result.events] == ["future"]


def test_intent_to_cooperate(nlp: Any) -> None:
    result = code(nlp, "Moscow was ready to help broker further agreements.")
    assert [(e.source_code, e.root) for e in ev.counted(result.events)] == [("RUSGOV", "03")]


def test_no_event_without_pattern_or_source_and_no_fallback_code(nlp: Any) -> None:
    result = code(nlp, "Armenia said that the offensive continued for days.")
    assert result.events == []
    reasons = {c.reason.split(" (")[0] for c in result.candidates}
    assert "no resolved source actor" in reasons
    assert all(c.status == "rejected" for c in result.candidates)


def test_captions_and_sentences_without_actors_are_not_parsed(nlp: Any) -> None:
    text = "Azerbaijan attacked Armenia. The weather was fine. Russia attacked Georgia."
    article, sentences, mentions = build(text)
    sentences[2] = Sentence(2, sentences[2].start, sentences[2].end, is_caption=True)
    selected = ev.select_sentences(article, sentences, mentions)
    assert [s.index for s in selected] == [0]
    result = ev.extract_events(article, sentences, mentions, nlp)
    assert triples(result) == {("AZE", "190", "ARM")}


def test_evidence_spans_point_at_the_right_characters(nlp: Any) -> None:
    text = (
        "Tensions rose again. Moscow blames Armenia for the failure of talks. "
        "Azerbaijan shelled Armenia on Tuesday September 19."
    )
    article, sentences, mentions = build(text, "2023-09-20")
    result = ev.extract_events(article, sentences, mentions, nlp)
    assert result.events
    for e in result.events:
        assert text[e.trigger_start : e.trigger_end] == e.trigger
        assert e.sentence_start <= e.source_start < e.source_end <= e.sentence_end
        assert text[e.source_start : e.source_end] in ACTORS
        if e.target_start is not None and e.target_end is not None:
            assert text[e.target_start : e.target_end] in ACTORS
        assert e.code != "010" or e.pattern and e.pattern.startswith("speech:")
        assert e.coder_version == ev.CODER_VERSION and 0 < e.confidence <= 1
    shelling = next(e for e in result.events if e.root == "19")
    assert (shelling.date.date, shelling.date.precision) == ("2023-09-19", "day")


def test_a_clause_describing_another_noun_does_not_date_the_event(nlp: Any) -> None:
    # The year is the treaty's; the breach is undated in the sentence (publication window).
    result = code(nlp, "Azerbaijan broke the ceasefire that was agreed in November 2020.")
    (broke,) = ev.counted(result.events)
    assert broke.date.method == "publication" and broke.date.window_end == "2023-01-12"
    # A clause describing a nominal trigger dates it, also when the parser hangs it on the
    # trigger's own of-phrase.
    text = "Azerbaijan's blockade of Nagorno-Karabakh imposed in December 2022 angered Armenia."
    blockade = next(e for e in ev.counted(code(nlp, text).events) if e.trigger == "blockade")
    assert (blockade.date.date, blockade.date.precision) == ("2022-12", "month")


def test_the_sides_of_a_civil_war_are_its_bodies(nlp: Any) -> None:
    result = code(
        nlp,
        "Sudan's army and the Rapid Support Forces fought in Khartoum. Saudi Arabia called "
        "on both sides to agree a ceasefire. Kenya offered to mediate.",
    )
    found = triples(result)
    assert {("SAU", "020", "SDNMIL"), ("SAU", "020", "SDNREB")} <= found
    assert {("KEN", "039", "SDNMIL"), ("KEN", "039", "SDNREB")} <= found


def test_the_other_party_may_be_named_by_a_body_only(nlp: Any) -> None:
    result = code(
        nlp, "Indian troops and Pakistani troops exchanged fire. Pakistan declared a mobilisation."
    )
    assert any(
        e.source_code == "PAK" and e.target_code == "INDMIL" and e.root == "15"
        for e in ev.counted(result.events)
    ), triples(result)


def test_both_leaders_are_the_two_parties(nlp: Any) -> None:
    result = code(nlp, "Turkey and France signed an agreement. Russia praised both leaders.")
    assert {("RUS", "051", "TUR"), ("RUS", "051", "FRA")} <= triples(result)


def test_a_noun_after_at_is_the_setting_not_the_object(nlp: Any) -> None:
    result = code(nlp, "Armenia and Azerbaijan agreed a truce, ending the war, at talks in Moscow.")
    assert not any(e.code == "164" for e in result.events)  # not "end talks"


def test_sanctions_agreed_or_approved(nlp: Any) -> None:
    agreed = code(nlp, "France agreed a new package of sanctions against Iran.")
    assert ("FRA", "163", "IRN") in triples(agreed)
    approved = code(nlp, "France approved new sanctions on Iran.")
    assert ("FRA", "163", "IRN") in triples(approved)
    # Agreeing to impose them is a plan, coded once, at "impose".
    plan = code(nlp, "France agreed to impose sanctions on Iran.")
    assert [(e.trigger, e.modality) for e in plan.events] == [("impose", "planned")]
    ratified = code(nlp, "Turkey ratified the accession of Armenia.")
    assert ("TUR", "057") in {(e.source_code, e.code) for e in ratified.events}


def test_an_act_kept_from_happening_is_no_event(nlp: Any) -> None:
    warned = code(nlp, "France warned Turkey against attacking Armenia.")
    assert ("TUR", "190", "ARM") not in triples(warned, all_modalities=True)
    assert any("keeps from happening" in c.reason for c in warned.candidates)
    refrain = code(nlp, "Russia urged Azerbaijan to refrain from attacking Armenia.")
    assert not any(e.root == "19" for e in refrain.events)
    # A keeper that failed or was not used: the act happened, asserted.
    failed = code(nlp, "Russia did not prevent Azerbaijan from attacking Armenia.")
    attack = [e for e in failed.events if e.root == "19"]
    assert [(e.source_code, e.target_code, e.modality) for e in attack] == [
        ("AZE", "ARM", "asserted")
    ]
    unable = code(nlp, "Russia was unable to send troops to Armenia.")
    assert {e.modality for e in unable.events} == {"negated"}


GOLDEN_SENTENCES = [
    "Azerbaijani forces blocked the only road linking Armenia with Nagorno-Karabakh in December.",
    "Armenia accuses Russia of not doing enough to lift the blockade.",
    "Russia sent 2,000 peacekeepers to Nagorno-Karabakh in 2020.",
    "Pashinyan refused to sign the summit declaration and criticized the CSTO.",
    "Armenian protesters called on Russia to leave Ukraine.",
    "France and Armenia held a joint military exercise last month.",
    "Turkey threatened to impose sanctions on Iran.",
]


def _golden_rows(nlp: Any) -> list[dict[str, Any]]:
    rows = []
    for sentence in GOLDEN_SENTENCES:
        result = code(nlp, sentence, "2023-01-12")
        for e in result.events:
            rows.append(
                {
                    "sentence": sentence,
                    "source": e.source_code,
                    "code": e.code,
                    "target": e.target_code,
                    "trigger": e.trigger,
                    "modality": e.modality,
                    "date": [e.date.date, e.date.window_start, e.date.window_end],
                    "location": e.location.name if e.location else None,
                }
            )
    return rows


def test_golden_sentences(nlp: Any) -> None:
    """Coder output on a few sentences, compared with a reviewed golden file.

    Regenerate after a deliberate change with DETENTE_UPDATE_GOLDEN=1 and review the diff.
    """
    path = DATA / "events_golden.json"
    rows = _golden_rows(nlp)
    if os.environ.get("DETENTE_UPDATE_GOLDEN"):
        path.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert rows == json.loads(path.read_text(encoding="utf-8"))


# --- dates and places ------------------------------------------------------------------------


def _pub(day: str) -> PublicationDate:
    return PublicationDate(day, "day", day, day, "metadata")


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("on Tuesday September 19", "2023-09-19", ("2023-09-19", "day")),
        ("last December", "2023-01-12", ("2022-12", "month")),
        ("in March", "2023-09-19", ("2023-03", "month")),
        ("in 2020", "2023-09-19", ("2020", "year")),
        ("on Thursday", "2023-01-12", ("2023-01-12", "day")),
        ("yesterday", "2023-01-12", ("2023-01-11", "day")),
    ],
)
def test_time_expressions_resolve_against_publication(
    text: str, published: str, expected: tuple[str, str]
) -> None:
    (found,) = time_expressions(f"It happened {text}.", _pub(published), future=False)
    assert (found.date.date, found.date.precision) == expected


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("earlier this week", ("2022-10-17", "2022-10-20")),
        ("this week", ("2022-10-17", "2022-10-23")),
        ("earlier this month", ("2022-10-01", "2022-10-20")),
        ("earlier this year", ("2022-01-01", "2022-10-20")),
    ],
)
def test_earlier_this_week_ends_at_publication(text: str, window: tuple[str, str]) -> None:
    (found,) = time_expressions(f"Kyiv cut ties {text}.", _pub("2022-10-20"), future=False)
    assert (found.date.window_start, found.date.window_end) == window


def test_publication_window_never_dates_a_past_event_to_the_publication_day() -> None:
    past = publication_window(_pub("2023-01-12"), past=True)
    assert past.date is None and past.window_end == "2023-01-12" and past.method == "publication"
    assert past.window_start is not None and past.window_start < "2023-01-12"
    present = publication_window(_pub("2023-01-12"), past=False)
    assert present.date == "2023-01-12"
    window = PublicationDate(None, "unknown", "2022-12-12", "2022-12-31", "text")
    assert publication_window(window, past=False).date is None


@given(
    st.lists(
        st.sampled_from(
            [
                "March",
                "on",
                "last",
                "Tuesday",
                "in",
                "2020",
                "19",
                "ago",
                "two",
                "weeks",
                "for",
                "a",
                "year",
                "September",
                "this",
                "week",
                ",",
                "x",
            ]
        ),
    ).map(" ".join),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    st.booleans(),
)
def test_time_expressions_never_crash_and_windows_are_ordered(
    text: str, published: date, future: bool
) -> None:
    for found in time_expressions(text, _pub(published.isoformat()), future):
        d = found.date
        assert d.window_start is not None and d.window_end is not None
        assert d.window_start <= d.window_end
        assert text[found.start : found.end].strip() == found.text


def test_locations_from_the_offline_gazetteer() -> None:
    place = find_location("the Azerbaijani offensive in Nagorno-Karabakh on Tuesday")
    assert place is not None and (place.name, place.country) == ("Nagorno-Karabakh", "AZE")
    city = find_location("a meeting in Moscow scheduled for last December")
    assert city is not None and city.country == "RUS" and city.precision == "city"
    assert city.lat is not None and 55 < city.lat < 56
    assert find_location("Moscow said it would act in March") is None
    # The words read after one preposition do not hide the next one.
    near = find_location("protesters gathered outside government buildings in Yerevan")
    assert near is not None and near.name == "Yerevan"
    border = find_location("clashes at the border with Ukraine")
    assert border is not None and border.name == "Ukraine"


# --- grouping, stage, store, export, CLI -------------------------------------------------------


def _stored(
    i: int, article: int, source: str, target: str, code: str, day: str, text: str
) -> ev.StoredEvent:
    info = code_info(code)
    event = Event(
        0, 0, len(text), source, None, 0, 3, code, 0, 1, "x", target_code=target, root=info.root,
        date=ev.EventDate(day, "day", day, day, "sentence"),
    )  # fmt: skip
    return ev.StoredEvent(i, article, event, text)


def test_grouping_counts_articles_and_independent_sources() -> None:
    a = "Azerbaijan shelled Armenian positions near Jermuk on Tuesday"
    b = "Azerbaijani troops shelled Armenian positions near Jermuk, officials said"
    events = [
        _stored(1, 10, "AZEMIL", "ARM", "194", "2022-09-13", a),
        _stored(2, 11, "AZE", "ARM", "190", "2022-09-13", b),
        _stored(3, 12, "AZE", "ARM", "190", "2022-09-13", a),  # a copy of article 10
        _stored(4, 13, "AZE", "ARM", "190", "2020-09-27", a),  # another war, another day
        _stored(5, 14, "ARM", "AZE", "190", "2022-09-13", a),  # the other direction
    ]
    groups = ev.group_events(events, {10: 10, 11: 11, 12: 10, 13: 13, 14: 14})
    by_ids = {g.event_ids: g for g in groups}
    assert set(by_ids) == {(1, 2, 3), (4,), (5,)}
    assert (by_ids[(1, 2, 3)].n_articles, by_ids[(1, 2, 3)].n_sources) == (3, 2)


_REPORT_WORDS = ["shelled", "positions", "Jermuk", "border", "troops", "village", "fired"]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),  # article
            st.sampled_from([("AZE", "ARM"), ("ARM", "AZE")]),
            st.integers(0, 40),  # first day of the window
            st.integers(0, 6),  # its length in days
            st.sets(st.sampled_from(_REPORT_WORDS), min_size=1),
        ),
        max_size=14,
    )
)
def test_grouping_is_every_pairwise_link(reports: list[Any]) -> None:
    # Grouping compares, in order of window start, only reports whose windows can overlap:
    # its groups must be the connected components of ``same_event`` over all pairs.
    events = []
    for i, (article, (source, target), start, length, words) in enumerate(reports):
        first = date(2022, 9, 1) + timedelta(days=start)
        last = first + timedelta(days=length)
        event = Event(
            0, 0, 10, source, None, 0, 3, "190", 0, 1, "x", target_code=target, root="19",
            date=ev.EventDate(None, "week", first.isoformat(), last.isoformat(), "sentence"),
        )  # fmt: skip
        events.append(ev.StoredEvent(i, article, event, " ".join(sorted(words))))
    component = {e.id: {e.id} for e in events}
    for a in events:
        for b in events:
            if a.article_id != b.article_id and ev.same_event(a, b):
                merged = component[a.id] | component[b.id]
                for member in merged:
                    component[member] = merged
    expected = {tuple(sorted(c)) for c in component.values()}
    assert {g.event_ids for g in ev.group_events(events, {})} == expected


@pytest.fixture()
def coded_db(tmp_path: Path) -> Iterator[Path]:
    from detente.pipeline import ingest_inputs, regroup_events, run_events
    from detente.store import Store

    body = "Azerbaijan shelled Armenia on Tuesday September 19. Russia did not attack Armenia."
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Shelling\n" + body + "\n", encoding="utf-8")
    (folder / "a.txt.meta.json").write_text('{"published": "2023-09-20"}', encoding="utf-8")
    (folder / "b.txt").write_text("Shelling\n" + body + "\n", encoding="utf-8")
    (folder / "b.txt.meta.json").write_text(
        '{"published": "2023-09-20", "url": "https://copy.example/x"}', encoding="utf-8"
    )
    db = tmp_path / "t.db"
    settings = Settings(db=db)
    with Store(db) as store:
        report = ingest_inputs([str(folder)], store, settings)
        ids = sorted(set(report.article_ids))
        for article in store.load_articles(ids):
            assert article.id is not None
            _, sentences, mentions = build(article.text)
            with store.transaction():
                store.replace_sentences(article.id, sentences)
                store.replace_mentions(article.id, mentions)
        run_events(store, settings, ids)
        assert regroup_events(store) >= 1
    yield db


def test_stage_stores_events_groups_and_exports(coded_db: Path) -> None:
    from detente.export import EXPORT_KINDS
    from detente.store import EventFilter, Store

    with Store(coded_db) as store:
        rows = store.query_events(EventFilter())
        assert {(r["source_code"], r["root"], r["target_code"]) for r in rows} == {
            ("AZE", "19", "ARM")
        }
        assert {(r["n_articles"], r["n_sources"]) for r in rows} == {(2, 1)}
        everything = store.query_events(EventFilter(modalities=()))
        assert {r["modality"] for r in everything} == {"asserted", "negated"}
        exported = list(EXPORT_KINDS["events"].rows(store))
    assert len(exported) == len(everything)
    fields = set(EXPORT_KINDS["events"].fields)
    for required in ("id", "date", "date_precision", "source_code", "target_code", "cameo",
                     "root", "quad_class", "goldstein", "plover", "modality", "location",
                     "confidence", "n_articles", "n_sources", "evidence"):  # fmt: skip
        assert required in fields
    row = next(r for r in exported if r["modality"] == "asserted")
    assert row["date"] == "2023-09-19" and row["plover"] == "ASSAULT"
    assert row["evidence"][0]["sentence"].startswith("Azerbaijan shelled Armenia")


def test_cli_events_and_explain(coded_db: Path) -> None:
    from detente.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["--db", str(coded_db), "events", "--source", "AZE", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert rows and all(r["source_code"].startswith("AZE") for r in rows)
    out = runner.invoke(app, ["--db", str(coded_db), "events", "--root", "12"])
    assert out.exit_code == 0
    out = runner.invoke(app, ["--db", str(coded_db), "explain", "1"])
    assert out.exit_code == 0, out.output
    assert "coded" in out.stdout and "negated" in out.stdout
    # Styles are applied, not printed as markup; the sentences are shown as they are.
    assert "[dim]" not in out.stdout and "#0 Azerbaijan shelled Armenia" in out.stdout
    out = runner.invoke(app, ["--db", str(coded_db), "explain", "999"])
    assert out.exit_code == 1


# --- acceptance on the seed articles (needs the actor stage) -----------------------------------

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "seeds"


def print_evaluation(label: str, r: EventMatchReport) -> None:
    """The figures, every extracted event that matches no gold event, every missed one."""
    print(f"\n{label}: {r.summary()}")
    for file, sentence, e in r.unmatched:
        print(f"UNMATCHED {file[:3]} {e.source_code}->{e.code}->{e.target_code} [{e.trigger}] "
              f"{e.modality} {sentence[:110]!r}")  # fmt: skip
    for file, g in r.missed:
        print(f"MISSED {file[:3]} {g['source']} {g['cameo']} {g['target']}: "
              f"{g['evidence'][:90]!r}")  # fmt: skip


SAMPLE = Path(ev.__file__).parent / "data" / "sample_corpus"


def assert_spans_point_at_the_stored_text(store: Any, article_id: int, text: str) -> None:
    """Every stored event of the article: its sentence is a stored sentence, its trigger span
    reads its trigger, source and target spans lie in the text and are not blank, and it
    names the pattern that coded it (no fallback code)."""
    sentences = {(s.start, s.end) for s in store.sentences(article_id)}
    for e in store.events(article_id):
        where = f"article {article_id}, event {e.code} {e.trigger!r}"
        assert (e.sentence_start, e.sentence_end) in sentences, where
        assert text[e.trigger_start : e.trigger_end] == e.trigger, where
        assert e.sentence_start <= e.trigger_start < e.trigger_end <= e.sentence_end
        assert 0 <= e.source_start < e.source_end <= len(text), where
        assert text[e.source_start : e.source_end].strip(), where
        if e.target_start is not None:
            assert 0 <= e.target_start < e.target_end <= len(text), where
            assert text[e.target_start : e.target_end].strip(), where
        assert e.pattern, where


def _evaluate(tmp_path: Path, folder: Path) -> EventMatchReport:
    """Ingest and process ``folder``, then match its stored events against its gold file."""
    import yaml

    from detente.pipeline import ingest_inputs, process_articles
    from detente.store import Store

    settings = Settings(db=tmp_path / "eval.db", fetch_linked_pages=False)
    store = Store(settings.db)
    report = ingest_inputs([str(folder)], store, settings)
    process_articles(store, settings)
    ids = sorted(set(report.article_ids))
    if not any(store.sentences(i) for i in ids):
        store.close()
        pytest.skip("the actor stage is not installed: no sentences or mentions to code from")
    rows = [row for row in (store.article(i) for i in ids) if row is not None]
    for row in rows:
        assert_spans_point_at_the_stored_text(store, int(row["id"]), str(row["text"]))
    gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    matches = match_gold_articles(gold["articles"], rows)
    events = {int(row["id"]): ev.counted(store.events(int(row["id"]))) for row in rows}
    store.close()
    return event_match_report(matches, events)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/corpus/seeds not present")
def test_seed_acceptance(tmp_path: Path) -> None:
    # Measured with coder detente-events-8 (and -7, -6): recall 0.81 (29 of 36), 1.50 events per
    # gold event (54 for 36), precision 0.61, dated 0.97.
    result = _evaluate(tmp_path, SEEDS)
    print_evaluation("seeds (actor stage)", result)
    assert result.recall >= 0.8
    assert result.per_gold <= 1.5
    assert result.dated >= 0.8


def test_sample_corpus_precision_and_recall(tmp_path: Path) -> None:
    """Our development set: the figures are printed (-s); the floors are what we reach."""
    result = _evaluate(tmp_path, SAMPLE)
    print_evaluation("sample corpus (actor stage)", result)
    assert result.n_gold == 447
    # Measured with coder detente-events-8: recall 0.31 (137 of 447), precision 0.65 (184 of
    # 285), dated 0.91.
    assert result.recall >= 0.23
    assert result.precision >= 0.51
    assert result.dated >= 0.8


def test_a_denial_answers_the_accuser_named_before(nlp: Any) -> None:
    result = code(
        nlp,
        "Georgia accused Russia on Monday of moving the border fences near the village. "
        "Moscow rejected the accusations.",
    )
    assert ("RUSGOV", "016", "GEO") in triples(result)
    denial = next(e for e in result.events if e.code == "016")
    assert "the accuser" in (denial.pattern or "")


def test_a_denial_with_no_accusation_before_has_no_guessed_target(nlp: Any) -> None:
    result = code(nlp, "Moscow rejected the accusations.")
    assert ("RUSGOV", "016", None) in triples(result)


def test_the_parties_of_a_joint_act_are_its_doers_not_the_place_it_is_about(nlp: Any) -> None:
    result = code(nlp, "Armenia and Azerbaijan signed an agreement on Nagorno-Karabakh.")
    found = triples(result)
    assert ("ARM", "057", "AZE") in found and ("AZE", "057", "ARM") in found
    assert not any(t == "NKR" for _, _, t in found)
    # An actor inside the object of a one-sided act stays its target.
    assert ("ARM", "057", "AZE") in triples(
        code(nlp, "Armenia signed an agreement with Azerbaijan.")
    )


def test_where_a_meeting_or_agreement_takes_place_is_no_party_to_it(nlp: Any) -> None:
    assert ("ARM", "057", None) in triples(code(nlp, "Armenia signed a declaration in Moscow."))
    assert ("ARM", "057", "RUS") in triples(code(nlp, "Armenia signed a declaration with Russia."))


def test_two_mediators_do_not_mediate_each_other(nlp: Any) -> None:
    found = triples(code(nlp, "France and Turkey mediated the talks on Monday."))
    assert found and not any(t in ("FRA", "TUR") for _, _, t in found)
    assert {s for s, _, _ in found} == {"FRA", "TUR"}


def test_a_stated_future_refusal_is_a_rejection_and_a_past_negation_is_not(nlp: Any) -> None:
    refusal = code(nlp, "Armenia will not host the meeting of France and Russia this year.")
    assert [(e.source_code, e.root, e.modality) for e in refusal.events] == [
        ("ARM", "12", "asserted")
    ]
    reported = code(nlp, "Pashinyan said Armenia would not sign the agreement with Russia.")
    assert any(e.root == "12" and e.source_code == "ARM" for e in ev.counted(reported.events))
    past = code(nlp, "Armenia did not host the meeting of France and Russia.")
    assert [(e.root, e.modality) for e in past.events] == [("04", "negated")]
    hypothetical = code(nlp, "Armenia would not sign the agreement with Russia if asked.")
    assert not any(e.root == "12" for e in hypothetical.events)


def test_the_parties_of_an_outbreak_are_told_on_its_verb(nlp: Any) -> None:
    found = triples(code(nlp, "Fighting broke out between Armenia and Azerbaijan on Sunday."))
    assert {("ARM", "190", "AZE"), ("AZE", "190", "ARM")} <= found


def test_coordinated_modifiers_name_a_group_of_each_side(nlp: Any) -> None:
    found = triples(code(nlp, "France and Russia held talks with Azerbaijani and Turkish envoys."))
    assert ("FRA", "040", "AZE") in found and ("FRA", "040", "TUR") in found


def test_an_intransitive_meeting_of_two_parties_is_mutual(nlp: Any) -> None:
    found = triples(code(nlp, "Pashinyan and Zakharova met in Paris on Monday."))
    assert {("ARMGOV", "044", "RUSGOV"), ("RUSGOV", "044", "ARMGOV")} <= found


def test_the_two_sides_are_the_parties_of_the_last_mutual_agreement(nlp: Any) -> None:
    text = (
        "Russia hosted talks in Moscow. Russia and France called for calm. Armenia and "
        "Azerbaijan agreed to a ceasefire on Saturday. Russia welcomed it. Within hours, "
        "the two sides accused each other of violating it."
    )
    found = triples(code(nlp, text))
    assert {("ARM", "112", "AZE"), ("AZE", "112", "ARM")} <= {(s, c[:3], t) for s, c, t in found}


def test_a_passive_harm_in_a_named_attack_has_the_attacker_as_source(nlp: Any) -> None:
    for text in (
        "Ten soldiers were killed in attacks of Azerbaijan.",
        "Ten soldiers were killed in Azerbaijani shelling.",
    ):
        found = triples(code(nlp, text))
        assert any(s == "AZE" and c.startswith("18") for s, c, _ in found), text
    # A situation says where, not who: no doer is taken from "Azerbaijani fighting".
    setting = code(nlp, "Ten Armenian soldiers were killed in the Azerbaijani fighting.")
    assert not any(e.source_code == "AZE" and e.root == "18" for e in setting.events)


def test_what_an_appeal_asks_for_is_not_a_done_act(nlp: Any) -> None:
    urged = code(nlp, "France urged Azerbaijan to reopen the corridor.")
    assert {e.code[:2] for e in urged.events} == {"02"}
    assert any("asks for" in c.reason for c in urged.candidates if c.trigger == "reopen")
    demanded = code(nlp, "Armenia demanded that Russia withdraw its troops.")
    assert [(e.source_code, e.root, e.target_code) for e in demanded.events] == [
        ("ARM", "10", "RUS")
    ]
    # A verb coordinated with the appeal is a second act, not what it asks for.
    both = triples(code(nlp, "Armenia urged restraint and accused Azerbaijan of attacks."))
    assert any(s == "ARM" and c.startswith("11") and t == "AZE" for s, c, t in both)


def test_an_exchange_between_two_parties_is_mutual(nlp: Any) -> None:
    found = triples(code(nlp, "Armenia and Azerbaijan exchanged prisoners on Thursday."))
    assert {("ARM", "0841", "AZE"), ("AZE", "0841", "ARM")} <= found
    traded = triples(code(nlp, "Russia and Ukraine traded accusations on Monday."))
    assert {("RUS", "112", "UKR"), ("UKR", "112", "RUS")} <= traded
    released = triples(code(nlp, "Armenia and Azerbaijan released prisoners on Thursday."))
    assert released == {("ARM", "0841", None), ("AZE", "0841", None)}


def test_closing_a_border_joining_sanctions_and_ratifying_a_statute(nlp: Any) -> None:
    assert ("TUR", "191", "ARM") in triples(code(nlp, "Turkey closed its border with Armenia."))
    assert ("GEO", "163", "RUS") in triples(
        code(nlp, "Georgia joined the sanctions against Russia.")
    )
    assert ("ARM", "057", None) in triples(code(nlp, "Armenia ratified the Rome Statute."))


def test_welcoming_an_agreement_is_praise_and_a_parade_is_no_arrest(nlp: Any) -> None:
    found = triples(code(nlp, "Turkey welcomed the agreement between Armenia and Azerbaijan."))
    assert {("TUR", "051", "ARM"), ("TUR", "051", "AZE")} <= found
    parade = code(nlp, "Azerbaijan held a military parade on Tuesday.")
    assert [(e.source_code, e.root) for e in parade.events] == [("AZE", "15")]


def test_the_government_is_that_of_the_place_named_in_the_sentence(nlp: Any) -> None:
    text = "Georgia closed its embassy. Ukraine's envoy in Moscow criticised the government."
    assert ("UKR", "111", "RUSGOV") in triples(code(nlp, text))


def test_receiving_a_thing_is_no_hosted_visit(nlp: Any) -> None:
    aid = code(nlp, "Ukraine received a package of military aid from France.")
    assert not any(e.code == "043" for e in aid.events)
    assert any("names no actor" in c.reason for c in aid.candidates)
    assert ("ARM", "043", "FRA") in triples(code(nlp, "Armenia received France on Monday."))
