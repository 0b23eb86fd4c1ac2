"""The model as the event stage loads it (numpy's BLAS for its matrix products, attribute
rules by look-up, remembered lemmas) parses as the model as its package ships it."""

from __future__ import annotations

import importlib
from typing import Any

from detente.lemma_cache import CachedLemmatizer
from detente.nlp import load_parser
from detente.settings import Settings
from test_attribute_rules import corpus_lines

MODEL = Settings().spacy_model


def test_the_event_stage_parses_as_the_shipped_model() -> None:
    parser = load_parser(MODEL)
    assert isinstance(parser.get_pipe("lemmatizer"), CachedLemmatizer)
    assert not parser.get_pipe("tok2vec").model.ops.use_blis
    shipped = importlib.import_module(MODEL).load(exclude=["ner"])
    assert shipped.get_pipe("tok2vec").model.ops.use_blis
    lines = corpus_lines()
    assert len(lines) > 1000

    def parses(nlp: Any) -> list[list[tuple[str, str, str, int, str, str]]]:
        return [
            [(t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, str(t.morph)) for t in d]
            for d in nlp.pipe(lines, batch_size=256)
        ]

    expected = parses(shipped)
    assert parses(parser) == expected
    # Parsed again, every lemma now comes from the cache.
    assert parses(parser) == expected
