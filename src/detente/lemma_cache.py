"""spaCy's lemmatizer with every lemma remembered.

spaCy's rule lemmatizer works out a token's lemma from its form, its part of speech and its
morphology alone, but caches only some of its answers: a base form ("talks" as a singular
noun is not, "talk" is) is worked out again for every token, reading the morphology into a
dictionary each time. In the event stage's parse it cost as much as the attribute ruler
(0.32 s per 1,000 synthetic articles; 0.07 s remembered). ``CachedLemmatizer`` asks the
model's own lemmatizer once per distinct (form, part of speech, morphology) and sets the
remembered lemma for every later token with the same three: the same lemmas, token for
token (``tests/test_nlp.py`` compares the whole parse with the shipped model's).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

# The lemmatizer modes whose answer depends on the token's form, part of speech and
# morphology only (spaCy's own; a custom mode keeps spaCy's component).
CACHEABLE_MODES = frozenset({"rule", "lookup"})


class CachedLemmatizer:
    """A pipeline component setting the lemmas spaCy's ``Lemmatizer`` would, once ``bind``
    has given it that lemmatizer."""

    # Distinct (form, part of speech, morphology) keys remembered (each worker process
    # keeps its own).
    CACHE_SIZE = 100_000

    def __init__(self) -> None:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        self._lemmatizer: Any = None
        self._columns = [ORTH, POS, MORPH, LEMMA]
        self._lemma = [LEMMA]
        self._cache: dict[tuple[int, int, int], int] = {}

    def bind(self, lemmatizer: Any) -> None:
        if not lemmatizer._validated:
            # spaCy's own check of the lookup tables, with its error (E1004) when one is
            # missing, which its component makes on the first document.
            lemmatizer._validate_tables()
        self._lemmatizer = lemmatizer
        self._cache.clear()

    def __call__(self, doc: Any) -> Any:
        # The cache holds string-store keys: the lemmas stay in the vocabulary's string
        # store (detente does not process documents in spaCy memory zones, which free them).
        lemmatizer = self._lemmatizer
        if lemmatizer is None:
            raise RuntimeError("CachedLemmatizer used before bind()")
        array = doc.to_array(self._columns)
        lemmas = array[:, 3].copy()
        cache = self._cache
        strings = doc.vocab.strings
        overwrite = lemmatizer.overwrite
        for i, (orth, pos, morph, lemma) in enumerate(array.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            known = cache.get(key)
            if known is None:
                if len(cache) >= self.CACHE_SIZE:
                    cache.clear()
                known = cache[key] = strings.add(lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = known
        doc.from_array(self._lemma, lemmas.reshape(-1, 1))
        return doc

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


def cacheable(component: Any) -> bool:
    """Whether ``component`` is a spaCy lemmatizer whose answers can be remembered: spaCy's
    own (or its English one, which only changes how a base form is recognised, from the
    same attributes); another subclass may read more of the token."""
    from spacy.lang.en.lemmatizer import EnglishLemmatizer
    from spacy.pipeline import Lemmatizer

    return type(component) in (Lemmatizer, EnglishLemmatizer) and (
        component.mode in CACHEABLE_MODES
    )


def register(name: str) -> None:
    """Make ``CachedLemmatizer`` a spaCy factory called ``name`` (once per process)."""
    from spacy.language import Language

    if not Language.has_factory(name):
        Language.factory(name)(_make_cached_lemmatizer)


def _make_cached_lemmatizer(nlp: Any, name: str) -> CachedLemmatizer:
    return CachedLemmatizer()
