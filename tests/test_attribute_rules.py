"""The attribute rules applied by look-up set exactly what spaCy's attribute ruler sets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.attribute_rules import FastAttributeRuler, compile_rules
from detente.data import sample_corpus_path
from detente.nlp import load_parser, load_pipeline
from detente.settings import Settings

MODEL = Settings().spacy_model
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def pipelines() -> tuple[Any, Any]:
    return load_pipeline(MODEL, ("ner",)), load_parser(MODEL)


def annotations(doc: Any) -> list[tuple[str, str, str, str, str, str]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def corpus_lines() -> list[str]:
    lines: list[str] = []
    files = [*sorted(Path(sample_corpus_path()).rglob("*")), *sorted(SEEDS.glob("*.txt"))]
    for path in files:
        if not path.is_file() or path.suffix in (".gz", ".warc"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        lines += [line for line in text.splitlines() if line.strip()]
    return lines


def test_the_parser_uses_the_fast_rules(pipelines: tuple[Any, Any]) -> None:
    spacy_nlp, fast_nlp = pipelines
    assert spacy_nlp.pipe_names == fast_nlp.pipe_names
    assert isinstance(fast_nlp.get_pipe("attribute_ruler"), FastAttributeRuler)
    assert not isinstance(spacy_nlp.get_pipe("attribute_ruler"), FastAttributeRuler)


def test_same_attributes_on_the_sample_corpus_and_the_seeds(pipelines: tuple[Any, Any]) -> None:
    spacy_nlp, fast_nlp = pipelines
    lines = corpus_lines()
    assert len(lines) > 1000
    expected = [annotations(d) for d in spacy_nlp.pipe(lines, batch_size=256)]
    got = [annotations(d) for d in fast_nlp.pipe(lines, batch_size=256)]
    differing = [(e, g) for e, g in zip(expected, got, strict=True) if e != g]
    assert differing == []


# Words the rules single out (contractions, pronouns, auxiliaries, "gon na", "y'all"),
# common words around them, punctuation and white space.
WORD_LINES = (
    "I you it he she we they me him her us them himself something everybody",
    "is are am was were 's 're 'm 've 'd be do does did have has had get gets got",
    "not n't ai gon na got ta let c'm on y' y all nothin' nuthin' there that which",
    "the a this those if because while but so whether will can to of in",
    "Armenia Russia said troops attack talks go come stop said , . ? ( ) -",
)
WORDS = [word for line in WORD_LINES for word in line.split()] + ["  ", "\n"]


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=18))
def test_same_attributes_on_any_sequence_of_rule_words(
    pipelines: tuple[Any, Any], words: list[str]
) -> None:
    spacy_nlp, fast_nlp = pipelines
    text = " ".join(words)
    assert annotations(fast_nlp(text)) == annotations(spacy_nlp(text))


@pytest.mark.parametrize(
    "text",
    [
        "Y'all gon na see: it ai n't over, let 's go.",
        "There 's nothin' they can do, and there are no talks.",
        "That is that, which he said he had done.",
        "  Spaced \n\n out   text .",
    ],
)
def test_same_attributes_on_rules_of_several_tokens(pipelines: tuple[Any, Any], text: str) -> None:
    spacy_nlp, fast_nlp = pipelines
    assert annotations(fast_nlp(text)) == annotations(spacy_nlp(text))


def test_a_rule_of_another_kind_keeps_spacys_ruler() -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    assert compile_rules(ruler) is not None
    ruler.add([[{"ENT_TYPE": "GPE"}]], {"POS": "PROPN"})  # an attribute it does not read
    assert compile_rules(ruler) is None
    other = spacy.blank("en").add_pipe("attribute_ruler")
    other.add([[{"LOWER": "a", "OP": "+"}]], {"POS": "DET"})  # an operator
    assert compile_rules(other) is None
