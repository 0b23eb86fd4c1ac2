"""Language identification with lingua, over a closed set of languages (see Settings)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Below this many letters the detector is guessing; we would rather say "unknown".
MIN_LETTERS = 20
# A thousand characters identify a language reliably; more only costs time.
SAMPLE_CHARS = 1000


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]) -> Any:
    from lingua import Language, LanguageDetectorBuilder

    chosen = [getattr(Language, name) for name in languages if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*chosen).build()


def detect_language(text: str, languages: tuple[str, ...]) -> tuple[str | None, float | None]:
    """ISO 639-1 code and confidence of the text's language, or (None, None)."""
    sample = text[:SAMPLE_CHARS]
    if sum(map(str.isalpha, sample)) < MIN_LETTERS:
        return None, None
    # One pass over the sample: ``detect_language_of`` followed by
    # ``compute_language_confidence`` computed these values twice (ingest spent half its
    # time here). The language is the most likely one unless the first two tie, as
    # ``detect_language_of`` decides.
    values = _detector(tuple(languages)).compute_language_confidence_values(sample)
    if not values or (len(values) > 1 and values[0].value == values[1].value):
        return None, None
    top = values[0]
    return top.language.iso_code_639_1.name.lower(), round(float(top.value), 3)
