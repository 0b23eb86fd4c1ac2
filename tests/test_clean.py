from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from detente.clean import (
    SiteEvidence,
    clean_document,
    line_key,
    normalise_text,
    short_lines,
)
from detente.model import DocumentMeta, RawDocument


def _doc(text: str, **meta: str) -> RawDocument:
    return RawDocument(
        source="test/a.txt", format="text", raw=text, text=text, meta=DocumentMeta(**meta)
    )


BODY = (
    "Armenia's prime minister said on Tuesday that the country would not sign the "
    "declaration prepared for the summit in Yerevan.\n"
    "The foreign ministry of Azerbaijan accused Armenia of delaying the talks on a peace "
    "treaty between the two countries.\n"
)


@given(st.text(max_size=300))
def test_normalise_text_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_line_key_ignores_case_and_punctuation(text: str) -> None:
    assert line_key(text) == line_key(text.upper().lower())
    assert line_key(f"  {text}!!") == line_key(text + " ")


def test_broken_entities_and_mojibake_are_repaired() -> None:
    assert normalise_text("after the & nbsp, Ukraine war") == "after the Ukraine war"
    assert normalise_text("a Russian & nbsp expert") == "a Russian expert"
    assert normalise_text("Tom &amp; Jerry") == "Tom & Jerry"
    assert normalise_text("the countryâ€™s army") == "the country's army"
    assert normalise_text("“quoted”  text\r\n") == '"quoted" text\n'


def test_chrome_lines_are_removed_and_metadata_lifted() -> None:
    text = (
        "Armenia refuses to sign summit declaration\n"
        "By Anna Ortiz\n"
        "2022-11-23 18:40\n"
        "Share this article\n" + BODY + "Read also: Leaders meet in Sochi\n"
        "You have 40% of this article left to read.\n"
        "#Armenia #CSTO\n"
        "RELATED ARTICLES\n"
        "Another headline about something else\n"
        "Leave a Comment\n"
    )
    article = clean_document(_doc(text))
    assert article.title == "Armenia refuses to sign summit declaration"
    assert article.author == "Anna Ortiz"
    assert article.published.date == "2022-11-23"
    assert article.published.precision == "day"
    assert article.text == normalise_text(BODY.strip()).replace("\n", "\n\n")
    reasons = {r.reason for r in article.removed}
    assert {"byline", "timestamp", "paywall notice", "hashtag line"} <= reasons
    assert article.flags["paywalled"] is True


def test_breadcrumb_glued_to_title() -> None:
    text = "HomeWorldEuropeTalks collapse in Brussels\n\nTalks collapse in Brussels\n" + BODY
    article = clean_document(_doc(text))
    assert article.title == "Talks collapse in Brussels"
    assert "Talks collapse in Brussels" not in article.text
    assert article.removed[0].reason == "breadcrumb navigation"


def test_title_suffix_and_repeated_title() -> None:
    text = "Talks collapse | World news\nTalks collapse\n" + BODY
    article = clean_document(_doc(text))
    assert article.title == "Talks collapse"
    assert article.text.startswith("Armenia's prime minister")


def test_captions_are_marked_not_removed() -> None:
    caption = "Nikol Pashinyan is pictured at the summit in Yerevan on Wednesday."
    text = "Title\n" + BODY + caption + "\nPhoto: Jane Doe/Harbour Post\n"
    article = clean_document(_doc(text))
    assert caption in article.text
    spans = [article.text[s.start : s.end] for s in article.spans if s.kind == "caption"]
    assert caption in spans and "Photo: Jane Doe/Harbour Post" in spans


def test_a_real_paragraph_after_a_tail_marker_survives() -> None:
    late = (
        "Officials in Baku said on Wednesday that the talks would resume in Brussels next "
        "month, according to a statement published by the ministry."
    )
    article = clean_document(_doc("Title\n" + BODY + "Comments\n" + late + "\n"))
    assert late in article.text


def test_site_evidence_removes_repeated_short_lines_only() -> None:
    chrome = "Subscribers get our morning briefing every day"
    evidence = SiteEvidence({"dir:test": {line_key(chrome): 5}}, threshold=3)
    article = clean_document(_doc("Title\n" + chrome + "\n" + BODY), evidence)
    assert chrome not in article.text
    assert article.removed[-1].reason == "repeated across this site's articles"
    assert line_key(chrome) in short_lines(chrome + "\n" + BODY)


def test_non_english_article_is_flagged() -> None:
    text = (
        "Arménie\nLe Premier ministre arménien a refusé mercredi de signer la déclaration "
        "finale du sommet de l'Organisation du traité de sécurité collective à Erevan."
    )
    article = clean_document(_doc(text))
    assert article.language == "fr"
    assert article.flags["non_english"] is True


def test_metadata_wins_over_lifted_lines() -> None:
    text = "Title\nBy Someone Else\n2020-01-01\n" + BODY
    article = clean_document(_doc(text, author="Anna", published="2022-11-24", title="Title"))
    assert article.author == "Anna"
    assert article.published.date == "2022-11-24"


def test_a_wire_dateline_dates_an_article_without_metadata() -> None:
    article = clean_document(_doc("Talks stall\n\nYEREVAN, 3 March 2023 (Reuters) - " + BODY))
    assert article.published.date == "2023-03-03"
    assert article.published.precision == "day"
    assert "dateline" in (article.published.method or "")
    # Metadata comes first.
    dated = clean_document(_doc("YEREVAN, 3 March 2023 - " + BODY, published="2023-03-04"))
    assert dated.published.date == "2023-03-04"
