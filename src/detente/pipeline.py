"""Wiring: inputs -> sources -> ingest -> clean -> store. The library API the CLI calls."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

from . import analysis, clean, ingest, provenance
from .model import Article, Blob, IngestError, RawDocument, Sentence
from .settings import Settings
from .sources import Fetcher, InputRef, expand_inputs, iter_blobs
from .store import Store

Progress = Callable[[str, int], None]


@dataclass
class IngestReport:
    run_id: int
    n_inputs: int = 0
    n_documents: int = 0
    n_new: int = 0
    n_known: int = 0
    errors: list[IngestError] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    # Files met while walking a directory that are not news inputs (README, images).
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def ingest_inputs(
    inputs: list[str],
    store: Store,
    settings: Settings,
    progress: Progress | None = None,
    fetcher: Fetcher | None = None,
) -> IngestReport:
    """Ingest paths, globs, directories and URLs into ``store``.

    Every bad input becomes an ``IngestError`` (also stored) and the batch goes on. Each
    batch of articles is written in one transaction, so a crash never leaves half an article.
    With ``settings.workers`` > 1, batches are cleaned (HTML extraction, boilerplate removal,
    language identification) in that many worker processes while this one reads the inputs
    and writes; each batch is cleaned against the site evidence of the batches before it
    and of itself, as with one process.
    """
    skipped: list[str] = []
    refs, errors = expand_inputs(inputs, settings, ingest.supported_name, skipped)
    run_id = store.start_run(inputs)
    report = IngestReport(run_id=run_id, n_inputs=len(refs), skipped=skipped)
    store.add_errors(run_id, errors)
    report.errors.extend(errors)
    if progress:
        progress("start", len(refs))
    own_fetcher = fetcher is None and any("://" in r.location for r in refs)
    if own_fetcher or (fetcher is None and settings.fetch_linked_pages):
        fetcher = Fetcher(settings)
    workers = settings.workers if "fork" in multiprocessing.get_all_start_methods() else 1
    if workers > 1:
        _preload_clean(settings)  # forked workers inherit the loaded language models
    try:
        batches = _document_batches(refs, settings, fetcher, store, report, progress)
        units = ((docs, _site_evidence(docs, store, settings)) for docs in batches)
        work = partial(_clean_work, settings=settings)
        for cleaned in _run_units(work, units, workers):
            _store_cleaned(cleaned, store, report)
    finally:
        if fetcher is not None:
            fetcher.close()
        store.finish_run(run_id, report.n_new, report.n_known, len(report.errors))
    return report


def _document_batches(
    refs: list[InputRef],
    settings: Settings,
    fetcher: Fetcher | None,
    store: Store,
    report: IngestReport,
    progress: Progress | None,
) -> Iterator[list[RawDocument]]:
    """The inputs' documents, ``settings.batch_size`` at a time; bad inputs are recorded."""
    pending: list[RawDocument] = []
    for item in iter_blobs(refs, settings, fetcher):
        if isinstance(item, IngestError):
            _record(store, report, [item])
        else:
            docs, errs = ingest.parse_blob(item, settings)
            _record(store, report, errs)
            pending.extend(_complete_feed_items(docs, settings, fetcher, store, report))
            if len(pending) >= settings.batch_size:
                yield pending
                pending = []
        if progress:
            progress("advance", 1)
    if pending:
        yield pending


def _record(store: Store, report: IngestReport, errors: list[IngestError]) -> None:
    if errors:
        store.add_errors(report.run_id, errors)
        report.errors.extend(errors)


def _complete_feed_items(
    docs: list[RawDocument],
    settings: Settings,
    fetcher: Fetcher | None,
    store: Store,
    report: IngestReport,
) -> Iterable[RawDocument]:
    """Feed items that carry only a summary get their linked page fetched."""
    for doc in docs:
        if doc.fetch_url is None or fetcher is None or not settings.fetch_linked_pages:
            yield doc
            continue
        page = fetcher.fetch(doc.fetch_url, doc.meta)
        if isinstance(page, IngestError):
            _record(store, report, [replace(page, reason=f"linked page: {page.reason}")])
            yield replace(doc, fetch_url=None)
            continue
        blob = Blob(doc.source, page.data, "page.html", page.content_type, page.url, doc.meta)
        fetched, errs = ingest.parse_html(blob, settings) if _is_html(page) else ([], [])
        if fetched:
            html_doc = fetched[0]
            yield replace(html_doc, format="feed", meta=doc.meta.merged_over(html_doc.meta))
        else:
            _record(store, report, errs)
            yield replace(doc, fetch_url=None)


def _is_html(blob: Blob) -> bool:
    return "html" in (blob.content_type or "") or blob.data.lstrip()[:1] == b"<"


# A cleaned document: its article, or why it has none.
Cleaned = Article | IngestError


def _clean_work(
    unit: tuple[list[RawDocument], clean.SiteEvidence], settings: Settings
) -> list[Cleaned]:
    """Each document of a batch cleaned (no store). Runs here or in a worker process."""
    docs, evidence = unit
    cleaned: list[Cleaned] = []
    for doc in docs:
        try:
            article = clean.clean_document(doc, evidence, settings)
        except Exception as exc:  # one broken document must not stop the batch
            cleaned.append(
                IngestError(
                    doc.source, f"could not clean document: {exc.__class__.__name__}: {exc}"
                )
            )
            continue
        if not article.text.strip():
            cleaned.append(IngestError(doc.source, "no article text found"))
        else:
            cleaned.append(article)
    return cleaned


def _store_cleaned(cleaned: list[Cleaned], store: Store, report: IngestReport) -> None:
    with store.transaction():
        for article in cleaned:
            report.n_documents += 1
            if isinstance(article, IngestError):
                _record(store, report, [article])
                continue
            article_id, created = store.add_article(article, report.run_id)
            report.article_ids.append(article_id)
            if created:
                report.n_new += 1
            else:
                report.n_known += 1


def _preload_clean(settings: Settings) -> None:
    from .language import detect_language

    detect_language("The language models load on the first detection.", settings.languages)


def _site_evidence(docs: list[RawDocument], store: Store, settings: Settings) -> clean.SiteEvidence:
    rows: list[tuple[str, str, str]] = []
    sites = set()
    for doc in docs:
        site, title_key, lines = clean.document_lines(doc)
        if site is None:
            continue
        sites.add(site)
        rows.extend((site, line, title_key) for line in lines)
    with store.transaction():
        store.add_site_lines(rows)
    return clean.SiteEvidence(store.site_line_counts(sites), settings.site_repeat_threshold)


# --- later stages -------------------------------------------------------------------------

# A stage takes the store, the settings and the ids of articles it has not yet processed
# (at its current version); it records what it did with ``store.mark_stage_done``. Stages
# run in this order because each may read what the previous ones stored.
Stage = Callable[[Store, Settings, list[int], Progress | None], None]


@dataclass(frozen=True)
class StageSpec:
    name: str
    version: str
    run: Stage


def run_events(
    store: Store, settings: Settings, article_ids: list[int], progress: Progress | None = None
) -> None:
    """The events stage: code every article's events, then regroup events across articles.

    Only sentences with a resolved actor and a trigger word are parsed, in batches over many
    articles (``nlp.pipe``); with ``settings.workers`` > 1, batches are parsed and coded in
    that many worker processes while this one writes. An article that fails is reported on
    standard error by id and reason, and the batch goes on.
    """
    import sys

    from . import events

    workers = _pool_size(settings, len(article_ids))
    if workers > 1:
        _preload_events(settings)  # forked workers inherit the loaded model and lexicon
    unit = _unit_size(settings, workers)
    batches = (
        _events_inputs(store, article_ids[start : start + unit])
        for start in range(0, len(article_ids), unit)
    )
    work = partial(_events_work, settings=settings)
    for chunk, (coded, failures) in _run_units(work, batches, workers):
        for message in failures:
            sys.stderr.write(message)
        with store.transaction():
            for article_id, found in coded:
                store.replace_events(article_id, found)
                store.mark_stage_done("events", events.CODER_VERSION, [article_id])
        if progress:
            progress("advance", chunk)
    regroup_events(store)


# An events work unit: (article, its sentences, its mentions) for each article to code.
EventInputs = list[tuple[Article, list[Sentence], list[Any]]]


def _events_inputs(store: Store, chunk: list[int]) -> tuple[int, EventInputs]:
    """(how many articles, the inputs of those the actor stage has split into sentences)."""
    inputs: EventInputs = []
    for article in store.load_articles(chunk):
        assert article.id is not None
        sentences = store.sentences(article.id)
        if sentences:  # articles the actor stage has not split are left pending
            inputs.append((article, sentences, store.mentions(article.id)))
    return len(chunk), inputs


def _events_work(
    unit: tuple[int, EventInputs], settings: Settings
) -> tuple[int, tuple[list[tuple[int, list[Any]]], list[str]]]:
    """The events of a unit of articles (no store): (article id, events) for each article
    coded, and an error line for each that failed. Runs here or in a worker process."""
    from . import events
    from .nlp import load_parser

    n, inputs = unit
    lexicon = events.dictionary()
    selected = [events.select_sentences(a, s, m, lexicon) for a, s, m in inputs]
    pairs = zip(inputs, selected, strict=True)
    texts = [a.text[s.start : s.end] for (a, _, _), sel in pairs for s in sel]
    # The parser is loaded only when something is worth parsing.
    nlp = load_parser(settings.spacy_model) if texts else None
    docs = iter(nlp.pipe(texts, batch_size=256)) if nlp is not None else iter([])
    coded: list[tuple[int, list[Any]]] = []
    failures: list[str] = []
    for (article, sentences, mentions), sel in zip(inputs, selected, strict=True):
        assert article.id is not None
        parsed = {s.index: next(docs) for s in sel}
        try:
            result = events.code_article(article, sentences, mentions, parsed, lexicon)
        except Exception as exc:  # one bad article must not stop the batch
            failures.append(
                f"error: events: article {article.id} ({article.source_path}): "
                f"{exc.__class__.__name__}: {exc}\n"
            )
            continue
        coded.append((article.id, result.events))
    return n, (coded, failures)


def _preload_events(settings: Settings) -> None:
    from . import events
    from .nlp import load_parser

    events.dictionary()
    load_parser(settings.spacy_model)


def regroup_events(store: Store) -> int:
    """Rebuild the cross-article event groups; returns how many groups there are."""
    from dataclasses import asdict

    from . import events

    stored = [
        events.StoredEvent(event_id, article_id, event, evidence)
        for event_id, article_id, event, evidence in store.events_for_grouping()
    ]
    origins = store.origin_ids({e.article_id for e in stored})
    groups = events.group_events(stored, origins)
    with store.transaction():
        store.replace_event_groups(asdict(g) for g in groups)
    return len(groups)


STAGE_ORDER = ("actors", "provenance", "events", "analysis")


def run_actors(
    store: Store, settings: Settings, article_ids: list[int], progress: Progress | None = None
) -> None:
    """Sentences and actor mentions for each article; the knowledge base loaded once.

    Only ``ner`` runs (see ``actors.UNUSED_COMPONENTS``): the stage needs no parse. With
    ``settings.workers`` > 1, batches are processed in that many worker processes while this
    one writes. One broken article is recorded as an error and skipped; the batch goes on.
    """
    from . import actors

    kb, _, _ = _actor_tools(settings)
    # The stored copy follows the data files (a few thousand rows: cheap to rewrite).
    with store.transaction():
        store.replace_actor_kb(*actors.kb_rows(kb))
    workers = _pool_size(settings, len(article_ids))
    unit = _unit_size(settings, workers)
    batches = (
        store.load_articles(article_ids[start : start + unit])
        for start in range(0, len(article_ids), unit)
    )
    work = partial(_actors_work, settings=settings)
    for n, (found, errors) in _run_units(work, batches, workers):
        with store.transaction():
            for article_id, sentences, mentions in found:
                store.replace_sentences(article_id, sentences)
                store.replace_mentions(article_id, mentions)
            store.mark_stage_done("actors", actors.VERSION, [a for a, _, _ in found])
            if errors:
                store.add_errors(None, errors)
        if progress:
            progress("advance", n)


def _actor_tools(settings: Settings) -> tuple[Any, Any, Any]:
    """(knowledge base, NER pipeline, matcher), each built once per process."""
    from . import actors
    from .actor_kb import load_knowledge_base
    from .nlp import load_pipeline

    kb = load_knowledge_base(settings.actor_dictionaries)
    nlp = load_pipeline(settings.spacy_model, actors.UNUSED_COMPONENTS)
    return kb, nlp, actors.matcher_for(kb, nlp)


def _actors_work(
    batch: list[Article], settings: Settings
) -> tuple[int, tuple[list[tuple[int, list[Sentence], list[Any]]], list[IngestError]]]:
    """Sentences and mentions of a batch of articles (no store), and an error for each
    article that failed. Runs here or in a worker process."""
    from . import actors
    from .sentences import split_sentences

    _, nlp, matcher = _actor_tools(settings)
    prepared: dict[int, tuple[list[Sentence], Any]] = {}
    errors: list[IngestError] = []
    ner_inputs: list[tuple[int, int, str]] = []  # article id, passage start, text
    for article in batch:
        assert article.id is not None
        try:
            sentences = split_sentences(article.text, article.spans)
            doc = nlp.make_doc(article.text)
            if article.text.strip() and actors.is_english(article):
                ner_inputs.extend(
                    (article.id, start, article.text[start:end])
                    for start, end in actors.entity_passages(doc, sentences, matcher)
                )
        except Exception as exc:  # one bad article must not stop the batch
            errors.append(_stage_error("actors", article, exc))
            continue
        prepared[article.id] = (sentences, doc)
    # NER runs on the passages where it can matter, many articles per batch.
    recognised: dict[int, list[tuple[int, Any]]] = {}
    texts = (text for _, _, text in ner_inputs)
    for (article_id, offset, _), sentence_doc in zip(
        ner_inputs, nlp.pipe(texts, batch_size=256), strict=True
    ):
        recognised.setdefault(article_id, []).append((offset, sentence_doc))
    found: list[tuple[int, list[Sentence], list[Any]]] = []
    for article in batch:
        assert article.id is not None
        if article.id not in prepared:
            continue
        sentences, doc = prepared[article.id]
        try:
            actors.add_entities(doc, recognised.get(article.id, []))
            mentions = actors.find_mentions(article, sentences, matcher, doc)
        except Exception as exc:  # one bad article must not stop the batch
            errors.append(_stage_error("actors", article, exc))
            continue
        found.append((article.id, sentences, mentions))
    return len(batch), (found, errors)


def _stage_error(stage: str, article: Article, exc: Exception) -> IngestError:
    return IngestError(
        f"article {article.id} ({article.source_path})",
        f"{stage} stage failed: {exc.__class__.__name__}: {exc}",
    )


# Below this many articles per process a worker costs more to start than it saves.
MIN_ARTICLES_PER_PROCESS = 50

U = TypeVar("U")
R = TypeVar("R")


def _pool_size(settings: Settings, n_articles: int) -> int:
    """Worker processes for a stage: ``settings.workers`` when there is enough work and this
    platform can fork (workers inherit the loaded model instead of loading it again)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(settings.workers, n_articles // MIN_ARTICLES_PER_PROCESS))


def _unit_size(settings: Settings, workers: int) -> int:
    """Articles per work unit: a batch, split between the workers so that all are busy."""
    return max(1, -(-settings.batch_size // workers))


def _run_units(work: Callable[[U], R], units: Iterable[U], workers: int) -> Iterator[R]:
    """``work`` over ``units``, results in order: in this process, or in a pool of
    ``workers`` forked processes kept for the whole stage, a few units ahead of the caller
    (who writes the results meanwhile). A unit whose worker died is redone here."""
    if workers <= 1:
        for unit in units:
            yield work(unit)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque[tuple[U, Future[R]]] = deque()
        for unit in units:
            pending.append((unit, pool.submit(work, unit)))
            if len(pending) > 2 * workers:
                yield _unit_result(work, *pending.popleft())
        while pending:
            yield _unit_result(work, *pending.popleft())


def _unit_result(work: Callable[[U], R], unit: U, future: Future[R]) -> R:
    try:
        return future.result()
    except BrokenProcessPool:  # a worker killed (out of memory, a crash in native code)
        return work(unit)


def stages() -> list[StageSpec]:
    """The analysis stages after ingestion, in order: actors, provenance, events, analysis."""
    from . import actors
    from .events import CODER_VERSION

    found: list[StageSpec] = [
        StageSpec("actors", actors.VERSION, run_actors),
        StageSpec("provenance", provenance.VERSION, run_provenance),
        StageSpec("events", CODER_VERSION, run_events),
        # Analysis reads what every other stage stored: it stays last.
        StageSpec(analysis.STAGE, analysis.VERSION, analysis.run),
    ]
    return sorted(found, key=lambda s: STAGE_ORDER.index(s.name))


# --- provenance -----------------------------------------------------------------------------


def run_provenance(
    store: Store, settings: Settings, article_ids: list[int], progress: Progress | None = None
) -> None:
    """Copy links, canonical origins and quality signals for ``article_ids``.

    The LSH index is rebuilt once from stored signatures; each new article is fingerprinted,
    looked up, compared with its few candidates and added: no rescan of the corpus. With
    ``settings.workers`` > 1, fingerprints and quality signals (each a function of one
    article) are computed in that many worker processes, while this one looks up, compares
    and writes, in article order.
    """
    with store.transaction():
        store.clear_provenance(article_ids)
    index = provenance.CopyIndex()
    for row in store.iter_fingerprints(signatures_only=True):
        index.add(provenance.fingerprint_from_row(row))
    done: list[int] = []
    # Fingerprints met in this run (computed, or loaded as a candidate): an article is a
    # candidate of many others, and reloading it means rebuilding its anchor shingles.
    seen: dict[int, provenance.Fingerprint] = {}
    workers = _pool_size(settings, len(article_ids))
    unit = _unit_size(settings, workers)
    units = (
        _provenance_inputs(store, article_ids[start : start + unit])
        for start in range(0, len(article_ids), unit)
    )
    for articles, prepared in _run_units(_provenance_work, units, workers):
        fresh: dict[int, tuple[provenance.Fingerprint, str]] = {}
        errors: list[IngestError] = []
        if len(seen) > SEEN_FINGERPRINTS:
            seen.clear()
        with store.transaction():
            for article, result in zip(articles, prepared, strict=True):
                assert article.id is not None
                if isinstance(result, str):
                    errors.append(_provenance_error(article, result))
                    continue
                fp, signals = result
                try:
                    links = _find_copies(
                        store, index, fp, article.text, fresh, seen, settings.copy_candidates
                    )
                except Exception as exc:  # one bad article must not stop the batch
                    errors.append(_provenance_error(article, f"{exc.__class__.__name__}: {exc}"))
                    continue
                index.add(fp)
                fresh[article.id] = (fp, article.text)
                seen[article.id] = fp
                store.save_fingerprints([provenance.fingerprint_row(fp)])
                store.save_signals([_signal_row(article.id, signals)])
                store.add_copy_links(
                    (k.copy_id, k.origin_id, k.link_type, k.score, k.evidence) for k in links
                )
                done.append(article.id)
            store.add_errors(None, errors)
            store.mark_stage_done(
                "provenance", provenance.VERSION, [a.id for a in articles if a.id]
            )
        if progress:
            progress("advance", len(articles))
    with store.transaction():
        _resolve_origins(store, done)


def _provenance_error(article: Article, reason: str) -> IngestError:
    return IngestError(
        f"article {article.id} ({article.source_path})", f"provenance failed: {reason}"
    )


# A provenance work unit: articles, each with its removed lines and raw input.
ProvenanceInputs = list[tuple[Article, list[tuple[str, str]], str | None]]
# An article's fingerprint and quality signals, or why they could not be computed.
Prepared = tuple[provenance.Fingerprint, provenance.QualitySignals] | str


def _provenance_inputs(store: Store, chunk: list[int]) -> ProvenanceInputs:
    removed = store.removed_lines(chunk)
    return [
        (article, removed.get(article.id or 0, []), store.raw(article.id or 0))
        for article in store.load_articles(chunk)
    ]


def _provenance_work(unit: ProvenanceInputs) -> tuple[list[Article], list[Prepared]]:
    """Each article's fingerprint and quality signals, or the reason they failed (no
    store). Runs here or in a worker process."""
    rules = provenance.signal_rules()
    prepared: list[Prepared] = []
    for article, removed, raw in unit:
        try:
            fp = provenance.fingerprint(article)
            prepared.append((fp, provenance.quality_signals(article, removed, raw, rules)))
        except Exception as exc:  # reported by the caller, with the article's id
            prepared.append(f"{exc.__class__.__name__}: {exc}")
    return [article for article, _, _ in unit], prepared


# How many fingerprints a provenance run keeps in memory (about 10 kB each).
SEEN_FINGERPRINTS = 50_000


def _find_copies(
    store: Store,
    index: provenance.CopyIndex,
    fp: provenance.Fingerprint,
    text: str,
    fresh: dict[int, tuple[provenance.Fingerprint, str]],
    seen: dict[int, provenance.Fingerprint],
    limit: int,
) -> list[provenance.CopyLink]:
    """Compare ``fp`` with its LSH candidates: this batch's articles first, then stored ones
    (by id). A stored candidate's text is read only if a comparison needs it."""
    candidates = index.candidates(fp, limit)
    if not candidates:
        return []
    known: list[tuple[provenance.Fingerprint, provenance.TextSource]] = [
        fresh[c] for c in candidates if c in fresh
    ]
    stored = sorted(c for c in candidates if c not in fresh)
    missing = [c for c in stored if c not in seen]
    for row in store.iter_fingerprints(missing):
        other = provenance.fingerprint_from_row(row)
        seen[other.article_id] = other
    for c in stored:
        if c in seen:
            known.append((seen[c], _stored_text(store, c)))
    links = []
    for other, other_text in known:
        link = provenance.compare(fp, other, text, other_text)
        if link is not None:
            links.append(link)
    return links


def _stored_text(store: Store, article_id: int) -> Callable[[], str]:
    return lambda: store.article_texts([article_id]).get(article_id, "")


def _signal_row(article_id: int, signals: provenance.QualitySignals) -> dict[str, object]:
    return {
        "article_id": article_id,
        "spun": signals.spun.score,
        "spun_evidence": signals.spun.evidence,
        "machine_translated": signals.machine_translated.score,
        "machine_translated_evidence": signals.machine_translated.evidence,
        "content_farm": signals.content_farm.score,
        "content_farm_evidence": signals.content_farm.evidence,
    }


def _resolve_origins(store: Store, article_ids: list[int]) -> None:
    """Choose each affected copy group's origin, orient its links, mark spun copies."""
    rows = store.copy_group_links(article_ids)
    links = [
        provenance.CopyLink(r["copy_id"], r["origin_id"], r["link_type"], r["score"], r["evidence"])
        for r in rows
    ]
    members = set(article_ids) | {i for k in links for i in (k.copy_id, k.origin_id)}
    facts = {
        f["id"]: provenance.OriginCandidate(
            f["id"], f["published"], f["n_chars"], f["spun"], f["machine_translated"]
        )
        for f in store.origin_facts(members)
    }
    words = {r["article_id"]: r["n_words"] for r in store.iter_fingerprints(members, True)}
    for k in links:
        # A spun pair whose synonyms show who spun ranks that side as derived, whatever its
        # length (spun text is often the longer).
        side = provenance.spun_side(k) if k.link_type == "spun" else None
        if side is not None and side in facts:
            spun = max(facts[side].spun, provenance.SIGNAL_THRESHOLD)
            facts[side] = replace(facts[side], spun=spun)
    ranks = {i: provenance.origin_rank(c) for i, c in facts.items()}
    origins: list[tuple[int, int, int, str]] = []
    for group in provenance.copy_groups(members, [(k.copy_id, k.origin_id) for k in links]):
        origin, reason = provenance.choose_origin(facts[i] for i in group if i in facts)
        origins.extend((i, origin, len(group), reason) for i in group)
        oriented = [provenance.orient(k, ranks, origin) for k in links if k.copy_id in group]
        store.add_copy_links(
            (k.copy_id, k.origin_id, k.link_type, k.score, k.evidence) for k in oriented
        )
        for k in oriented:
            if k.link_type == "spun":
                own = store.provenance(k.copy_id)
                base = provenance.Signal(own["spun"], own["spun_evidence"]) if own else None
                derived = provenance.spun_from_link(k, words.get(k.copy_id, 0))
                merged = provenance.merge_signals(base, derived) if base else derived
                store.update_spun(k.copy_id, merged.score, merged.evidence)
    store.set_origins(origins)


def process_articles(
    store: Store,
    settings: Settings,
    article_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Run every later stage on the articles (``None``: all) it has not yet processed.

    Safe to re-run: a stage skips articles already done at its version.
    """
    done: dict[str, int] = {}
    wanted = None if article_ids is None else list(article_ids)
    for spec in stages():
        pending = store.articles_pending(spec.name, spec.version, wanted)
        if pending:
            spec.run(store, settings, pending, progress)
        done[spec.name] = len(pending)
    return done


__all__ = ["IngestReport", "InputRef", "ingest_inputs", "process_articles", "stages"]
