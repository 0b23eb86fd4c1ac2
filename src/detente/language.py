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
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return None, None
    detector = _detector(tuple(languages))
    language = detector.detect_language_of(sample)
    if language is None:
        return None, None
    confidence = detector.compute_language_confidence(sample, language)
    return language.iso_code_639_1.name.lower(), round(float(confidence), 3)
