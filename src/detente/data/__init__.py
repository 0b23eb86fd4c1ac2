"""Data files shipped with detente (rules, dictionaries, the sample corpus)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


def data_path(name: str) -> Path:
    return Path(str(resources.files(__name__).joinpath(name)))


# libyaml's parser when PyYAML was built with it (same safe constructor, several times
# faster on the large verb and actor dictionaries).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def load_yaml(name: str) -> Any:
    with data_path(name).open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)


def sample_corpus_path() -> Path:
    return data_path("sample_corpus")
