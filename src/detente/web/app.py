"""The web app and JSON API: a thin layer over the store and the library functions.

Every page is server-rendered with Jinja2 (autoescape on, no ``|safe`` anywhere); the only
scripts are our own static files and the vendored charting/network libraries, allowed by a
Content-Security-Policy that forbids inline script, so article text that slipped through as
markup still could not run.
"""

from __future__ import annotations

import dataclasses
import hmac
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, File, Form, Header, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__, analysis, brief, relations
from ..pipeline import ingest_inputs, process_articles
from ..settings import Settings
from ..store import ArticleFilter, EventFilter, Store
from .highlight import article_segments

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

# Pages may load scripts, styles and images only from this server. No inline script or
# style (so injected markup cannot run or restyle), no plugins, no framing, no <base>.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
# FastAPI's interactive docs page initialises Swagger UI with an inline script; it shows
# no article data, so it alone gets 'unsafe-inline' for scripts.
DOCS_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)
_UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class SecurityHeaders:
    """Adds the security headers to every response. A plain ASGI middleware: Starlette's
    ``BaseHTTPMiddleware`` streams each response through an extra task and memory stream,
    which costs the API several milliseconds a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path") in ("/docs", "/redoc")
        extra = [
            (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]
        names = {name for name, _ in extra}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def safe_href(url: object) -> str | None:
    """A URL from the data, fit for an ``href``: http(s) only (never ``javascript:``)."""
    if not isinstance(url, str):
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def _as_dicts(items: list[Any]) -> list[dict[str, Any]]:
    return [dataclasses.asdict(i) for i in items]


def get_store(request: Request) -> Iterator[Store]:
    # One connection per request, used by that request only. FastAPI runs a sync
    # dependency's setup, the handler and the teardown on thread-pool threads that may
    # differ (a real server hits this under load: "SQLite objects created in a thread can
    # only be used in that same thread"), so the connection may not insist on one thread.
    settings: Settings = request.app.state.settings
    with Store(settings.db, check_same_thread=False) as store:
        yield store


StoreDep = Annotated[Store, Depends(get_store)]
Grain = Annotated[str, Query(pattern="^(day|week|month)$", description="day, week or month")]
Direction = Annotated[
    str, Query(pattern="^(both|out)$", description="both: either way; out: a -> b only")
]
BriefFormat = Annotated[str, Query(alias="format", pattern="^(md|html)$")]


def dyad_evidence(
    store: Store, a: str, b: str, period: str | None, by: str, direction: str, limit: int
) -> dict[str, Any]:
    """The events behind one period of a dyad (the whole series without ``period``), as
    the analysis library lists them, with the number of independent sources among them."""
    try:
        items = analysis.dyad_evidence(store, a, b, period, by, direction, limit)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc
    return {
        "period": period,
        "n_events": len(items),
        "n_sources": len({i["origin_id"] for i in items}),
        "items": items,
    }


def dyad_series(
    store: Store, a: str, b: str, by: str, direction: str, since: str | None, until: str | None
) -> dict[str, Any]:
    try:
        return analysis.dyad(
            store, a, b or relations.EVERYONE, by, direction, since, until
        ).as_dict()
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc


def brief_response(found: brief.Brief, fmt: str, name: str) -> Response:
    """A brief as a download: Markdown as text, HTML as a standalone (escaped) page."""
    media = "text/html" if fmt == "html" else "text/markdown"
    return Response(
        brief.render(found, fmt),
        media_type=f"{media}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def _event_filter(
    actor: str | None,
    source: str | None,
    target: str | None,
    root: str | None,
    code: str | None,
    since: str | None,
    until: str | None,
    all_modalities: bool,
    limit: int,
) -> EventFilter:
    def clean(value: str | None) -> str | None:
        return value.strip().upper() or None if value else None

    f = EventFilter(
        actor=clean(actor),
        source=clean(source),
        target=clean(target),
        root=(root or "").strip() or None,
        code=(code or "").strip() or None,
        since=since or None,
        until=until or None,
        limit=limit,
    )
    return dataclasses.replace(f, modalities=()) if all_modalities else f


def create_app(settings: Settings, write_token: str | None = None) -> FastAPI:
    """The detente web app over ``settings.db``; uploads only when ``write_token`` is set."""
    app = FastAPI(
        title="detente",
        version=__version__,
        description="Evidence-linked news events: articles, actors, events, relations.",
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    templates = _templates()
    writable = bool(write_token)
    app.state.settings = settings

    def page(request: Request, name: str, **context: Any) -> HTMLResponse:
        context.setdefault("writable", writable)
        return templates.TemplateResponse(request, name, context)

    def check_token(given: str | None) -> None:
        if not writable:
            raise HTTPException(403, "this server is read-only (start it with --write-token)")
        if not given or not hmac.compare_digest(given.encode(), str(write_token).encode()):
            raise HTTPException(403, "wrong or missing write token")

    def story_or_404(store: Store, story_id: int) -> dict[str, Any]:
        found = analysis.story(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story with id {story_id}")
        return found

    def article_or_404(store: Store, article_id: int) -> dict[str, Any]:
        article = store.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article with id {article_id}")
        return article

    # --- JSON API -------------------------------------------------------------------------

    @app.get("/api/stats", tags=["corpus"])
    def api_stats(store: StoreDep) -> dict[str, Any]:
        """What the database holds: counts by language, format, outlet, flags."""
        return store.stats()

    @app.get("/api/articles", tags=["corpus"])
    def api_articles(
        store: StoreDep,
        language: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        until: str | None = None,
        flag: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        """Stored articles (metadata only), filtered like ``detente articles``."""
        return store.articles(ArticleFilter(language, outlet, since, until, flag, limit, offset))

    @app.get("/api/articles/{article_id}", tags=["corpus"])
    def api_article(store: StoreDep, article_id: int) -> dict[str, Any]:
        """One article: metadata, cleaned text, captions, removed lines, flags, sources."""
        return article_or_404(store, article_id)

    @app.get("/api/articles/{article_id}/mentions", tags=["actors"])
    def api_mentions(store: StoreDep, article_id: int) -> list[dict[str, Any]]:
        """Actor mentions in an article (resolved or not), with character offsets."""
        article_or_404(store, article_id)
        return _as_dicts(store.mentions(article_id))

    @app.get("/api/articles/{article_id}/events", tags=["events"])
    def api_article_events(store: StoreDep, article_id: int) -> list[dict[str, Any]]:
        """Coded events of an article with their evidence offsets."""
        article_or_404(store, article_id)
        return _as_dicts(store.events(article_id))

    @app.get("/api/articles/{article_id}/sentences", tags=["corpus"])
    def api_sentences(store: StoreDep, article_id: int) -> list[dict[str, Any]]:
        article_or_404(store, article_id)
        return _as_dicts(store.sentences(article_id))

    @app.get("/api/search", tags=["corpus"])
    def api_search(
        store: StoreDep, q: str, limit: Annotated[int, Query(ge=1, le=500)] = 20
    ) -> list[dict[str, Any]]:
        """Full-text search (SQLite FTS5 syntax; plain words work too)."""
        return store.search(q, limit)

    @app.get("/api/errors", tags=["corpus"])
    def api_errors(
        store: StoreDep, run: int | None = None, limit: Annotated[int, Query(ge=1)] = 100
    ) -> list[dict[str, Any]]:
        """Inputs that could not be ingested, and why."""
        return store.errors(run, limit)

    @app.get("/api/actors", tags=["actors"])
    def api_actors(
        store: StoreDep, limit: Annotated[int, Query(ge=1, le=10_000)] = 200
    ) -> list[dict[str, Any]]:
        """Resolved actors with mention, article and event counts."""
        return store.actor_overview(limit)

    @app.get("/api/actors/{code}", tags=["actors"])
    def api_actor(store: StoreDep, code: str) -> dict[str, Any]:
        """One actor: names, articles, events, counterparts."""
        return store.actor_detail(code)

    @app.get("/api/network", tags=["actors"])
    def api_network(
        store: StoreDep, limit: Annotated[int, Query(ge=1, le=2000)] = 150
    ) -> dict[str, list[dict[str, Any]]]:
        """Actor network: edges by coded events and by co-mention in articles."""
        return store.actor_network(limit)

    @app.get("/api/articles/{article_id}/copies", tags=["provenance"])
    def api_copies(store: StoreDep, article_id: int) -> dict[str, Any]:
        """Quality signals (spun, machine-translated, content-farm scores with evidence), the
        canonical origin and every copy link of the article's copy group."""
        article_or_404(store, article_id)
        return store.provenance(article_id) or {"article_id": article_id, "links": []}

    @app.get("/api/dyads", tags=["relations"])
    def api_dyad_pairs(
        store: StoreDep, limit: Annotated[int, Query(ge=1, le=5000)] = 100
    ) -> list[dict[str, Any]]:
        """Directed actor pairs with their event totals, busiest first."""
        return store.dyad_pairs(limit)

    @app.get("/api/dyads/{a}/{b}", tags=["relations"], response_model=dict[str, Any])
    def api_dyad(
        store: StoreDep,
        a: str,
        b: str,
        by: Grain = "month",
        direction: Direction = "both",
        since: str | None = None,
        until: str | None = None,
    ) -> JSONResponse:
        """Relation of ``a`` and ``b`` (``*``: everyone) per period: counts by QuadClass and
        root, Goldstein sum and mean, independent sources, trend and change points."""
        # Built from plain JSON types already: returned as is, skipping FastAPI's generic
        # encoder and response validation (two thirds of this endpoint's time on long series).
        return JSONResponse(dyad_series(store, a, b, by, direction, since, until))

    @app.get("/api/dyads/{a}/{b}/evidence", tags=["relations"])
    def api_dyad_evidence(
        store: StoreDep,
        a: str,
        b: str,
        period: str | None = None,
        by: Grain = "month",
        direction: Direction = "both",
        limit: Annotated[int, Query(ge=1, le=5000)] = 500,
    ) -> dict[str, Any]:
        """The events behind one period (or the whole series): article, sentence, origin."""
        return dyad_evidence(store, a, b, period, by, direction, limit)

    @app.get("/api/alliances", tags=["relations"])
    def api_alliances() -> dict[str, list[dict[str, Any]]]:
        """Formal alliances and their dated memberships (shipped data)."""
        return {
            code: [dataclasses.asdict(m) for m in members]
            for code, members in relations.alliances().items()
        }

    @app.get("/api/alliances/{code}/stress", tags=["relations"])
    def api_alliance_stress(
        store: StoreDep,
        code: str,
        by: Grain = "month",
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Member pairs of an alliance: cooperation against conflict per period, set against
        the pair's own baseline; most strained pair first."""
        try:
            return relations.alliance_stress(store, code, by, since, until)
        except ValueError as exc:
            raise HTTPException(404, str(exc)) from exc

    @app.get("/api/stories", tags=["analysis"])
    def api_stories(
        store: StoreDep,
        limit: Annotated[int, Query(ge=1, le=5000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        """Stories, most recent first: title, period, actors, article ids, sources."""
        return analysis.list_stories(store, limit, offset)

    @app.get("/api/stories/{story_id}", tags=["analysis"])
    def api_story(store: StoreDep, story_id: int) -> dict[str, Any]:
        """One story: articles, timeline of events, quotes, conflicting claims."""
        return story_or_404(store, story_id)

    @app.get("/api/claims", tags=["analysis"])
    def api_claims(store: StoreDep) -> list[dict[str, Any]]:
        """Conflicting claims: every version with its articles, sources and sentences."""
        return analysis.claims_list(store)

    @app.get("/api/quotes", tags=["analysis"])
    def api_quotes(
        store: StoreDep,
        speaker: str | None = None,
        article_id: int | None = None,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[dict[str, Any]]:
        """Direct and indirect quotes with their speaker, verb, article and span."""
        return analysis.quotes(store, article_id, speaker or None, limit)

    @app.get("/api/events", tags=["events"])
    def api_events(
        store: StoreDep,
        actor: str | None = None,
        source: str | None = None,
        target: str | None = None,
        root: str | None = None,
        code: str | None = None,
        since: str | None = None,
        until: str | None = None,
        all_modalities: bool = False,
        limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
    ) -> list[dict[str, Any]]:
        """Coded events with their evidence, group and independent-source counts.

        By default only events that count (asserted, future, planned); ``all_modalities``
        adds negated, hypothetical, conditional, opinion and question ones.
        """
        return store.query_events(
            _event_filter(actor, source, target, root, code, since, until, all_modalities, limit)
        )

    @app.get("/api/quantities", tags=["analysis"])
    def api_quantities(store: StoreDep, what: str | None = None) -> list[dict[str, Any]]:
        """Numbers with what they count, normalised, with their sentence."""
        return analysis.quantities(store, what or None)

    @app.post("/api/ingest", tags=["ingest"])
    def api_ingest(
        store: StoreDep,
        files: Annotated[list[UploadFile], File(description="News files in any input format")],
        authorization: Annotated[str | None, Header()] = None,
    ) -> dict[str, Any]:
        """Upload and ingest files (needs ``Authorization: Bearer WRITE_TOKEN``)."""
        token = authorization.removeprefix("Bearer ").strip() if authorization else None
        check_token(token)
        return ingest_uploads(store, settings, files)

    # --- pages ----------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, store: StoreDep) -> HTMLResponse:
        return page(
            request,
            "home.html",
            stats=store.stats(),
            actors=store.actor_overview(12),
            recent=store.articles(ArticleFilter(limit=10)),
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, store: StoreDep, q: str = "") -> HTMLResponse:
        results = store.search(q, 50) if q.strip() else []
        return page(request, "search.html", q=q, results=results)

    @app.get("/articles", response_class=HTMLResponse, include_in_schema=False)
    def articles_page(
        request: Request,
        store: StoreDep,
        language: str | None = None,
        outlet: str | None = None,
        flag: str | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> HTMLResponse:
        f = ArticleFilter(language or None, outlet or None, None, None, flag or None, 100, offset)
        return page(request, "articles.html", rows=store.articles(f), f=f)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(
        request: Request,
        store: StoreDep,
        article_id: int,
        start: int | None = None,
        end: int | None = None,
    ) -> HTMLResponse:
        article = article_or_404(store, article_id)
        mentions = store.mentions(article_id)
        events = store.events(article_id)
        evidence = (start, end) if start is not None and end is not None else None
        segs = article_segments(
            article["text"],
            mentions,
            events,
            store.sentences(article_id),
            [(c[0], c[1]) for c in article["captions"]],
            evidence,
        )
        return page(
            request,
            "article.html",
            article=article,
            segments=segs,
            mentions=mentions,
            events=events,
            origins=store.origin_ids([article_id]),
            provenance=store.provenance(article_id),
        )

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(request: Request, store: StoreDep) -> HTMLResponse:
        return page(request, "actors.html", actors=store.actor_overview(500))

    @app.get("/actors/{code}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, store: StoreDep, code: str) -> HTMLResponse:
        return page(request, "actor.html", actor=store.actor_detail(code))

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request) -> HTMLResponse:
        return page(request, "network.html")

    @app.get("/dyads", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/dyad", response_class=HTMLResponse, include_in_schema=False)
    def dyad_page(
        request: Request,
        store: StoreDep,
        a: str = "",
        b: str = "",
        by: Grain = "month",
        direction: Direction = "both",
        period: str | None = None,
    ) -> HTMLResponse:
        a, b = a.strip().upper(), (b.strip().upper() or relations.EVERYONE)
        series = dyad_series(store, a, b, by, direction, None, None) if a else None
        chosen = dyad_evidence(store, a, b, period, by, direction, 500) if a and period else None
        return page(
            request,
            "dyad.html",
            a=a,
            b=b,
            by=by,
            direction=direction,
            series=series,
            period=period,
            evidence=chosen,
            pairs=store.dyad_pairs(30) if not a else [],
            alliances=sorted(relations.alliances()),
        )

    @app.get("/alliances", response_class=HTMLResponse, include_in_schema=False)
    def alliances_page(
        request: Request, store: StoreDep, code: str = "CSTO", by: Grain = "month"
    ) -> HTMLResponse:
        try:
            rows = relations.alliance_stress(store, code, by)
        except ValueError as exc:
            raise HTTPException(404, str(exc)) from exc
        return page(
            request,
            "alliances.html",
            code=code.upper(),
            by=by,
            rows=rows,
            alliances=sorted(relations.alliances()),
        )

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories_page(
        request: Request, store: StoreDep, offset: Annotated[int, Query(ge=0)] = 0
    ) -> HTMLResponse:
        rows = analysis.list_stories(store, 100, offset)
        titles = store.article_titles(i for r in rows for i in r["article_ids"][:3])
        return page(request, "stories.html", rows=rows, titles=titles, offset=offset)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(request: Request, store: StoreDep, story_id: int) -> HTMLResponse:
        return page(request, "story.html", story=story_or_404(store, story_id))

    @app.get("/stories/{story_id}/brief", tags=["analysis"])
    def story_brief(store: StoreDep, story_id: int, fmt: BriefFormat = "md") -> Response:
        """A brief of the story (Markdown or HTML): timeline and a cited extractive summary."""
        found = analysis.story_brief(store, story_id)
        if found is None:
            raise HTTPException(404, f"no story with id {story_id}")
        return brief_response(found, fmt, f"story-{story_id}")

    @app.get("/dyads/brief", tags=["relations"])
    def dyad_brief(
        store: StoreDep, a: str, b: str, direction: Direction = "both", fmt: BriefFormat = "md"
    ) -> Response:
        """A brief of a relation (Markdown or HTML): the events in date order, cited."""
        found = analysis.dyad_brief(store, a, b or relations.EVERYONE, direction)
        return brief_response(
            found, fmt, f"dyad-{_UPLOAD_NAME.sub('_', a)}-{_UPLOAD_NAME.sub('_', b)}"
        )

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def claims_page(request: Request, store: StoreDep) -> HTMLResponse:
        rows = analysis.claims_list(store)
        ids = {i for c in rows for v in c["versions"] for i in v["article_ids"]}
        return page(request, "claims.html", rows=rows, titles=store.article_titles(ids))

    @app.get("/quotes", response_class=HTMLResponse, include_in_schema=False)
    def quotes_page(request: Request, store: StoreDep, speaker: str = "") -> HTMLResponse:
        rows = analysis.quotes(store, None, speaker.strip() or None, 1000)
        titles = store.article_titles({q["article_id"] for q in rows})
        return page(request, "quotes.html", rows=rows, titles=titles, speaker=speaker)

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        request: Request,
        store: StoreDep,
        actor: str = "",
        source: str = "",
        target: str = "",
        root: str = "",
        all_modalities: bool = False,
    ) -> HTMLResponse:
        f = _event_filter(actor, source, target, root, None, None, None, all_modalities, 1000)
        rows = store.query_events(f)
        titles = store.article_titles({e["article_id"] for e in rows})
        return page(request, "events.html", rows=rows, titles=titles, f=f)

    @app.get("/errors", response_class=HTMLResponse, include_in_schema=False)
    def errors_page(request: Request, store: StoreDep) -> HTMLResponse:
        return page(request, "errors.html", rows=store.errors(None, 500))

    @app.get("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_form(request: Request) -> HTMLResponse:
        return page(request, "ingest.html", result=None, error=None)

    @app.post("/ingest", response_class=HTMLResponse, include_in_schema=False)
    def ingest_submit(
        request: Request,
        store: StoreDep,
        files: Annotated[list[UploadFile], File()],
        token: Annotated[str, Form()] = "",
    ) -> HTMLResponse:
        try:
            check_token(token)
        except HTTPException as exc:
            response = page(request, "ingest.html", result=None, error=exc.detail)
            response.status_code = exc.status_code
            return response
        return page(
            request, "ingest.html", result=ingest_uploads(store, settings, files), error=None
        )

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        response = page(request, "error.html", status=exc.status_code, detail=exc.detail)
        response.status_code = exc.status_code
        return response

    return app


def ingest_uploads(store: Store, settings: Settings, files: list[UploadFile]) -> dict[str, Any]:
    """Save uploads to a private temporary folder, ingest it and run the later stages.

    Linked pages of uploaded feeds are not fetched: a server must not be made to request
    URLs chosen by whoever uploads.
    """
    upload_settings = dataclasses.replace(settings, fetch_linked_pages=False)
    folder = Path(tempfile.mkdtemp(prefix="detente-upload-"))
    errors: list[dict[str, str]] = []
    try:
        names: list[str] = []
        for i, upload in enumerate(files):
            original = Path(upload.filename or f"upload-{i}").name
            safe = _UPLOAD_NAME.sub("_", original).lstrip(".") or f"upload-{i}"
            target = folder / f"{i:03d}-{safe}"
            size = 0
            with target.open("wb") as out:
                while chunk := upload.file.read(1 << 20):
                    size += len(chunk)
                    if size > settings.max_input_bytes:
                        break
                    out.write(chunk)
            if size > settings.max_input_bytes:
                target.unlink()
                errors.append(
                    {"input": original, "reason": f"larger than {settings.max_input_bytes} bytes"}
                )
                continue
            names.append(original)
        report = ingest_inputs([str(folder)], store, upload_settings)
        processed = process_articles(store, upload_settings, report.article_ids)
        prefix = str(folder) + "/"
        for e in report.errors:
            # Name the file as the visitor called it, not by our temporary path.
            shown = re.sub(r"^\d{3}-", "", e.input.replace(prefix, ""))
            errors.append({"input": shown, "reason": e.reason})
        ids = sorted(set(report.article_ids))
        return {
            "run_id": report.run_id,
            "files": names,
            "documents": report.n_documents,
            "new_articles": report.n_new,
            "already_stored": report.n_known,
            "article_ids": ids,
            "articles": [
                {"id": a.id, "title": a.title} for a in store.load_articles(ids) if a.id is not None
            ],
            "errors": errors,
            "skipped_files": [re.sub(r"^\d{3}-", "", Path(s).name) for s in report.skipped],
            "processed": processed,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
