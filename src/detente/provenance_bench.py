"""``detente bench provenance``: copies with known transformations, and how many we find.

From a corpus (the sample corpus by default) every original article gets copies made the
ways copies are made in the wild: the same text elsewhere (exact), site chrome added or
paragraphs reordered (near), truncated after half its paragraphs (partial), run through a
word-for-word synonym table (spun; ``data/spinner_synonyms.yaml``), and paraphrased by rules
(rewrite; ``data/paraphrase_rules.yaml``). Different originals are negatives; pairs of
originals on the same topic (sharing names) and the corpus gold's ``hard_negatives`` are
reported separately: none may be linked.

Detection runs on one core through the same pure functions as the pipeline stage
(fingerprint, LSH look-up, comparison, insertion), timed per article.
"""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from . import provenance
from .clean import text_hash
from .data import load_yaml, sample_corpus_path
from .model import Article

Transform = Callable[[str], str]

CHROME_TOP = [
    "Home | World | Politics | Business | Sport",
    "Share on Facebook  Share on X  Share by email",
]
CHROME_BOTTOM = [
    "Subscribe to our newsletter for the stories that matter",
    "Tags: world, politics, conflict",
    "Copyright 2024 Daily Aggregator. All rights reserved.",
]


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def add_chrome(text: str) -> str:
    return "\n\n".join([*CHROME_TOP, *_paragraphs(text), *CHROME_BOTTOM])


def reorder(text: str) -> str:
    paras = _paragraphs(text)
    # Swap neighbouring paragraphs after the lead, as re-edited wire copies do.
    for i in range(1, len(paras) - 1, 2):
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
    return "\n\n".join(paras)


def truncate(text: str) -> str:
    paras = _paragraphs(text)
    keep = max(2, (len(paras) + 1) // 2)
    return "\n\n".join(paras[:keep] + ["Subscribe to read the rest of this article."])


def _match_case(word: str, replacement: str) -> str:
    if word.isupper() and len(word) > 1:
        return replacement.upper()
    if word[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def spin(text: str, table: dict[str, str] | None = None) -> str:
    synonyms = table or {str(k): str(v) for k, v in load_yaml("spinner_synonyms.yaml").items()}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, synonyms)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: _match_case(m.group(), synonyms[m.group().lower()]), text)


def paraphrase(text: str) -> str:
    rules = load_yaml("paraphrase_rules.yaml")
    front = re.compile(rules["front_clause"])
    substitutions = [(re.compile(a), b) for a, b in rules["substitutions"]]
    out = []
    for para in _paragraphs(text):
        sentences = re.split(r"(?<=[.!?])\s+", para.strip())
        rewritten = []
        for sentence in sentences:
            m = front.match(sentence)
            if m and not sentence.startswith(("\u201c", '"')):
                sentence = (
                    f"According to {m['who'].strip()}, {m['body'][:1].lower()}{m['body'][1:]}."
                )
            for pattern, repl in substitutions:
                sentence = pattern.sub(repl, sentence)
            rewritten.append(sentence)
        out.append(" ".join(rewritten))
    return "\n\n".join(out)


TRANSFORMS: dict[str, tuple[str, Transform]] = {
    "exact": ("exact", lambda t: t),
    "chrome added": ("near", add_chrome),
    "paragraphs reordered": ("near", reorder),
    "truncated": ("partial", truncate),
    "spun": ("spun", spin),
    "paraphrased": ("rewrite", paraphrase),
}


@dataclass(frozen=True)
class BenchCopy:
    article: Article
    root: int  # the original it was made from
    transform: str
    expected: str  # expected link type


def make_copies(originals: list[Article], start_id: int) -> list[BenchCopy]:
    copies = []
    next_id = start_id
    for original in originals:
        assert original.id is not None
        for name, (expected, transform) in TRANSFORMS.items():
            text = transform(original.text)
            if expected != "exact" and text_hash(text) == original.text_hash:
                continue  # the transformation found nothing to change (another language)
            article = replace(
                original,
                id=next_id,
                text=text,
                text_hash=text_hash(text),
                content_hash=f"bench-{next_id}",
                outlet="Bench Copy",
            )
            copies.append(BenchCopy(article, original.id, name, expected))
            next_id += 1
    return copies


def _gold_negatives(corpus: Path, by_key: dict[tuple[str, str | None], int]) -> list[set[int]]:
    gold_path = corpus / "gold.yaml"
    if not gold_path.exists():
        return []
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
    groups = []
    for negative in gold.get("hard_negatives") or []:
        ids = {by_key.get((i["file"], i.get("record"))) for i in negative.get("items", [])}
        if None not in ids and len(ids) > 1:
            groups.append({i for i in ids if i is not None})
    return groups


def _gold_copy_keys(corpus: Path) -> set[tuple[str, str | None]]:
    gold_path = corpus / "gold.yaml"
    if not gold_path.exists():
        return set()
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8")) or {}
    return {(c["file"], c.get("record")) for c in gold.get("copies") or []}


def load_corpus(corpus: Path, workdir: Path) -> tuple[list[Article], list[set[int]]]:
    """The corpus's articles (ingested and cleaned as usual), less known copies in its gold."""
    from .pipeline import ingest_inputs
    from .settings import Settings
    from .store import Store

    db = workdir / "bench-provenance.db"
    with Store(db) as store:
        report = ingest_inputs([str(corpus)], store, Settings(db=db, fetch_linked_pages=False))
        articles = store.load_articles(report.article_ids)
    by_key: dict[tuple[str, str | None], int] = {}
    for a in articles:
        assert a.id is not None
        path = a.source_path.split("#")[0]
        rel = str(Path(path).resolve().relative_to(corpus.resolve())) if corpus.is_dir() else path
        by_key[(rel, a.url)] = a.id
        by_key.setdefault((rel, None), a.id)
    drop = {by_key.get(k) for k in _gold_copy_keys(corpus)}
    seen_text: set[str] = set()
    originals = []
    for a in articles:
        if a.id in drop or a.text_hash in seen_text:
            continue
        seen_text.add(a.text_hash)
        originals.append(a)
    return originals, _gold_negatives(corpus, by_key)


def detect(articles: list[Article]) -> tuple[list[provenance.CopyLink], float]:
    """Index and look up every article in order; returns the links and the seconds taken."""
    provenance.clear_caches()
    index = provenance.CopyIndex()
    known: dict[int, tuple[provenance.Fingerprint, str]] = {}
    links = []
    started = time.perf_counter()
    for article in articles:
        fp = provenance.fingerprint(article)
        for candidate in index.candidates(fp):
            other, other_text = known[candidate]
            link = provenance.compare(fp, other, article.text, other_text)
            if link is not None:
                links.append(link)
        index.add(fp)
        assert article.id is not None
        known[article.id] = (fp, article.text)
    return links, time.perf_counter() - started


def _same_topic_pairs(originals: list[Article]) -> set[frozenset[int]]:
    """Pairs of different originals sharing at least five distinct names: same topic."""
    names = {}
    for a in originals:
        assert a.id is not None
        toks = provenance.tokens(a.text)
        names[a.id] = {t.norm for t in toks if t.capitalised and not t.sentence_initial}
    return {
        frozenset((x, y))
        for x, y in itertools.combinations(sorted(names), 2)
        if len(names[x] & names[y]) >= 5
    }


def run(corpus: Path | None = None, workdir: Path | None = None) -> dict[str, Any]:
    import tempfile

    corpus = corpus or sample_corpus_path()
    with tempfile.TemporaryDirectory() as tmp:
        originals, gold_negatives = load_corpus(corpus, workdir or Path(tmp))
    if not originals:
        raise ValueError(f"no articles found in {corpus}")
    start_id = max(a.id or 0 for a in originals) + 1
    copies = make_copies(originals, start_id)
    # Copies arrive after their originals, in an interleaved order, as a crawl would see them.
    articles = originals + [c.article for c in copies]
    links, seconds = detect(articles)
    root = {a.id: a.id for a in originals} | {c.article.id: c.root for c in copies}
    expected = {frozenset((c.article.id or 0, c.root)): c for c in copies}
    found: dict[frozenset[int], provenance.CopyLink] = {}
    for link in links:
        found.setdefault(frozenset((link.copy_id, link.origin_id)), link)

    per_type: dict[str, dict[str, Any]] = {}
    for link_type in provenance.LINK_TYPES:
        # A link between two copies of the same original is right too: they share an origin.
        predicted = [
            pair
            for pair, k in found.items()
            if k.link_type == link_type and len({root[i] for i in pair}) == 1
        ]
        wrong = [
            pair
            for pair, k in found.items()
            if k.link_type == link_type and len({root[i] for i in pair}) > 1
        ]
        truth = [pair for pair, c in expected.items() if c.expected == link_type]
        recalled = [pair for pair in truth if pair in found]
        typed = [pair for pair in recalled if found[pair].link_type == link_type]
        n_pred = len(predicted) + len(wrong)
        precision = len(predicted) / n_pred if n_pred else 1.0
        # Recall counts a copy found with the type it was made as; ``linked_recall`` counts
        # it found at all (the origin, and so the source count, is right either way).
        recall = len(typed) / len(truth) if truth else 1.0
        per_type[link_type] = {
            "expected": len(truth),
            "found": len(recalled),
            "found_with_this_type": len(typed),
            "predicted": n_pred,
            "false_links": len(wrong),
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "linked_recall": round(len(recalled) / len(truth), 4) if truth else 1.0,
            "f1": round(2 * precision * recall / (precision + recall), 4)
            if precision + recall
            else 0.0,
        }
    by_transform: dict[str, dict[str, Any]] = {}
    for name in TRANSFORMS:
        items = [c for c in copies if c.transform == name]
        pairs = [frozenset((c.article.id or 0, c.root)) for c in items]
        got = Counter(found[p].link_type if p in found else "missed" for p in pairs)
        by_transform[name] = {"n": len(items), "linked_as": dict(got)}
    same_topic = _same_topic_pairs(originals)
    for group in gold_negatives:
        same_topic |= {frozenset(p) for p in itertools.combinations(sorted(group), 2)}
    linked_negatives = sorted(tuple(sorted(p)) for p in same_topic if p in found)
    all_false = sum(1 for pair in found if len({root[i] for i in pair}) > 1)
    return {
        "corpus": str(corpus),
        "originals": len(originals),
        "copies": len(copies),
        "articles_indexed": len(articles),
        "per_link_type": per_type,
        "by_transform": by_transform,
        "hard_negative_pairs": len(same_topic),
        "hard_negative_pairs_linked": len(linked_negatives),
        "false_links_between_different_stories": all_false,
        "seconds": round(seconds, 4),
        "ms_per_article": round(seconds * 1000 / len(articles), 3),
        "articles_per_second": round(len(articles) / seconds, 1) if seconds else None,
    }
