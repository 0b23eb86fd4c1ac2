"""The ``detente`` command: a thin layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import __version__, analysis
from .brief import render as render_brief
from .export import EXPORT_KINDS, FORMATS, write_rows
from .pipeline import ingest_inputs, process_articles
from .settings import Settings
from .store import ArticleFilter, EventFilter, Store, StoreError

app = typer.Typer(
    help="detente: who did what to whom, when and where, from messy news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


class State:
    settings: Settings = Settings()


state = State()


def _version(value: bool) -> None:
    if value:
        console.print(f"detente {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Database file (env DETENTE_DB; default ./detente.db)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes, actor and event stages (env DETENTE_WORKERS; default 1).",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    try:
        state.settings = Settings.from_env(db=db, workers=workers)
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def open_store() -> Store:
    try:
        return Store(state.settings.db)
    except StoreError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


def _table(rows: list[dict[str, Any]], columns: list[str], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        # Cells hold article text, titles and names: plain Text, never read as markup.
        table.add_row(*(Text("" if r.get(c) is None else str(r.get(c))) for c in columns))
    console.print(table)


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, globs, directories or URLs.")],
    no_fetch: Annotated[
        bool, typer.Option("--no-fetch", help="Do not fetch feed items' linked pages.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Ingest news from files, directories, globs and URLs."""
    settings = state.settings
    if no_fetch:
        settings = Settings(**{**settings.__dict__, "fetch_linked_pages": False})
    with open_store() as store:
        show = not quiet and not as_json and sys.stderr.isatty()
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("ingest", total=None)

            def progress(event: str, n: int) -> None:
                if event == "start":
                    bar.update(task, total=n)
                else:
                    bar.advance(task, n)

            report = ingest_inputs(inputs, store, settings, progress)
            # Later stages (actors, provenance, events, analysis) on every article they
            # have not yet seen: new ones, and old ones when a stage's version changed.
            bar.update(task, description="analyse", total=None, completed=0)
            processed = process_articles(store, settings, None, progress)
    for error in report.errors:
        err_console.print(
            f"[red]error:[/red] {escape(error.input)}: {escape(error.reason)}", highlight=False
        )
    summary = {
        "run_id": report.run_id,
        "inputs": report.n_inputs,
        "documents": report.n_documents,
        "new_articles": report.n_new,
        "already_stored": report.n_known,
        "errors": len(report.errors),
        "skipped_files": len(report.skipped),
        "processed": processed,
        "db": str(settings.db),
    }
    if as_json:
        _print_json(summary)
    else:
        console.print(
            f"{report.n_inputs} inputs, {report.n_documents} documents: "
            f"{report.n_new} new articles, {report.n_known} already stored, "
            f"{len(report.errors)} errors"
            + (f", {len(report.skipped)} non-news files skipped" if report.skipped else "")
            + f" -> {settings.db}"
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def articles(
    language: Annotated[str | None, typer.Option(help="ISO 639-1 code, e.g. en.")] = None,
    outlet: Annotated[str | None, typer.Option(help="Outlet name contains this.")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before (YYYY-MM-DD).")] = None,
    flag: Annotated[str | None, typer.Option(help="Has this flag (e.g. paywalled).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List stored articles."""
    with open_store() as store:
        rows = store.articles(ArticleFilter(language, outlet, since, until, flag, limit))
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        r["published"] = r["published"] or _window_text(r.get("published_window"))
    _table(rows, ["id", "published", "language", "outlet", "title"])


def _window_text(window: list[str | None] | None) -> str:
    if not window:
        return "?"
    return f"{window[0] or '…'}..{window[1] or '…'}"


@app.command()
def show(
    article_id: Annotated[int, typer.Argument(help="Article id.")],
    raw: Annotated[bool, typer.Option("--raw", help="Print the raw input instead.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one article: metadata, cleaned text, what cleaning removed."""
    with open_store() as store:
        article = store.article(article_id)
        raw_text = store.raw(article_id) if raw else None
        if article is not None:
            article["provenance"] = store.provenance(article_id)
    if article is None:
        err_console.print(f"[red]error:[/red] no article with id {article_id}")
        raise typer.Exit(1)
    if raw:
        sys.stdout.write((raw_text or "") + "\n")
        return
    if as_json:
        _print_json(article)
        return
    console.rule(f"[bold]{article['title']}")
    for key in ("id", "outlet", "url", "author", "source_path", "language", "content_hash"):
        console.print(f"[dim]{key}:[/dim] {escape(str(article.get(key) or ''))}", highlight=False)
    console.print(
        f"[dim]published:[/dim] {article['published'] or '-'} ({article['published_precision']}; "
        f"window {_window_text(article['published_window'])}; {article['published_method']})",
        highlight=False,
    )
    if article["flags"]:
        console.print(f"[dim]flags:[/dim] {json.dumps(article['flags'])}", highlight=False)
    if article.get("provenance"):
        _print_provenance_summary(article["provenance"])
    console.print()
    console.print(article["text"], highlight=False, markup=False)
    if article["removed_lines"]:
        console.print()
        console.print("[dim]removed by cleaning:[/dim]")
        for r in article["removed_lines"]:
            console.print(
                f"  [dim]{escape(r['reason'])}:[/dim] {escape(r['line'])}", highlight=False
            )


def _print_provenance_summary(p: dict[str, Any]) -> None:
    for key in ("spun", "machine_translated", "content_farm"):
        evidence = p.get(f"{key}_evidence") or []
        shown = "; ".join(evidence[:6]) + (
            f" (+{len(evidence) - 6} more)" if len(evidence) > 6 else ""
        )
        console.print(f"[dim]{key}:[/dim] {p[key]:.2f} {escape(shown)}", highlight=False)
    if p["group_size"] > 1:
        console.print(
            f"[dim]origin:[/dim] article {p['origin_id']} of a copy group of {p['group_size']} "
            f"({p['origin_reason']}); see `detente copies {p['article_id']}`",
            highlight=False,
        )


@app.command()
def copies(
    article_id: Annotated[int, typer.Argument(help="Article id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """An article's origin, its copies and the evidence for each link."""
    with open_store() as store:
        info = store.provenance(article_id)
    if info is None:
        err_console.print(
            f"[red]error:[/red] no provenance for article {article_id} "
            "(no such article, or not yet processed: run `detente ingest`)"
        )
        raise typer.Exit(1)
    if as_json:
        _print_json(info)
        return
    members = {m["id"]: m for m in info["members"]}

    def label(i: int) -> str:
        m = members.get(i, {})
        when = m.get("published") or "undated"
        return f"{i} [{m.get('outlet') or '?'}, {when}] {m.get('title', '')}"

    console.print(f"[bold]article:[/bold] {escape(label(article_id))}", highlight=False)
    console.print(f"[bold]origin:[/bold] {escape(label(info['origin_id']))}", highlight=False)
    console.print(f"[dim]why:[/dim] {escape(info['origin_reason'])}", highlight=False)
    _print_provenance_summary(info)
    if not info["links"]:
        console.print("no copy links: an independent source")
        return
    for link in info["links"]:
        console.rule(
            f"{link['copy_id']} -> {link['origin_id']}: {link['link_type']} ({link['score']:.2f})"
        )
        evidence = dict(link["evidence"])
        pairs = evidence.pop("substitutions", [])
        for key, value in evidence.items():
            console.print(f"  [dim]{key}:[/dim] {escape(str(value))}", highlight=False)
        for copy_phrase, origin_phrase in pairs:
            console.print(f"  {copy_phrase!r} ~ {origin_phrase!r}", highlight=False, markup=False)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Full-text query (SQLite FTS5 syntax).")],
    limit: Annotated[int, typer.Option(help="At most this many results.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Full-text search over titles and texts."""
    with open_store() as store:
        rows = store.search(query, limit)
    if as_json:
        _print_json(rows)
        return
    _table(rows, ["id", "published", "outlet", "title", "snippet"])


@app.command()
def export(
    kind: Annotated[str, typer.Argument(help=f"What to export: {', '.join(EXPORT_KINDS)}.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, csv or parquet.")] = "jsonl",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
) -> None:
    """Export stored data (fields documented in docs/export.md)."""
    if kind not in EXPORT_KINDS:
        err_console.print(
            f"[red]error:[/red] unknown export kind {kind!r} "
            f"(choose from {', '.join(EXPORT_KINDS)})"
        )
        raise typer.Exit(2)
    if fmt not in FORMATS:
        err_console.print(
            f"[red]error:[/red] unknown format {fmt!r} (choose from {', '.join(FORMATS)})"
        )
        raise typer.Exit(2)
    with open_store() as store:
        try:
            spec = EXPORT_KINDS[kind]
            n = write_rows(spec.rows(store), spec.fields, fmt, output, spec.text_fields)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    if output is not None:
        err_console.print(f"{n} {kind} -> {output}")


@app.command("actors")
def actors_command(
    query: Annotated[
        str | None, typer.Argument(help="Part of a name, alias, id or an exact code.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List or search the actor knowledge base, with how often the corpus mentions each."""
    with open_store() as store:
        if store.actor_kb_size() == 0:
            from .actor_kb import load_knowledge_base
            from .actors import kb_rows

            with store.transaction():
                store.replace_actor_kb(*kb_rows(load_knowledge_base()))
        rows = store.find_actors(query, limit)
    if as_json:
        _print_json(rows)
        return
    _table(rows, ["id", "code", "name", "kind", "country", "n_mentions"])


@app.command("actor")
def actor_command(
    key: Annotated[str, typer.Argument(help="An actor code (RUSGOV), id or name.")],
    limit: Annotated[int, typer.Option(help="At most this many articles and partners.")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """What the corpus says about one actor: mentions, articles, co-mentioned actors."""
    with open_store() as store:
        report = store.actor_report(key, limit)
    if report is None:
        err_console.print(f"[red]error:[/red] no actor or mentions for {key!r}")
        raise typer.Exit(1)
    if as_json:
        _print_json(report)
        return
    console.rule(f"[bold]{report['name']}[/bold] ({report['code'] or report['id']})")
    console.print(
        f"{report['n_mentions']} mentions in {report['n_articles']} articles; kind "
        f"{report['kind']}",
        highlight=False,
    )
    for role in report["roles"]:
        console.print(
            f"  {role['office']} {role['country']} ({role['code']}) {role['start']} .. "
            f"{role['end'] or 'now'}{' (dates approximate)' if role['approximate'] else ''}",
            highlight=False,
        )
    if report["surface_forms"]:
        forms = ", ".join(f"{k} {v}" for k, v in report["surface_forms"].items())
        console.print(f"written as: {forms}", highlight=False, markup=False)
    _table(report["articles"], ["id", "published", "n_mentions", "title"], "articles")
    _table(report["co_mentioned"], ["code", "name", "n_articles"], "mentioned with")


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """What the database holds."""
    with open_store() as store:
        data = store.stats()
    if as_json:
        _print_json(data)
        return
    print_summary(data)


def print_summary(data: dict[str, Any]) -> None:
    console.print(
        f"[bold]{data['articles']}[/bold] articles ({data['ingest_runs']} ingest runs, "
        f"{data['ingest_errors']} errors recorded, schema v{data['schema_version']})"
    )
    lo, hi = data["published_range"]
    console.print(f"published: {lo or '?'} .. {hi or '?'}")
    for key in ("by_language", "by_source_format", "by_published_precision", "by_outlet", "flags"):
        parts = ", ".join(f"{k} {v}" for k, v in data[key].items())
        console.print(
            f"{key.removeprefix('by_').replace('_', ' ')}: {parts or '-'}", highlight=False
        )
    console.print(f"exact duplicate texts: {data['exact_duplicate_texts']}")
    found = data.get("analysis")
    if not found:
        return
    console.print(
        f"actors: {found['mentions']} mentions ({found['mentions_resolved']} resolved) of "
        f"{found['actors_mentioned']} actors; most in: "
        + ", ".join(f"{code} {n}" for code, n in found["top_actors"]),
        highlight=False,
    )
    console.print(
        f"events: {found['events']} coded ({found['events_other_modalities']} more negated, "
        f"hypothetical or opinion), {found['event_groups']} distinct across articles; "
        "top dyads: " + ", ".join(f"{s}->{t} {n} ({g:+})" for s, t, n, g in found["top_dyads"]),
        highlight=False,
    )
    console.print(
        f"copies: {found['copy_links']} copy links, {found['independent_origins']} independent "
        f"origins; stories: {found['stories']}; quotes: {found['quotes']}; "
        f"quantities: {found['quantities']}; conflicting claims: {found['conflicting_claims']}",
        highlight=False,
    )


@app.command()
def errors(
    run: Annotated[int | None, typer.Option(help="Only this ingest run.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Inputs that could not be ingested, and why."""
    with open_store() as store:
        rows = store.errors(run, limit)
    if as_json:
        _print_json(rows)
        return
    _table(rows, ["run_id", "input", "reason"])


@app.command("events")
def events_command(
    actor: Annotated[
        str | None, typer.Option(help="Source or target code starts with this.")
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Source actor code (prefix), e.g. AZE.")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="Target actor code (prefix), e.g. ARM.")
    ] = None,
    code: Annotated[str | None, typer.Option(help="CAMEO code prefix, e.g. 19 or 1212.")] = None,
    root: Annotated[str | None, typer.Option(help="CAMEO root (01..20).")] = None,
    quad: Annotated[int | None, typer.Option(help="QuadClass 1..4.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Event window ends on/after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Event window starts on/before.")] = None,
    article: Annotated[int | None, typer.Option(help="Only this article.")] = None,
    all_modalities: Annotated[
        bool, typer.Option("--all", help="Include negated, hypothetical, opinion ... events.")
    ] = False,
    limit: Annotated[int, typer.Option(help="At most this many rows.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Coded events: who did what to whom, when, with the evidence sentence."""
    f = EventFilter(
        actor, source, target, code, root, quad, since, until, article,
        () if all_modalities else EventFilter.modalities, limit,
    )  # fmt: skip
    with open_store() as store:
        rows = store.query_events(f)
    if as_json:
        from .store import event_export_row

        _print_json([event_export_row(r) for r in rows])
        return
    for r in rows:
        r["when"] = r["date"] or _window_text([r["date_start"], r["date_end"]])
        r["dyad"] = f"{r['source_code']} -> {r['target_code'] or '-'}"
        r["sources"] = r.get("n_sources") or 1
    _table(rows, ["id", "article_id", "when", "dyad", "code", "modality", "sources", "evidence"])


@app.command()
def explain(article_id: Annotated[int, typer.Argument(help="Article id.")]) -> None:
    """Every sentence of an article, its event candidates, and why each was coded or not."""
    from .events import extract_events
    from .nlp import load_parser

    with open_store() as store:
        loaded = store.load_articles([article_id])
        if not loaded:
            err_console.print(f"[red]error:[/red] no article with id {article_id}")
            raise typer.Exit(1)
        article = loaded[0]
        sentences = store.sentences(article_id)
        mentions = store.mentions(article_id)
    if not sentences:
        err_console.print("no sentences stored for this article: run the actor stage first")
        raise typer.Exit(1)
    nlp = load_parser(state.settings.spacy_model)
    result = extract_events(article, sentences, mentions, nlp)
    by_sentence: dict[int, list[Any]] = {}
    for c in result.candidates:
        by_sentence.setdefault(c.sentence, []).append(c)
    actors: dict[int, list[str]] = {}
    for m in mentions:
        if m.actor_code:
            actors.setdefault(m.sentence, []).append(f"{m.text}={m.actor_code}")
    console.print(
        f"[bold]{escape(article.title)}[/bold]: {len(sentences)} sentences, "
        f"{result.n_parsed} parsed, {len(result.events)} events",
        highlight=False,
    )
    for s in sentences:
        text = article.text[s.start : s.end]
        console.print()
        mark = " (caption: skipped)" if s.is_caption else ""
        # Article text is untrusted: escaped, so that "[...]" in it is shown, not styled.
        console.print(f"[dim]#{s.index}{mark}[/dim] {escape(text)}", highlight=False)
        if actors.get(s.index):
            names = escape(", ".join(actors[s.index]))
            console.print(f"  [dim]actors:[/dim] {names}", highlight=False)
        for c in by_sentence.get(s.index, []):
            colour = "green" if c.status == "coded" else "yellow"
            detail = (
                f"{c.source_code} -> {c.code} -> {c.target_code or '-'} [{c.modality}]: "
                if c.status == "coded"
                else ""
            )
            console.print(
                f"  [{colour}]{c.status}[/{colour}] "
                + escape(f"'{c.trigger}': {detail}{c.reason}"),
                highlight=False,
                markup=True,
            )


# --- analysis: stories, relations, quotes, claims, briefs --------------------------------------


@app.command("stories")
def stories_command(
    limit: Annotated[int, typer.Option(help="At most this many stories.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Developing stories, most recent first."""
    with open_store() as store:
        rows = analysis.list_stories(store, limit)
    if as_json:
        _print_json(rows)
        return
    for r in rows:
        r["period"] = f"{r['start'] or '?'}..{r['end'] or '?'}"
        r["actors"] = " ".join(list(r["actors"])[:5])
    _table(rows, ["id", "period", "n_articles", "n_sources", "actors", "title"])


@app.command("story")
def story_command(
    story_id: Annotated[int, typer.Argument(help="Story id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One story: its articles, timeline, quotes and conflicting claims."""
    with open_store() as store:
        found = analysis.story(store, story_id)
    if found is None:
        err_console.print(f"[red]error:[/red] no story with id {story_id}")
        raise typer.Exit(1)
    if as_json:
        _print_json(found)
        return
    console.rule(f"[bold]{found['title']}")
    console.print(
        f"{found['start'] or '?'} .. {found['end'] or '?'}; {found['n_articles']} articles, "
        f"{found['n_sources']} independent sources; actors: "
        f"{', '.join(found['actors']) or '-'}; terms: {', '.join(found['terms'][:8])}",
        highlight=False,
    )
    _table(found["articles"], ["id", "published", "outlet", "title"], "articles")
    if found["timeline"]:
        _table(
            found["timeline"],
            ["date", "source_code", "code", "target_code", "article_id", "sentence_text"],
            "timeline",
        )
    if found["quotes"]:
        _table(found["quotes"], ["speaker_name", "verb", "text", "article_id"], "quotes")


@app.command("dyad")
def dyad_command(
    a: Annotated[str, typer.Argument(help="Actor code, e.g. RUS.")],
    b: Annotated[str, typer.Argument(help="Actor code, or * for everyone.")] = "*",
    by: Annotated[str, typer.Option("--by", help="day, week or month.")] = "month",
    direction: Annotated[
        str, typer.Option(help="both (either way) or out (A acting on B only).")
    ] = "both",
    since: Annotated[str | None, typer.Option(help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day (YYYY-MM-DD).")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a PNG chart here.")] = None,
    evidence: Annotated[
        bool, typer.Option("--evidence", help="List the events behind every point.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Relation of two actors (or one and everyone) over time."""
    with open_store() as store:
        try:
            series = analysis.dyad(store, a, b, by, direction, since, until)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
        rows = analysis.dyad_evidence(store, a, b, None, by, direction) if evidence else []
    if plot is not None:
        from .plot import plot_series

        plot_series(series, plot)
        err_console.print(f"chart -> {plot}")
    if as_json:
        data = series.as_dict()
        if evidence:
            data["evidence"] = rows
        _print_json(data)
        return
    table_rows = [
        {
            "period": p.period,
            "events": p.n_events,
            "sources": p.n_sources,
            "coop": p.cooperation,
            "conflict": p.conflict,
            "goldstein": f"{p.goldstein_sum:+.1f}",
            "mean": f"{p.goldstein_mean:+.2f}",
            "change": "<-" if p.period in series.change_points else "",
        }
        for p in series.points
    ]
    _table(
        table_rows,
        ["period", "events", "sources", "coop", "conflict", "goldstein", "mean", "change"],
        f"{series.source} {series.target} ({series.direction}, per {series.grain})",
    )
    console.print(
        f"{series.n_events} events; Goldstein sum {series.goldstein_sum:+.1f}, mean "
        f"{series.goldstein_mean:+.2f}; trend {series.trend if series.trend is not None else '-'}"
        f" per {series.grain}; change points: {', '.join(series.change_points) or '-'}",
        highlight=False,
    )
    if evidence:
        _table(rows, ["day", "event_source", "code", "event_target", "article_id", "sentence_text"])


@app.command("alliance")
def alliance_command(
    code: Annotated[str, typer.Argument(help="Alliance: CSTO, NATO, CIS, EU, SCO, EAEU ...")],
    by: Annotated[str, typer.Option("--by", help="day, week or month.")] = "month",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Alliance stress: cooperation against conflict between members, against their baseline."""
    with open_store() as store:
        try:
            rows = analysis.alliance_stress(store, code, by)
        except ValueError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from exc
    if as_json:
        _print_json(rows)
        return
    for pair in rows:
        points = [p for p in pair["points"] if p["cooperation"] or p["conflict"]]
        _table(
            points,
            ["period", "cooperation", "conflict", "net", "baseline_net", "deviation", "allied"],
            f"{pair['alliance']}: {' - '.join(pair['pair'])} (net {pair['net']:+d})",
        )


@app.command("claims")
def claims_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Conflicting claims: the same quantity reported differently by independent sources."""
    with open_store() as store:
        rows = analysis.claims_list(store)
    if as_json:
        _print_json(rows)
        return
    for c in rows:
        console.rule(f"[bold]{c['what']}[/bold] ({c['actor_code'] or '?'}, {c['unit']})")
        for v in c["versions"]:
            approx = "~" if v["approximate"] else ""
            console.print(
                f"  {approx}{v['value']:,.0f}: articles {v['article_ids']} "
                f"({v['n_sources']} independent)",
                highlight=False,
            )
            for s in v["sentences"][:2]:
                console.print("      " + s["text"], style="dim", highlight=False, markup=False)


@app.command("quotes")
def quotes_command(
    speaker: Annotated[str | None, typer.Option(help="Speaker actor code.")] = None,
    article: Annotated[int | None, typer.Option(help="Only this article.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Quotes with their speakers."""
    with open_store() as store:
        rows = analysis.quotes(store, article, speaker, limit)
    if as_json:
        _print_json(rows)
        return
    _table(rows, ["article_id", "speaker_name", "speaker_code", "verb", "kind", "text"])


@app.command("brief")
def brief_command(
    story_id: Annotated[int | None, typer.Argument(help="Story id.")] = None,
    dyad: Annotated[
        tuple[str, str] | None, typer.Option("--dyad", help="Two actor codes instead.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    sentences: Annotated[int, typer.Option(help="Summary sentences.")] = 6,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Output file.")] = None,
) -> None:
    """Write a brief: an extractive, cited summary and a dated timeline."""
    if (story_id is None) == (dyad is None):
        err_console.print("[red]error:[/red] give a STORY_ID or --dyad A B (one of them)")
        raise typer.Exit(2)
    if fmt not in ("md", "html"):
        err_console.print(f"[red]error:[/red] unknown format {fmt!r} (choose md or html)")
        raise typer.Exit(2)
    with open_store() as store:
        if story_id is not None:
            found = analysis.story_brief(store, story_id, sentences)
            if found is None:
                err_console.print(f"[red]error:[/red] no story with id {story_id}")
                raise typer.Exit(1)
        else:
            assert dyad is not None
            found = analysis.dyad_brief(store, dyad[0], dyad[1], "both", sentences)
    text = render_brief(found, fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        err_console.print(f"brief -> {output}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    write_token: Annotated[
        str | None,
        typer.Option(
            "--write-token",
            envvar="DETENTE_WRITE_TOKEN",
            help="Allow uploads to whoever gives this token (env DETENTE_WRITE_TOKEN). "
            "Without it the server is read-only.",
        ),
    ] = None,
) -> None:
    """Serve the web app and JSON API (read-only unless given a write token)."""
    import uvicorn

    from .web import create_app

    open_store().close()  # a clear error now, not on the first request
    mode = "read-write (uploads need the token)" if write_token else "read-only"
    err_console.print(f"detente: serving {state.settings.db} at http://{host}:{port}/ ({mode})")
    uvicorn.run(create_app(state.settings, write_token), host=host, port=port, log_level="info")


bench_app = typer.Typer(help="Reproducible benchmarks of detente's stages.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")


@bench_app.command("provenance")
def bench_provenance(
    corpus: Annotated[
        Path | None, typer.Option(help="Corpus folder or file (default: the sample corpus).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Copies made with known transformations: precision/recall per link type, speed."""
    from .provenance_bench import run

    try:
        result = run(corpus)
    except ValueError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        _print_json(result)
        return
    rows = [{"link_type": k, **v} for k, v in result["per_link_type"].items()]
    _table(
        rows,
        [
            "link_type",
            "expected",
            "found_with_this_type",
            "false_links",
            "precision",
            "recall",
            "linked_recall",
            "f1",
        ],
        title=f"{result['originals']} originals, {result['copies']} copies ({result['corpus']})",
    )
    for name, info in result["by_transform"].items():
        console.print(f"{name}: {info['n']} copies linked as {info['linked_as']}", highlight=False)
    console.print(
        f"hard negatives (same-topic pairs of different stories): "
        f"{result['hard_negative_pairs_linked']} of {result['hard_negative_pairs']} linked; "
        f"false links between different stories: {result['false_links_between_different_stories']}"
    )
    console.print(
        f"indexing + lookup on one core: {result['ms_per_article']} ms/article, "
        f"{result['articles_per_second']} articles/s"
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
