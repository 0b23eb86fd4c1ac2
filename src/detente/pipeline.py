"""Wiring: inputs -> sources -> ingest -> clean -> store. The library API the CLI calls."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from . import clean, ingest
from .model import Blob, IngestError, RawDocument
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
    try:
        pending: list[RawDocument] = []
        for item in iter_blobs(refs, settings, fetcher):
            if isinstance(item, IngestError):
                _record(store, report, [item])
            else:
                docs, errs = ingest.parse_blob(item, settings)
                _record(store, report, errs)
                pending.extend(_complete_feed_items(docs, settings, fetcher, store, report))
                if len(pending) >= settings.batch_size:
                    _store_batch(pending, store, settings, report)
                    pending = []
            if progress:
                progress("advance", 1)
        if pending:
            _store_batch(pending, store, settings, report)
    finally:
        if fetcher is not None:
            fetcher.close()
        store.finish_run(run_id, report.n_new, report.n_known, len(report.errors))
    return report


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


def _store_batch(
    docs: list[RawDocument], store: Store, settings: Settings, report: IngestReport
) -> None:
    evidence = _site_evidence(docs, store, settings)
    with store.transaction():
        for doc in docs:
            report.n_documents += 1
            try:
                article = clean.clean_document(doc, evidence, settings)
            except Exception as exc:  # one broken document must not stop the batch
                error = IngestError(
                    doc.source, f"could not clean document: {exc.__class__.__name__}: {exc}"
                )
                _record(store, report, [error])
                continue
            if not article.text.strip():
                _record(store, report, [IngestError(doc.source, "no article text found")])
                continue
            article_id, created = store.add_article(article, report.run_id)
            report.article_ids.append(article_id)
            if created:
                report.n_new += 1
            else:
                report.n_known += 1


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


def run_actors(
    store: Store, settings: Settings, article_ids: list[int], progress: Progress | None = None
) -> None:
    """Sentences and actor mentions for each article; the knowledge base loaded once.

    Only ``tok2vec`` and ``ner`` run: the stage needs no parse. One broken article is
    recorded as an error and skipped; the batch goes on.
    """
    from . import actors
    from .actor_kb import load_knowledge_base
    from .nlp import load_pipeline
    from .sentences import split_sentences

    kb = load_knowledge_base(settings.actor_dictionaries)
    # The stored copy follows the data files (a few thousand rows: cheap to rewrite).
    with store.transaction():
        store.replace_actor_kb(*actors.kb_rows(kb))
    nlp = load_pipeline(settings.spacy_model, actors.UNUSED_COMPONENTS)
    matcher = actors.matcher_for(kb, nlp)
    for chunk_start in range(0, len(article_ids), settings.batch_size):
        batch = store.load_articles(article_ids[chunk_start : chunk_start + settings.batch_size])
        wanted = [a for a in batch if a.text.strip() and actors.is_english(a)]
        docs = dict(
            zip(
                (id(a) for a in wanted),
                nlp.pipe((a.text for a in wanted), batch_size=32),
                strict=True,
            )
        )
        done: list[int] = []
        errors: list[IngestError] = []
        with store.transaction():
            for article in batch:
                assert article.id is not None
                try:
                    sentences = split_sentences(article.text, article.spans)
                    found = actors.find_mentions(article, sentences, matcher, docs.get(id(article)))
                except Exception as exc:  # one bad article must not stop the batch
                    errors.append(
                        IngestError(
                            f"article {article.id} ({article.source_path})",
                            f"actors stage failed: {exc.__class__.__name__}: {exc}",
                        )
                    )
                    continue
                store.replace_sentences(article.id, sentences)
                store.replace_mentions(article.id, found)
                done.append(article.id)
            store.mark_stage_done("actors", actors.VERSION, done)
            if errors:
                store.add_errors(None, errors)
        if progress:
            progress("advance", len(batch))


def stages() -> list[StageSpec]:
    """The analysis stages after ingestion, in order: actors, provenance, events, analysis."""
    from . import actors

    found: list[StageSpec] = [StageSpec("actors", actors.VERSION, run_actors)]
    return found


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
