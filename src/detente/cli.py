"""The ``detente`` command: a thin layer over the library API."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .export import EXPORT_KINDS, FORMATS, write_rows
from .pipeline import ingest_inputs, process_articles
from .settings import Settings
from .store import ArticleFilter, Store, StoreError

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
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    try:
        state.settings = Settings.from_env(db=db)
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
        table.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in columns))
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
        err_console.print(f"[red]error:[/red] {error.input}: {error.reason}", highlight=False)
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
        console.print(f"[dim]{key}:[/dim] {article.get(key) or ''}", highlight=False)
    console.print(
        f"[dim]published:[/dim] {article['published'] or '-'} ({article['published_precision']}; "
        f"window {_window_text(article['published_window'])}; {article['published_method']})",
        highlight=False,
    )
    if article["flags"]:
        console.print(f"[dim]flags:[/dim] {json.dumps(article['flags'])}", highlight=False)
    console.print()
    console.print(article["text"], highlight=False, markup=False)
    if article["removed_lines"]:
        console.print()
        console.print("[dim]removed by cleaning:[/dim]")
        for r in article["removed_lines"]:
            console.print(f"  [dim]{r['reason']}:[/dim] {r['line']}", highlight=False, markup=False)


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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
