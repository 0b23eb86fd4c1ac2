"""Loading the spaCy pipeline once per process; the only place that imports spaCy models."""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any


class ModelNotInstalled(RuntimeError):
    pass


@lru_cache(maxsize=4)
def load_pipeline(model: str, disable: tuple[str, ...] = ()) -> Any:
    """The installed spaCy pipeline ``model`` (a package name; never downloaded).

    Packages published on PyPI expose ``load()``; ``spacy.load`` covers models installed
    any other way (a path or a linked package).
    """
    import spacy

    try:
        module = importlib.import_module(model)
    except ImportError:
        try:
            nlp = spacy.load(model, disable=list(disable))
        except OSError as exc:
            raise ModelNotInstalled(
                f"spaCy model {model!r} is not installed (set DETENTE_SPACY_MODEL or install "
                "the pinned package with `make install`)"
            ) from exc
    else:
        nlp = module.load(disable=list(disable))
    _enable_needed_embedders(nlp)
    return nlp


def _enable_needed_embedders(nlp: Any) -> None:
    """Re-enable a disabled shared embedder (``tok2vec``, ``transformer``) that an enabled
    component listens to.

    In the small English pipelines ``ner`` embeds tokens itself and the shared ``tok2vec``
    only feeds the tagger and parser, so stages that need only ``ner`` disable it (half the
    cost); in other pipelines ``ner`` may listen to it, and must then keep it.
    """
    for name in list(nlp.disabled):
        listeners = getattr(nlp.get_pipe(name), "listener_map", {})
        if any(component in nlp.pipe_names for component in listeners):
            nlp.enable_pipe(name)


@lru_cache(maxsize=4)
def load_tokenizer(model: str) -> Any:
    """Only the tokenizer of ``model``: about 75 times faster than the full pipeline."""
    return load_pipeline(model).tokenizer
