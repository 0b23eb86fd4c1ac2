"""The rule-based sentence splitter shared by the actor and event stages."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from detente.model import Span
from detente.sentences import sentence_at, split_sentences


def texts(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_abbreviations_initials_and_decimals_do_not_end_sentences() -> None:
    text = (
        "Russia's deputy U.N. Ambassador Anna Evstigneeva spoke. Mr. Smith and Gen. Gerasimov "
        "met J. K. Rowling at 3.5 p.m. on Monday! The U.S. Then left. Is it over? "
        "Yes. It is 99.999 % linked."
    )
    assert texts(text) == [
        "Russia's deputy U.N. Ambassador Anna Evstigneeva spoke.",
        "Mr. Smith and Gen. Gerasimov met J. K. Rowling at 3.5 p.m. on Monday!",
        "The U.S. Then left.",
        "Is it over?",
        "Yes.",
        "It is 99.999 % linked.",
    ]


def test_quotes_close_sentences_and_no_number_abbreviation() -> None:
    text = '"We are ready." He said no. No. 5 was not. “It is sad,” Pashinyan said.'
    assert texts(text) == [
        '"We are ready."',
        "He said no.",
        "No. 5 was not.",
        "“It is sad,” Pashinyan said.",
    ]


def test_never_crosses_a_line_break_and_marks_captions() -> None:
    text = "Headline without a stop\nBody starts here. It goes on\nCaption line. Credit: AP"
    caption_start = text.index("Caption")
    sentences = split_sentences(text, [Span(caption_start, len(text), "caption")])
    assert [text[s.start : s.end] for s in sentences] == [
        "Headline without a stop",
        "Body starts here.",
        "It goes on",
        "Caption line.",
        "Credit: AP",
    ]
    assert [s.is_caption for s in sentences] == [False, False, False, True, True]
    assert [s.index for s in sentences] == list(range(5))
    assert sentence_at(sentences, text.index("goes")) == 2


@given(st.text(alphabet=st.sampled_from(list("ab .!?\n\"'UN3’”")), max_size=200))
def test_sentences_cover_every_non_blank_character_without_overlap(text: str) -> None:
    sentences = split_sentences(text)
    covered = [0] * len(text)
    previous_end = 0
    for s in sentences:
        assert previous_end <= s.start < s.end <= len(text)
        assert "\n" not in text[s.start : s.end]
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        for i in range(s.start, s.end):
            covered[i] += 1
        previous_end = s.end
    for i, ch in enumerate(text):
        assert covered[i] <= 1
        if not ch.isspace():
            assert covered[i] == 1


def test_a_wire_dateline_is_a_segment_of_its_own() -> None:
    text = (
        "Offensive in Karabakh\n"
        "BAKU, September 20, 2023 (Reuters) - Azerbaijan launched an offensive. Armenia "
        "protested.\nMOSCOW, 1 May 2020 - later in the text, not a dateline."
    )
    pieces = [text[s.start : s.end] for s in split_sentences(text)]
    assert pieces == [
        "Offensive in Karabakh",
        "BAKU, September 20, 2023 (Reuters) -",
        "Azerbaijan launched an offensive.",
        "Armenia protested.",
        "MOSCOW, 1 May 2020 - later in the text, not a dateline.",
    ]
