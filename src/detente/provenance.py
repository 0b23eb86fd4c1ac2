"""Provenance: which articles are copies of which, and how each article was made.

Pure functions over plain dataclasses. The stage (``pipeline``) feeds stored articles in,
keeps a ``CopyIndex`` (MinHash LSH rebuilt once per run from the signatures ``store.py``
keeps) and writes the links and signals back.

Copy detection, cheapest test first:

- exact: same normalised text (``Article.text_hash``);
- near / partial: word 5-shingles; MinHash LSH proposes candidates, then the exact shingle
  sets decide: high Jaccard is a near duplicate, high *containment* of the smaller text in the
  larger is a partial copy (a truncated copy, or one wrapped in extra chrome);
- spun: synonym spinners keep names, numbers, function words and sentence order and swap
  content words, so shingles over the text's *skeleton* (function words, names, numbers)
  still match; an alignment of the two texts lists the substituted phrase pairs as evidence;
- rewrite: translated or re-edited versions share their names, numbers and dates *in the
  same order*; the longest common subsequence of those anchors decides.

Quality signals (0..1 each, with evidence): spun, machine_translated, content_farm.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, NamedTuple

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from .data import data_path, load_yaml
from .model import Article

VERSION = "2"  # 2: a spun pair is oriented by the rarity of its synonyms

LINK_TYPES = ("exact", "near", "partial", "spun", "rewrite")
NUM_PERM = 128
WORD_SHINGLE = 5
SKELETON_SHINGLE = 5
ANCHOR_SHINGLE = 2
# LSH thresholds are deliberately low: the LSH only proposes candidates, the exact
# comparison in ``compare`` decides.
LSH_THRESHOLD = 0.2

# Decision thresholds (measured with ``detente bench provenance``; see docs/evaluation.md).
NEAR_JACCARD = 0.75
PARTIAL_CONTAINMENT = 0.7
SPUN_SKELETON_CONTAINMENT = 0.5
SPUN_MAX_WORD_CONTAINMENT = 0.9
SAME_LENGTH_RATIO = 0.85
REWRITE_ANCHOR_ORDERED = 0.65
# Share of the shorter text's name/number bigrams ("Nikol Pashinyan", "1,960 peacekeepers"
# reduced to anchors) found in the other: same-topic stories share names, not their sequence.
REWRITE_ANCHOR_BIGRAMS = 0.65
REWRITE_MIN_ANCHORS = 10
# A quality signal at or above this is reported as a flag.
SIGNAL_THRESHOLD = 0.5

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|\w+(?:['’]\w+)*")
_SENTENCE_END = set('.!?\n"“”:;')
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}


@cache
def function_words() -> frozenset[str]:
    lines = data_path("function_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(1)
    a = rng.randint(1, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
    b = rng.randint(0, int(_MERSENNE), size=NUM_PERM, dtype=np.uint64)
    return a, b


# --- tokens, shingles, signatures ---------------------------------------------------------


class Token(NamedTuple):
    # A named tuple, not a dataclass: every article makes hundreds, and a tuple is built
    # several times faster.
    text: str  # as written
    norm: str  # lower-cased, apostrophes unified, digit groups joined
    start: int
    end: int
    capitalised: bool
    sentence_initial: bool


@lru_cache(maxsize=1 << 16)
def normalise_token(word: str) -> str:
    """Lower case, NFKC, one apostrophe, digit separators dropped ("1,960" -> "1960")."""
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word).replace("’", "'")
    word = word.lower()
    if word[:1].isdigit():
        word = word.replace(",", "")
    return word


def tokens(text: str) -> list[Token]:
    """The word tokens of a text. Copy detection tokenises the same text for its fingerprint
    and again for every alignment it takes part in, so recent texts are cached."""
    return list(_cached_tokens(text))


def clear_caches() -> None:
    """Forget cached tokenisations (benchmarks start cold)."""
    _cached_tokens.cache_clear()
    normalise_token.cache_clear()


@lru_cache(maxsize=512)
def _cached_tokens(text: str) -> tuple[Token, ...]:
    return tuple(_tokenise(text))


def _tokenise(text: str) -> list[Token]:
    result: list[Token] = []
    previous_end = 0
    initial = True
    for m in _TOKEN.finditer(text):
        word = m.group()
        start, end = m.span()
        # Sentence-initial: nothing but spaces and opening brackets/quotes since the last
        # sentence end (or the start of the text).
        if start > previous_end:
            gap = text[previous_end:start].rstrip(" \t\u00a0([‘'")
            if gap:
                initial = gap[-1] in _SENTENCE_END
            elif result:
                initial = False
        elif result:
            initial = False
        result.append(Token(word, normalise_token(word), start, end, word[:1].isupper(), initial))
        previous_end = end
    return result


def _token_hashes(words: Sequence[str]) -> np.ndarray:
    return np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words)
    )


def shingle_hashes(words: Sequence[str], k: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word k-grams (the whole text if shorter than k)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    h = _token_hashes(words)
    if len(words) < k:
        k = len(words)
    n = len(words) - k + 1
    acc = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        # Polynomial rolling combination, kept in 32 bits: stable across runs and platforms.
        acc = (acc * np.uint64(1000003) + h[j : j + n]) & _MAX_HASH
    return np.unique(acc.astype(np.uint32))


def paragraph_shingles(text: str, toks: Sequence[Token], k: int) -> np.ndarray:
    """Word k-shingles that never cross a paragraph break.

    A copy that moves, drops or adds whole paragraphs (or chrome lines) keeps every shingle of
    the paragraphs it kept, so containment measures what was copied, not how it was arranged.
    """
    breaks = [m.start() for m in re.finditer(r"\n", text)]
    parts: list[np.ndarray] = []
    current: list[str] = []
    b = 0
    for t in toks:
        crossed = False
        while b < len(breaks) and breaks[b] < t.start:
            b += 1
            crossed = True
        if crossed and current:
            parts.append(shingle_hashes(current, k))
            current = []
        current.append(t.norm)
    if current:
        parts.append(shingle_hashes(current, k))
    if not parts:
        return np.zeros(0, dtype=np.uint32)
    return np.unique(np.concatenate(parts))


def minhash_signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (NUM_PERM uint64 values) of a set of 32-bit hashes."""
    a, b = _permutations()
    if hashes.size == 0:
        return np.full(NUM_PERM, _MAX_HASH, dtype=np.uint64)
    hv = hashes.astype(np.uint64).reshape(-1, 1)
    phv = np.bitwise_and((hv * a + b) % _MERSENNE, _MAX_HASH)
    result: np.ndarray = phv.min(axis=0)
    return result


def skeleton(toks: Sequence[Token]) -> list[str]:
    """Function words, names and numbers in text order; other content words dropped."""
    fw = function_words()
    result = []
    for t in toks:
        if t.norm in _NUMBER_WORDS:
            result.append(_NUMBER_WORDS[t.norm])
        elif t.norm[:1].isdigit() or t.norm in fw or (t.capitalised and not t.sentence_initial):
            result.append(t.norm)
    return result


def anchors(toks: Sequence[Token]) -> list[str]:
    """Names and numbers in text order: what a translation or a rewrite keeps."""
    fw = function_words()
    result = []
    for t in toks:
        if t.norm[:1].isdigit():
            result.append(t.norm)
        elif t.capitalised and t.norm not in fw and (not t.sentence_initial or len(t.norm) > 3):
            # A capitalised sentence-initial word is kept only when it is not a short
            # function-like word; names open sentences often in news.
            result.append(t.norm)
    return result


@dataclass
class Fingerprint:
    """What copy detection keeps of an article (stored by the stage, reloaded per run)."""

    article_id: int
    text_hash: str
    n_words: int
    words: np.ndarray  # sorted unique word-shingle hashes (uint32)
    skeleton: np.ndarray  # sorted unique skeleton-shingle hashes (uint32)
    anchors: list[str]
    anchor_shingles: np.ndarray  # sorted unique anchor-bigram hashes (uint32)
    sig_words: np.ndarray
    sig_skeleton: np.ndarray
    sig_anchors: np.ndarray
    published: str | None = None


def fingerprint(article: Article) -> Fingerprint:
    if article.id is None:
        raise ValueError("article has no id")
    toks = tokens(article.text)
    words = [t.norm for t in toks]
    word_sh = paragraph_shingles(article.text, toks, WORD_SHINGLE)
    skel_sh = shingle_hashes(skeleton(toks), SKELETON_SHINGLE)
    anchor_seq = anchors(toks)
    anchor_sh = shingle_hashes(anchor_seq, ANCHOR_SHINGLE)
    return Fingerprint(
        article_id=article.id,
        text_hash=article.text_hash,
        n_words=len(words),
        words=word_sh,
        skeleton=skel_sh,
        anchors=anchor_seq,
        anchor_shingles=anchor_sh,
        sig_words=minhash_signature(word_sh),
        sig_skeleton=minhash_signature(skel_sh),
        sig_anchors=minhash_signature(anchor_sh),
        published=article.published.window_start or article.published.date,
    )


# --- the index ----------------------------------------------------------------------------


class CopyIndex:
    """In-memory LSH over the stored signatures: add articles, ask for candidates.

    Built once per run from the signatures the store keeps, so adding an article costs one
    signature and a few band look-ups, never a rescan of the corpus.
    """

    def __init__(self) -> None:
        self._lsh = {
            kind: MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
            for kind in ("words", "skeleton", "anchors")
        }
        self.by_text_hash: dict[str, int] = {}
        self.ids: set[int] = set()
        # The three signatures of each indexed article, one row each (3 x NUM_PERM values,
        # which fit 32 bits), to rank a long candidate list without loading fingerprints.
        self._signature_rows = np.zeros((1024, 3 * NUM_PERM), dtype=np.uint32)
        self._n_rows = 0
        # Each article's row, in an array indexed by article id: thousands looked up at once.
        self._row_by_id = np.full(1024, -1, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, fp: Fingerprint) -> None:
        if fp.article_id in self.ids:
            return
        self.ids.add(fp.article_id)
        self.by_text_hash.setdefault(fp.text_hash, fp.article_id)
        if not fp.n_words:
            return
        for kind, sig in self._signatures(fp):
            self._lsh[kind].insert(
                fp.article_id, LeanMinHash(seed=1, hashvalues=sig, scheme="legacy")
            )
        row = self._n_rows
        self._n_rows += 1
        if row == len(self._signature_rows):
            self._signature_rows = np.concatenate(
                (self._signature_rows, np.zeros_like(self._signature_rows))
            )
        self._signature_rows[row] = _signature_block(fp)
        if fp.article_id >= len(self._row_by_id):
            grown = np.full(max(2 * len(self._row_by_id), fp.article_id + 1), -1, dtype=np.int64)
            grown[: len(self._row_by_id)] = self._row_by_id
            self._row_by_id = grown
        self._row_by_id[fp.article_id] = row

    def candidates(self, fp: Fingerprint, limit: int | None = None) -> set[int]:
        """Indexed articles that may be copies of ``fp`` (or it of them): the one with the
        same text, and the LSH candidates; beyond ``limit`` of them, the ``limit`` whose
        MinHash estimate (best of the three signatures) is highest."""
        found: set[int] = set()
        if fp.n_words:
            for kind, sig in self._signatures(fp):
                found.update(_lsh_query(self._lsh[kind], sig))
        found.discard(fp.article_id)
        if limit is not None and len(found) > limit:
            found = self._most_similar(fp, found, limit)
        same = self.by_text_hash.get(fp.text_hash)
        if same is not None and same != fp.article_id:
            found.add(same)
        return found

    def _most_similar(self, fp: Fingerprint, found: set[int], limit: int) -> set[int]:
        """The ``limit`` of ``found`` whose best MinHash estimate is highest."""
        # Sorted: ties resolve the same way on every run.
        ids = np.sort(np.fromiter(found, dtype=np.int64, count=len(found)))
        rows = np.take(self._signature_rows, self._row_by_id[ids], axis=0)
        estimates = _estimates(rows == _signature_block(fp))
        # A stable sort on the negated estimate keeps the lower id first among equals.
        best = np.argsort(-estimates, kind="stable")[:limit]
        return {int(i) for i in ids[best]}

    @staticmethod
    def _signatures(fp: Fingerprint) -> list[tuple[str, np.ndarray]]:
        return [
            ("words", fp.sig_words),
            ("skeleton", fp.sig_skeleton),
            ("anchors", fp.sig_anchors),
        ]


def _lsh_query(lsh: MinHashLSH, signature: np.ndarray) -> set[int]:
    """``lsh.query``'s keys, gathered a band's bucket at a time: ``query`` adds them to its
    set one by one, which took most of a lookup when thousands share a bucket."""
    hashvalues = LeanMinHash(seed=1, hashvalues=signature, scheme="legacy").hashvalues
    found: set[int] = set()
    for (start, end), table in zip(lsh.hashranges, lsh.hashtables, strict=True):
        found.update(table.get(lsh._H(hashvalues[start:end])))
    return found


def _signature_block(fp: Fingerprint) -> np.ndarray:
    return np.concatenate([fp.sig_words, fp.sig_skeleton, fp.sig_anchors]).astype(np.uint32)


def _estimates(equal: np.ndarray) -> np.ndarray:
    """Per candidate row of ``equal`` (its signature block's values equal to the query's),
    the most equal values among its three signatures. Counted as set bits: summing a short
    last axis of flags cost numpy more than packing them (ranking thousands of candidates
    per article took a third of copy detection over 10,000 synthetic articles)."""
    if NUM_PERM % 64:
        # The bits of one signature must fill whole 64-bit words to be counted apart.
        return np.asarray(equal.reshape(len(equal), 3, NUM_PERM).sum(axis=2).max(axis=1))
    words = np.packbits(equal, axis=1).view(np.uint64).reshape(len(equal), 3, -1)
    counts = np.bitwise_count(words).sum(axis=2, dtype=np.int32)
    return np.asarray(counts.max(axis=1))


# --- pairwise comparison ------------------------------------------------------------------


@dataclass(frozen=True)
class CopyLink:
    """``copy_id`` is a copy of (or shares its origin with) ``origin_id``."""

    copy_id: int
    origin_id: int
    link_type: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


def _overlap(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted hash sets."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    # Both are sorted and unique: a stable sort of the two concatenated is one merge of two
    # runs (timsort), and every shared value is a pair of equal neighbours. Several times
    # cheaper than ``np.intersect1d``, and copy detection compares many pairs.
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    inter = int(np.count_nonzero(both[1:] == both[:-1]))
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


def ordered_overlap(a: Sequence[str], b: Sequence[str]) -> tuple[float, int]:
    """Share of the shorter sequence found in the same order in the other (LCS), and its size."""
    if not a or not b:
        return 0.0, 0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return matched / min(len(a), len(b)), matched


# A text, or a function that fetches it: most pairs are decided without reading the texts.
TextSource = str | Callable[[], str] | None


def _text(source: TextSource) -> str | None:
    return source() if callable(source) else source


def compare(
    new: Fingerprint,
    other: Fingerprint,
    new_text: TextSource = None,
    other_text: TextSource = None,
) -> CopyLink | None:
    """The copy link between two articles, or ``None``. ``copy_id`` is ``new``'s id; the
    stage reorients links once it has chosen each group's origin. The texts (or functions
    giving them) are read only for a possible spun copy."""
    if new.text_hash == other.text_hash:
        return CopyLink(new.article_id, other.article_id, "exact", 1.0, {"same_text_hash": True})
    jaccard, containment = _overlap(new.words, other.words)
    length_ratio = min(new.n_words, other.n_words) / max(new.n_words, other.n_words, 1)
    measured: dict[str, float] = {
        "word_jaccard": jaccard,
        "word_containment": containment,
        "length_ratio": length_ratio,
    }
    if jaccard >= NEAR_JACCARD:
        return CopyLink(
            new.article_id, other.article_id, "near", round(jaccard, 3), _rounded(measured)
        )
    # A copy holding only part of the other (truncated, or padded with much else) is partial;
    # one of the same length whose words differ is checked for spinning first.
    if containment >= PARTIAL_CONTAINMENT and length_ratio < SAME_LENGTH_RATIO:
        return _partial(new, other, containment, _rounded(measured))
    _, skel_containment = _overlap(new.skeleton, other.skeleton)
    measured["skeleton_containment"] = skel_containment
    if skel_containment >= SPUN_SKELETON_CONTAINMENT and containment < SPUN_MAX_WORD_CONTAINMENT:
        texts = (_text(new_text), _text(other_text))
        pairs = substitutions(texts[0], texts[1]) if texts[0] and texts[1] else []
        if len(pairs) >= 3:
            evidence = _rounded(measured)
            evidence["substitutions"] = [[a, b] for a, b in pairs[:40]]
            evidence["n_substitutions"] = len(pairs)
            return CopyLink(
                new.article_id, other.article_id, "spun", round(skel_containment, 3), evidence
            )
    if containment >= PARTIAL_CONTAINMENT:
        return _partial(new, other, containment, _rounded(measured))
    _, bigrams = _overlap(new.anchor_shingles, other.anchor_shingles)
    if bigrams < REWRITE_ANCHOR_BIGRAMS:
        return None
    measured["anchor_bigrams"] = bigrams
    ordered, matched = ordered_overlap(new.anchors, other.anchors)
    if ordered >= REWRITE_ANCHOR_ORDERED and matched >= REWRITE_MIN_ANCHORS:
        evidence = _rounded(measured)
        evidence["anchors_in_order"] = round(ordered, 3)
        evidence["anchors_matched"] = matched
        shared_numbers = sorted(
            set(a for a in new.anchors if a[:1].isdigit())
            & set(a for a in other.anchors if a[:1].isdigit())
        )
        evidence["shared_numbers"] = shared_numbers[:20]
        return CopyLink(new.article_id, other.article_id, "rewrite", round(ordered, 3), evidence)
    return None


def _rounded(measured: dict[str, float]) -> dict[str, Any]:
    """The evidence of a link: its measures to three decimals (rounded only for a link,
    since most compared pairs are none)."""
    return {name: round(value, 3) for name, value in measured.items()}


def _partial(
    new: Fingerprint, other: Fingerprint, containment: float, evidence: dict[str, Any]
) -> CopyLink:
    evidence["shorter"] = "copy" if new.words.size <= other.words.size else "origin"
    return CopyLink(new.article_id, other.article_id, "partial", round(containment, 3), evidence)


def substitutions(copy_text: str, origin_text: str, max_len: int = 4) -> list[tuple[str, str]]:
    """Phrase pairs (copy phrase, origin phrase) where an aligned copy swaps short spans.

    A substituted span is widened over the unchanged capitalised words around it, so that a
    damaged name or collocation reads whole ("Russian Overseas Ministry" ~ "Russian Foreign
    Ministry", "Lachin hall" ~ "Lachin corridor").
    """
    a, b = tokens(copy_text), tokens(origin_text)
    matcher = difflib.SequenceMatcher(None, [t.norm for t in a], [t.norm for t in b], False)
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "replace" or i2 - i1 > max_len or j2 - j1 > max_len:
            continue
        # Widen over capitalised neighbours present in both texts (the rest of a name).
        # A name before the swap is kept too: "Lachin hall" ~ "Lachin corridor".
        while (
            i1 > 0
            and j1 > 0
            and a[i1 - 1].capitalised
            and a[i1 - 1].norm == b[j1 - 1].norm
            and a[i1 - 1].norm not in function_words()
            and not a[i1].sentence_initial
        ):
            i1, j1 = i1 - 1, j1 - 1
        if a[i2 - 1].capitalised or b[j2 - 1].capitalised:
            while (
                i2 < len(a)
                and j2 < len(b)
                and a[i2].capitalised
                and a[i2].norm == b[j2].norm
                and not a[i2].sentence_initial
            ):
                i2, j2 = i2 + 1, j2 + 1
        left = copy_text[a[i1].start : a[i2 - 1].end]
        right = origin_text[b[j1].start : b[j2 - 1].end]
        if left.lower() == right.lower():
            continue
        key = (left, right)
        if key not in seen:
            seen.add(key)
            pairs.append(key)
    return pairs


# Which side of a spun pair did the spinning. Spinners swap common words for rarer
# synonyms ("agreed" -> "concurred", "violence" -> "brutality"): the side whose substituted
# words are rarer on average (Zipf scale: log10 of occurrences per billion words; wordfreq's
# English list) is the copy. Too few substitutions, or too small a difference, decide nothing.
SPUN_SIDE_MIN_PAIRS = 3
SPUN_SIDE_MARGIN = 0.2  # Zipf units: a factor of about 1.6 in frequency


def spun_side(link: CopyLink) -> int | None:
    """The article of a spun link that swapped in the rarer words, or None if unclear."""
    pairs = link.evidence.get("substitutions") or []
    copy_words: list[str] = []
    origin_words: list[str] = []
    stop = function_words()
    for copy_phrase, origin_phrase in pairs:
        a = set(re.findall(r"[^\W\d_]+", str(copy_phrase).lower())) - stop
        b = set(re.findall(r"[^\W\d_]+", str(origin_phrase).lower())) - stop
        copy_words.extend(a - b)
        origin_words.extend(b - a)
    if len(pairs) < SPUN_SIDE_MIN_PAIRS or not copy_words or not origin_words:
        return None
    copy_zipf = _mean_zipf(copy_words)
    origin_zipf = _mean_zipf(origin_words)
    if origin_zipf - copy_zipf >= SPUN_SIDE_MARGIN:
        return link.copy_id
    if copy_zipf - origin_zipf >= SPUN_SIDE_MARGIN:
        return link.origin_id
    return None


def _mean_zipf(words: Sequence[str]) -> float:
    from wordfreq import zipf_frequency

    return sum(zipf_frequency(w, "en") for w in words) / len(words)


# --- canonical origin ---------------------------------------------------------------------


@dataclass(frozen=True)
class OriginCandidate:
    article_id: int
    published: str | None
    n_chars: int
    spun: float
    machine_translated: float


def origin_rank(c: OriginCandidate) -> tuple[bool, str, int, int]:
    """Sort key: not spun/translated first, then earliest publication, longest, lowest id."""
    derived = max(c.spun, c.machine_translated) >= SIGNAL_THRESHOLD
    return (derived, c.published or "9999", -c.n_chars, c.article_id)


def choose_origin(members: Iterable[OriginCandidate]) -> tuple[int, str]:
    """The canonical origin of a copy group and the reasoning, in words."""
    ranked = sorted(members, key=origin_rank)
    best = ranked[0]
    if len(ranked) == 1:
        return best.article_id, "no copies found"
    reasons = []
    derived = [c for c in ranked if max(c.spun, c.machine_translated) >= SIGNAL_THRESHOLD]
    if derived and best not in derived:
        reasons.append(f"not spun or machine-translated ({len(derived)} members are)")
    dated = sorted(c.published for c in ranked if c.published)
    if not dated:
        reasons.append("no member has a publication date")
    elif best.published == dated[0]:
        reasons.append(f"earliest publication ({best.published})")
    else:
        reasons.append(f"published {best.published or 'unknown'} (earliest member {dated[0]})")
    longest = max(c.n_chars for c in ranked)
    if best.n_chars == longest:
        reasons.append(f"most complete text ({best.n_chars} characters)")
    else:
        reasons.append(f"{best.n_chars} characters (longest member has {longest})")
    reasons.append(f"group of {len(ranked)}")
    return best.article_id, "; ".join(reasons)


def copy_groups(article_ids: Iterable[int], links: Iterable[tuple[int, int]]) -> list[set[int]]:
    """Connected components of the link graph (union-find)."""
    parent: dict[int, int] = {i: i for i in article_ids}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, set[int]] = {}
    for x in list(parent):
        groups.setdefault(find(x), set()).add(x)
    return list(groups.values())


# --- quality signals ----------------------------------------------------------------------


@dataclass(frozen=True)
class Signal:
    score: float
    evidence: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class QualitySignals:
    spun: Signal
    machine_translated: Signal
    content_farm: Signal


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    weight: float
    scope: str = "text"  # text, or raw (looked for in the raw input)


@dataclass(frozen=True)
class SignalRules:
    spun_phrases: dict[str, str]
    spun_phrase_pattern: re.Pattern[str]
    spun_patterns: tuple[_Rule, ...]
    translation_debris: tuple[_Rule, ...]
    translation_calques: tuple[_Rule, ...]
    farm_navigation: _Rule
    farm_byline: _Rule
    farm_comment: _Rule
    unrelated_headline_weight: float
    unrelated_headline_reasons: frozenset[str]
    max_unrelated_headlines: int


def _rules(entries: Iterable[dict[str, Any]], flags: int = 0) -> tuple[_Rule, ...]:
    return tuple(
        _Rule(
            e["name"],
            re.compile(e["regex"], flags),
            float(e.get("weight", 1.0)),
            str(e.get("scope", "text")),
        )
        for e in entries
    )


@cache
def signal_rules() -> SignalRules:
    data = load_yaml("provenance_signals.yaml")
    phrases = {str(k).lower(): str(v) for k, v in data["spun_phrases"].items()}
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    farm = data["content_farm"]

    def one(name: str, entry: dict[str, Any], flags: int = 0) -> _Rule:
        return _Rule(name, re.compile(entry["regex"], flags), float(entry["weight"]))

    return SignalRules(
        spun_phrases=phrases,
        spun_phrase_pattern=re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE),
        spun_patterns=_rules(data["spun_patterns"]),
        translation_debris=_rules(data["translation_debris"], re.MULTILINE),
        translation_calques=_rules(data["translation_calques"]),
        farm_navigation=one("previous/next post navigation", farm["navigation"], re.IGNORECASE),
        farm_byline=one("anonymous byline", farm["anonymous_byline"], re.IGNORECASE),
        farm_comment=one("comment prompt", farm["comment_prompt"], re.IGNORECASE),
        unrelated_headline_weight=float(farm["unrelated_headline_weight"]),
        unrelated_headline_reasons=frozenset(farm["unrelated_headline_reasons"]),
        max_unrelated_headlines=int(farm["max_unrelated_headlines"]),
    )


def _saturate(weight: float, scale: float) -> float:
    """Map accumulated evidence weight to 0..1: each ``scale`` of weight closes ~63% of the gap."""
    return round(1.0 - math.exp(-weight / scale), 3) if weight > 0 else 0.0


def spun_signal(text: str, raw: str | None = None, rules: SignalRules | None = None) -> Signal:
    """Unnatural substitutions in fixed expressions: a spinner's fingerprints, per 1000 words.

    ``raw`` (the input as it came) is searched for damage the cleaner repairs (entities).
    """
    r = rules or signal_rules()
    evidence: list[str] = []
    weight = 0.0
    for m in r.spun_phrase_pattern.finditer(text):
        original = r.spun_phrases.get(m.group().lower(), "")
        evidence.append(f"{m.group()} ~ {original}")
        weight += 1.0
    for rule in r.spun_patterns:
        source = text if rule.scope == "text" else (raw or "")
        for m in rule.pattern.finditer(source):
            evidence.append(f"{m.group().strip()} ({rule.name})")
            weight += rule.weight
    n_words = max(len(_TOKEN.findall(text)), 1)
    # Density, not count: a long genuine article may trip one rule by chance.
    density = weight * 1000.0 / max(n_words, 300)
    return Signal(_saturate(density, 3.0), list(dict.fromkeys(evidence)))


def machine_translation_signal(
    text: str, removed_lines: Sequence[tuple[str, str]], rules: SignalRules | None = None
) -> Signal:
    r = rules or signal_rules()
    evidence: list[str] = []
    weight = 0.0
    removed_text = "\n".join(line for line, _ in removed_lines)
    for rule in r.translation_debris:
        for source, where in ((removed_text, "removed line"), (text, "text")):
            for m in rule.pattern.finditer(source):
                evidence.append(f"{rule.name} ({where}): {m.group().strip()}")
                weight += rule.weight
    calque_weight = 0.0
    for rule in r.translation_calques:
        for m in rule.pattern.finditer(text):
            evidence.append(f"{rule.name}: {m.group().strip()}")
            calque_weight += rule.weight
    # Calques are weak alone: they count at most as much as one piece of translated debris.
    weight += min(calque_weight, 1.5)
    return Signal(_saturate(weight, 1.5), list(dict.fromkeys(evidence)))


def content_farm_signal(
    text: str,
    removed_lines: Sequence[tuple[str, str]],
    author: str | None,
    rules: SignalRules | None = None,
) -> Signal:
    r = rules or signal_rules()
    evidence: list[str] = []
    weight = 0.0
    names = {t.norm for t in tokens(text) if t.capitalised}
    unrelated = 0
    lines = list(removed_lines)
    if author:
        lines.append((author, "author"))
    counted: set[str] = set()
    for line, reason in lines:
        stripped = line.strip()
        for rule in (r.farm_navigation, r.farm_byline, r.farm_comment):
            if rule.pattern.search(stripped):
                evidence.append(f"{rule.name}: {stripped}")
                # A site template feature counts once, however many of its lines it leaves.
                if rule.name not in counted or rule is r.farm_navigation:
                    weight += rule.weight
                counted.add(rule.name)
                break
        else:
            if reason in r.unrelated_headline_reasons:
                own = {t.norm for t in tokens(stripped) if t.capitalised and not t.sentence_initial}
                first = tokens(stripped)[:1]
                own |= {t.norm for t in first if t.norm in names}
                if not (own & names) and unrelated < r.max_unrelated_headlines:
                    unrelated += 1
                    evidence.append(f"unrelated related-link headline: {stripped}")
                    weight += r.unrelated_headline_weight
    return Signal(_saturate(weight, 1.5), list(dict.fromkeys(evidence)))


def quality_signals(
    article: Article,
    removed_lines: Sequence[tuple[str, str]],
    raw: str | None = None,
    rules: SignalRules | None = None,
) -> QualitySignals:
    """The three signals of one article; ``removed_lines`` are (line, reason) pairs."""
    r = rules or signal_rules()
    return QualitySignals(
        spun=spun_signal(article.text, raw, r),
        machine_translated=machine_translation_signal(article.text, removed_lines, r),
        content_farm=content_farm_signal(article.text, removed_lines, article.author, r),
    )


def spun_from_link(link: CopyLink, copy_words: int) -> Signal:
    """A spun copy's own spinning score from its alignment with the origin."""
    n = int(link.evidence.get("n_substitutions", 0))
    pairs = [f"{a} ~ {b}" for a, b in link.evidence.get("substitutions", [])]
    # Spinners swap around one content word in ten or more; 3 substitutions per 100 words is
    # already far beyond copy-editing.
    density = n * 100.0 / max(copy_words, 1)
    return Signal(_saturate(density, 3.0), pairs)


def merge_signals(a: Signal, b: Signal) -> Signal:
    return Signal(max(a.score, b.score), list(dict.fromkeys([*a.evidence, *b.evidence])))


# --- storage form -------------------------------------------------------------------------


def fingerprint_row(fp: Fingerprint) -> dict[str, Any]:
    """A fingerprint as the store keeps it (arrays as little-endian bytes, anchors as text)."""
    return {
        "article_id": fp.article_id,
        "n_words": fp.n_words,
        "word_shingles": fp.words.astype("<u4").tobytes(),
        "skeleton_shingles": fp.skeleton.astype("<u4").tobytes(),
        "anchors": "\n".join(fp.anchors),
        "sig_words": fp.sig_words.astype("<u8").tobytes(),
        "sig_skeleton": fp.sig_skeleton.astype("<u8").tobytes(),
        "sig_anchors": fp.sig_anchors.astype("<u8").tobytes(),
    }


def fingerprint_from_row(row: dict[str, Any]) -> Fingerprint:
    """Inverse of ``fingerprint_row``; rows without shingle sets give signatures only."""

    def u4(key: str) -> np.ndarray:
        data = row.get(key)
        return (
            np.frombuffer(data, dtype="<u4").astype(np.uint32) if data else np.zeros(0, np.uint32)
        )

    anchors_text = row.get("anchors") or ""
    anchor_seq = anchors_text.split("\n") if anchors_text else []
    return Fingerprint(
        article_id=int(row["article_id"]),
        text_hash=str(row["text_hash"]),
        n_words=int(row["n_words"]),
        words=u4("word_shingles"),
        skeleton=u4("skeleton_shingles"),
        anchors=anchor_seq,
        anchor_shingles=shingle_hashes(anchor_seq, ANCHOR_SHINGLE),
        sig_words=np.frombuffer(row["sig_words"], dtype="<u8").astype(np.uint64),
        sig_skeleton=np.frombuffer(row["sig_skeleton"], dtype="<u8").astype(np.uint64),
        sig_anchors=np.frombuffer(row["sig_anchors"], dtype="<u8").astype(np.uint64),
        published=row.get("published"),
    )


def orient(link: CopyLink, ranks: dict[int, tuple[bool, str, int, int]], origin: int) -> CopyLink:
    """Point a link from the copy to the better-ranked side (the group's origin if present)."""
    a, b = link.copy_id, link.origin_id
    if a == origin or (b != origin and ranks[a] < ranks[b]):
        a, b = b, a
    if (a, b) == (link.copy_id, link.origin_id):
        return link
    evidence = dict(link.evidence)
    if "substitutions" in evidence:
        evidence["substitutions"] = [[y, x] for x, y in evidence["substitutions"]]
    if evidence.get("shorter") in ("copy", "origin"):
        evidence["shorter"] = "origin" if evidence["shorter"] == "copy" else "copy"
    return CopyLink(a, b, link.link_type, link.score, evidence)
