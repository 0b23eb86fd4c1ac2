"""The store: every SQL statement detente runs lives in this module.

SQLite in WAL mode with foreign keys on; the schema is built and upgraded by numbered
migrations recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .model import (
    Article,
    Event,
    EventDate,
    IngestError,
    Location,
    Mention,
    PublicationDate,
    Sentence,
    Span,
)

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "articles, raw inputs, ingest runs and errors, full-text index",
        """
        CREATE TABLE ingest_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            inputs TEXT NOT NULL,
            n_articles INTEGER NOT NULL DEFAULT 0,
            n_duplicates INTEGER NOT NULL DEFAULT 0,
            n_errors INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            text_hash TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            url TEXT,
            outlet TEXT,
            author TEXT,
            source_path TEXT NOT NULL,
            source_format TEXT NOT NULL,
            published TEXT,
            published_precision TEXT NOT NULL DEFAULT 'unknown'
                CHECK (published_precision IN ('day', 'month', 'year', 'unknown')),
            published_start TEXT,
            published_end TEXT,
            published_method TEXT,
            language TEXT,
            language_confidence REAL,
            flags TEXT NOT NULL DEFAULT '{}',
            encoding TEXT,
            ingested_at TEXT NOT NULL,
            run_id INTEGER REFERENCES ingest_runs(id)
        );
        CREATE INDEX articles_text_hash ON articles(text_hash);
        CREATE INDEX articles_published ON articles(published_start, published_end);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_language ON articles(language);
        CREATE TABLE article_raw (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            compression TEXT NOT NULL DEFAULT 'zlib',
            raw BLOB NOT NULL
        );
        CREATE TABLE article_spans (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            kind TEXT NOT NULL
        );
        CREATE INDEX article_spans_article ON article_spans(article_id);
        CREATE TABLE article_removed_lines (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            line TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX article_removed_lines_article ON article_removed_lines(article_id);
        CREATE TABLE article_sources (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            source_path TEXT NOT NULL,
            run_id INTEGER REFERENCES ingest_runs(id),
            PRIMARY KEY (article_id, source_path)
        );
        CREATE TABLE ingest_errors (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES ingest_runs(id),
            input TEXT NOT NULL,
            reason TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '',
            at TEXT NOT NULL
        );
        CREATE INDEX ingest_errors_run ON ingest_errors(run_id);
        CREATE TABLE site_lines (
            site TEXT NOT NULL,
            line_key TEXT NOT NULL,
            title_key TEXT NOT NULL,
            PRIMARY KEY (site, line_key, title_key)
        ) WITHOUT ROWID;
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        """,
    ),
    (
        2,
        "which later stage has processed which article, at which version",
        """
        CREATE TABLE article_stages (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            stage TEXT NOT NULL,
            version TEXT NOT NULL,
            done_at TEXT NOT NULL,
            PRIMARY KEY (article_id, stage)
        ) WITHOUT ROWID;
        """,
    ),
    (
        3,
        "sentences, actor mentions and coded events: the tables shared by later stages",
        """
        CREATE TABLE sentences (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            is_caption INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (article_id, idx)
        ) WITHOUT ROWID;
        CREATE TABLE mentions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            actor_id TEXT,
            actor_code TEXT,
            actor_name TEXT,
            country TEXT,
            method TEXT NOT NULL,
            confidence REAL NOT NULL,
            role TEXT,
            person_id TEXT
        );
        CREATE INDEX mentions_article ON mentions(article_id, start);
        CREATE INDEX mentions_actor ON mentions(actor_code);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            group_id INTEGER,
            sentence INTEGER NOT NULL,
            sentence_start INTEGER NOT NULL,
            sentence_end INTEGER NOT NULL,
            source_code TEXT NOT NULL,
            source_name TEXT,
            source_start INTEGER NOT NULL,
            source_end INTEGER NOT NULL,
            target_code TEXT,
            target_name TEXT,
            target_start INTEGER,
            target_end INTEGER,
            code TEXT NOT NULL,
            root TEXT NOT NULL,
            quad_class INTEGER NOT NULL,
            goldstein REAL NOT NULL,
            plover TEXT,
            trigger TEXT NOT NULL,
            trigger_start INTEGER NOT NULL,
            trigger_end INTEGER NOT NULL,
            modality TEXT NOT NULL,
            date TEXT,
            date_precision TEXT NOT NULL DEFAULT 'unknown',
            date_start TEXT,
            date_end TEXT,
            date_method TEXT NOT NULL DEFAULT 'none',
            location_name TEXT,
            location_country TEXT,
            location_admin1 TEXT,
            location_lat REAL,
            location_lon REAL,
            location_precision TEXT,
            location_geonameid INTEGER,
            reported_by_code TEXT,
            reported_by_name TEXT,
            confidence REAL NOT NULL,
            pattern TEXT,
            coder_version TEXT NOT NULL
        );
        CREATE INDEX events_article ON events(article_id);
        CREATE INDEX events_dyad ON events(source_code, target_code, date_start);
        CREATE INDEX events_target ON events(target_code, date_start);
        CREATE INDEX events_group ON events(group_id);
        """,
    ),
    (
        4,
        "actor knowledge base (actors, aliases, dated offices); mention affiliations",
        """
        ALTER TABLE mentions ADD COLUMN affiliation TEXT;
        CREATE INDEX mentions_person ON mentions(person_id);
        CREATE TABLE actors (
            id TEXT PRIMARY KEY,
            code TEXT,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            country TEXT,
            source TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX actors_code ON actors(code);
        CREATE TABLE actor_aliases (
            actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
            alias TEXT NOT NULL,
            category TEXT NOT NULL,
            PRIMARY KEY (actor_id, alias, category)
        ) WITHOUT ROWID;
        CREATE INDEX actor_aliases_alias ON actor_aliases(alias COLLATE NOCASE);
        CREATE TABLE actor_roles (
            actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
            country TEXT NOT NULL,
            office TEXT NOT NULL,
            code TEXT,
            start TEXT NOT NULL,
            end TEXT,
            approximate INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX actor_roles_actor ON actor_roles(actor_id);
        """,
    ),
    # Later stages append their migrations here: 4 actors, 5 provenance, 6 events,
    # 7 analysis. Migrations are applied by number, whatever the order they landed in.
]

_EVENT_COLUMNS = (
    "sentence", "sentence_start", "sentence_end", "source_code", "source_name",
    "source_start", "source_end", "target_code", "target_name", "target_start", "target_end",
    "code", "root", "quad_class", "goldstein", "plover", "trigger", "trigger_start",
    "trigger_end", "modality", "date", "date_precision", "date_start", "date_end",
    "date_method", "location_name", "location_country", "location_admin1", "location_lat",
    "location_lon", "location_precision", "location_geonameid", "reported_by_code",
    "reported_by_name", "confidence", "pattern", "coder_version",
)  # fmt: skip
_MENTION_COLUMNS = (
    "start", "end", "sentence", "text", "kind", "actor_id", "actor_code", "actor_name",
    "country", "method", "confidence", "role", "person_id", "affiliation",
)  # fmt: skip


def event_row(event: Event) -> dict[str, Any]:
    """An ``Event`` as a flat row of the ``events`` table (date and location flattened)."""
    row = {k: getattr(event, k) for k in _EVENT_COLUMNS if hasattr(event, k)}
    d = event.date
    row.update(
        date=d.date,
        date_precision=d.precision,
        date_start=d.window_start,
        date_end=d.window_end,
        date_method=d.method,
    )
    loc = event.location
    row.update(
        location_name=loc.name if loc else None,
        location_country=loc.country if loc else None,
        location_admin1=loc.admin1 if loc else None,
        location_lat=loc.lat if loc else None,
        location_lon=loc.lon if loc else None,
        location_precision=loc.precision if loc else None,
        location_geonameid=loc.geonameid if loc else None,
    )
    return row


def event_from_row(row: sqlite3.Row | dict[str, Any]) -> Event:
    r = dict(row)
    location = None
    if r.get("location_name"):
        location = Location(
            name=r["location_name"],
            country=r["location_country"],
            admin1=r["location_admin1"],
            lat=r["location_lat"],
            lon=r["location_lon"],
            precision=r["location_precision"] or "country",
            geonameid=r["location_geonameid"],
        )
    date = EventDate(
        date=r["date"],
        precision=r["date_precision"],
        window_start=r["date_start"],
        window_end=r["date_end"],
        method=r["date_method"],
    )
    plain = {
        k: r[k] for k in _EVENT_COLUMNS if k in Event.__dataclass_fields__ and k not in ("date",)
    }
    return Event(**plain, date=date, location=location, article_id=r["article_id"])


ARTICLE_EXPORT_FIELDS = (
    "id",
    "title",
    "text",
    "published",
    "published_precision",
    "published_window",
    "published_method",
    "language",
    "url",
    "outlet",
    "author",
    "source_path",
    "source_format",
    "content_hash",
    "text_hash",
    "flags",
    "captions",
)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreError(Exception):
    pass


@dataclass(frozen=True)
class ArticleFilter:
    language: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    flag: str | None = None
    limit: int | None = 50
    offset: int = 0


class Store:
    """A detente database. Use as a context manager or call ``close``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        try:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise StoreError(f"{self.path}: not a detente database: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ---------------------------------------------------------------------------

    def migrate(self) -> list[int]:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {r[0] for r in self.db.execute("SELECT version FROM schema_migrations")}
        applied = []
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                for statement in _statements(sql):
                    self.db.execute(statement)
                self.db.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()),
                )
            applied.append(version)
        return applied

    def schema_version(self) -> int:
        row = self.db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return int(row[0] or 0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # --- ingest runs and errors -----------------------------------------------------------

    def start_run(self, inputs: list[str]) -> int:
        cur = self.db.execute(
            "INSERT INTO ingest_runs (started_at, inputs) VALUES (?, ?)",
            (now(), json.dumps(inputs)),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, n_articles: int, n_duplicates: int, n_errors: int) -> None:
        self.db.execute(
            "UPDATE ingest_runs SET finished_at = ?, n_articles = ?, n_duplicates = ?, "
            "n_errors = ? WHERE id = ?",
            (now(), n_articles, n_duplicates, n_errors, run_id),
        )

    def add_errors(self, run_id: int | None, errors: Iterable[IngestError]) -> None:
        self.db.executemany(
            "INSERT INTO ingest_errors (run_id, input, reason, detail, at) VALUES (?, ?, ?, ?, ?)",
            [(run_id, e.input, e.reason, e.detail, now()) for e in errors],
        )

    def errors(self, run_id: int | None = None, limit: int = 100) -> list[dict[str, Any]]:
        if run_id is None:
            rows = self.db.execute("SELECT * FROM ingest_errors ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self.db.execute(
                "SELECT * FROM ingest_errors WHERE run_id = ? ORDER BY id LIMIT ?",
                (run_id, limit),
            )
        return [dict(r) for r in rows]

    # --- articles -------------------------------------------------------------------------

    def has_content(self, content_hash: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM articles WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return int(row[0]) if row else None

    def add_article(self, article: Article, run_id: int | None) -> tuple[int, bool]:
        """Insert an article; returns (id, created). Known content returns the existing id."""
        existing = self.has_content(article.content_hash)
        if existing is not None:
            self.db.execute(
                "INSERT OR IGNORE INTO article_sources (article_id, source_path, run_id) "
                "VALUES (?, ?, ?)",
                (existing, article.source_path, run_id),
            )
            return existing, False
        p = article.published
        cur = self.db.execute(
            """INSERT INTO articles (content_hash, text_hash, title, text, url, outlet, author,
                source_path, source_format, published, published_precision, published_start,
                published_end, published_method, language, language_confidence, flags,
                encoding, ingested_at, run_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article.content_hash,
                article.text_hash,
                article.title,
                article.text,
                article.url,
                article.outlet,
                article.author,
                article.source_path,
                article.source_format,
                p.date,
                p.precision,
                p.window_start,
                p.window_end,
                p.method,
                article.language,
                article.language_confidence,
                json.dumps(article.flags, sort_keys=True),
                article.encoding,
                now(),
                run_id,
            ),
        )
        article_id = int(cur.lastrowid or 0)
        self.db.execute(
            "INSERT INTO article_raw (article_id, raw) VALUES (?, ?)",
            (article_id, zlib.compress(article.raw.encode("utf-8"), 6)),
        )
        self.db.executemany(
            "INSERT INTO article_spans (article_id, start, end, kind) VALUES (?, ?, ?, ?)",
            [(article_id, s.start, s.end, s.kind) for s in article.spans],
        )
        self.db.executemany(
            "INSERT INTO article_removed_lines (article_id, position, line, reason) "
            "VALUES (?, ?, ?, ?)",
            [(article_id, i, r.line, r.reason) for i, r in enumerate(article.removed)],
        )
        self.db.execute(
            "INSERT INTO article_sources (article_id, source_path, run_id) VALUES (?, ?, ?)",
            (article_id, article.source_path, run_id),
        )
        return article_id, True

    def article(self, article_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        result = _article_dict(row)
        result["spans"] = [
            dict(r)
            for r in self.db.execute(
                "SELECT start, end, kind FROM article_spans WHERE article_id = ? ORDER BY start",
                (article_id,),
            )
        ]
        result["captions"] = [
            [s["start"], s["end"]] for s in result["spans"] if s["kind"] == "caption"
        ]
        result["removed_lines"] = [
            dict(r)
            for r in self.db.execute(
                "SELECT line, reason FROM article_removed_lines WHERE article_id = ? "
                "ORDER BY position",
                (article_id,),
            )
        ]
        result["sources"] = [
            r[0]
            for r in self.db.execute(
                "SELECT source_path FROM article_sources WHERE article_id = ? ORDER BY rowid",
                (article_id,),
            )
        ]
        return result

    def raw(self, article_id: int) -> str | None:
        row = self.db.execute(
            "SELECT raw FROM article_raw WHERE article_id = ?", (article_id,)
        ).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else None

    def articles(self, f: ArticleFilter = ArticleFilter()) -> list[dict[str, Any]]:
        where, params = _article_where(f)
        sql = (
            "SELECT id, title, outlet, url, published, published_precision, published_start, "
            "published_end, language, source_format, source_path, flags, length(text) AS chars "
            f"FROM articles {where} ORDER BY COALESCE(published_start, '9999'), id"
        )
        if f.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [f.limit, f.offset]
        return [_article_dict(r) for r in self.db.execute(sql, params)]

    def iter_articles_for_export(self, f: ArticleFilter | None = None) -> Iterator[dict[str, Any]]:
        where, params = _article_where(f or ArticleFilter(limit=None))
        caption_rows = self.db.execute(
            "SELECT article_id, start, end FROM article_spans WHERE kind = 'caption' "
            "ORDER BY article_id, start"
        )
        captions: dict[int, list[list[int]]] = {}
        for r in caption_rows:
            captions.setdefault(r[0], []).append([r[1], r[2]])
        for row in self.db.execute(f"SELECT * FROM articles {where} ORDER BY id", params):
            d = _article_dict(row)
            d["captions"] = captions.get(d["id"], [])
            yield {k: d.get(k) for k in ARTICLE_EXPORT_FIELDS}

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        sql = (
            "SELECT a.id, a.title, a.outlet, a.published, a.published_start, a.language, "
            "snippet(articles_fts, 1, '[', ']', ' ... ', 12) AS snippet, "
            "bm25(articles_fts, 5.0, 1.0) AS score "
            "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid "
            "WHERE articles_fts MATCH ? ORDER BY score LIMIT ?"
        )
        try:
            rows = self.db.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError:
            # Not valid FTS5 syntax (a stray quote or hyphen): search the words as phrases.
            safe = " ".join('"' + w.replace('"', '""') + '"' for w in query.split())
            if not safe:
                return []
            rows = self.db.execute(sql, (safe, limit)).fetchall()
        return [dict(r) for r in rows]

    def stats(self) -> dict[str, Any]:
        one = self.db.execute
        result: dict[str, Any] = {
            "articles": one("SELECT COUNT(*) FROM articles").fetchone()[0],
            "ingest_runs": one("SELECT COUNT(*) FROM ingest_runs").fetchone()[0],
            "ingest_errors": one("SELECT COUNT(*) FROM ingest_errors").fetchone()[0],
            "schema_version": self.schema_version(),
        }
        for column in ("language", "source_format", "published_precision"):
            result[f"by_{column}"] = {
                (r[0] or "unknown"): r[1]
                for r in one(f"SELECT {column}, COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC")
            }
        result["by_outlet"] = {
            (r[0] or "unknown"): r[1]
            for r in one(
                "SELECT outlet, COUNT(*) FROM articles GROUP BY 1 ORDER BY 2 DESC LIMIT 15"
            )
        }
        span = one("SELECT MIN(published_start), MAX(published_end) FROM articles").fetchone()
        result["published_range"] = [span[0], span[1]]
        result["exact_duplicate_texts"] = one(
            "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM articles "
            "GROUP BY text_hash HAVING n > 1)"
        ).fetchone()[0]
        result["flags"] = {
            r[0]: r[1]
            for r in one(
                "SELECT j.key, COUNT(*) FROM articles, json_each(articles.flags) AS j "
                "GROUP BY j.key ORDER BY 2 DESC"
            )
        }
        return result

    # --- corpus evidence for cleaning -----------------------------------------------------

    def site_line_counts(self, sites: Iterable[str]) -> dict[str, dict[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for site in set(sites):
            rows = self.db.execute(
                "SELECT line_key, COUNT(*) FROM site_lines WHERE site = ? GROUP BY line_key",
                (site,),
            )
            result[site] = {r[0]: r[1] for r in rows}
        return result

    def add_site_lines(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO site_lines (site, line_key, title_key) VALUES (?, ?, ?)",
            rows,
        )

    # --- stage bookkeeping ----------------------------------------------------------------

    def articles_pending(
        self, stage: str, version: str, ids: Iterable[int] | None = None
    ) -> list[int]:
        """Articles (of ``ids``, or all) that ``stage`` has not processed at ``version``."""
        sql = (
            "SELECT a.id FROM articles a LEFT JOIN article_stages s "
            "ON s.article_id = a.id AND s.stage = ? WHERE (s.version IS NULL OR s.version != ?)"
        )
        params: list[Any] = [stage, version]
        if ids is not None:
            wanted = sorted(set(ids))
            if not wanted:
                return []
            sql += f" AND a.id IN ({','.join('?' * len(wanted))})"
            params.extend(wanted)
        return [r[0] for r in self.db.execute(sql + " ORDER BY a.id", params)]

    def mark_stage_done(self, stage: str, version: str, article_ids: Iterable[int]) -> None:
        stamp = now()
        self.db.executemany(
            "INSERT INTO article_stages (article_id, stage, version, done_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(article_id, stage) DO UPDATE SET version = excluded.version, "
            "done_at = excluded.done_at",
            [(i, stage, version, stamp) for i in article_ids],
        )

    def load_articles(self, article_ids: Iterable[int]) -> list[Article]:
        """Stored articles as ``Article`` dataclasses (with their spans), in id order."""
        wanted = sorted(set(article_ids))
        result: list[Article] = []
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            spans: dict[int, list[Span]] = {}
            for r in self.db.execute(
                f"SELECT article_id, start, end, kind FROM article_spans "
                f"WHERE article_id IN ({marks}) ORDER BY article_id, start",
                chunk,
            ):
                spans.setdefault(r[0], []).append(Span(r[1], r[2], r[3]))
            for r in self.db.execute(
                f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", chunk
            ):
                result.append(
                    Article(
                        id=r["id"],
                        title=r["title"],
                        text=r["text"],
                        source_path=r["source_path"],
                        source_format=r["source_format"],
                        raw="",  # raw inputs stay in article_raw; ``raw()`` reads one
                        content_hash=r["content_hash"],
                        text_hash=r["text_hash"],
                        url=r["url"],
                        outlet=r["outlet"],
                        author=r["author"],
                        language=r["language"],
                        language_confidence=r["language_confidence"],
                        published=PublicationDate(
                            r["published"],
                            r["published_precision"],
                            r["published_start"],
                            r["published_end"],
                            r["published_method"] or "none",
                        ),
                        flags=json.loads(r["flags"] or "{}"),
                        spans=spans.get(r["id"], []),
                        encoding=r["encoding"] or "utf-8",
                    )
                )
        return result

    def origin_ids(self, article_ids: Iterable[int]) -> dict[int, int]:
        """Each article's independent origin: itself, or the article it is a copy of.

        Until copy detection is present this knows exact duplicates only (same normalised
        text): the lowest id of a group of identical texts is the origin.
        """
        wanted = sorted(set(article_ids))
        result: dict[int, int] = {}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT a.id, (SELECT MIN(b.id) FROM articles b WHERE b.text_hash = a.text_hash) "
                f"FROM articles a WHERE a.id IN ({marks})",
                chunk,
            ):
                result[r[0]] = r[1]
        return result

    # --- sentences, mentions, events (shared by the later stages) -------------------------

    def replace_sentences(self, article_id: int, sentences: Iterable[Sentence]) -> None:
        self.db.execute("DELETE FROM sentences WHERE article_id = ?", (article_id,))
        self.db.executemany(
            "INSERT INTO sentences (article_id, idx, start, end, is_caption) "
            "VALUES (?, ?, ?, ?, ?)",
            [(article_id, s.index, s.start, s.end, int(s.is_caption)) for s in sentences],
        )

    def sentences(self, article_id: int) -> list[Sentence]:
        return [
            Sentence(r[0], r[1], r[2], bool(r[3]))
            for r in self.db.execute(
                "SELECT idx, start, end, is_caption FROM sentences WHERE article_id = ? "
                "ORDER BY idx",
                (article_id,),
            )
        ]

    def replace_mentions(self, article_id: int, mentions: Iterable[Mention]) -> None:
        self.db.execute("DELETE FROM mentions WHERE article_id = ?", (article_id,))
        cols = ", ".join(_MENTION_COLUMNS)
        marks = ", ".join("?" * (len(_MENTION_COLUMNS) + 1))
        self.db.executemany(
            f"INSERT INTO mentions (article_id, {cols}) VALUES ({marks})",
            [(article_id, *(getattr(m, c) for c in _MENTION_COLUMNS)) for m in mentions],
        )

    def mentions(self, article_id: int) -> list[Mention]:
        cols = ", ".join(_MENTION_COLUMNS)
        return [
            Mention(**dict(r))
            for r in self.db.execute(
                f"SELECT {cols} FROM mentions WHERE article_id = ? ORDER BY start, end",
                (article_id,),
            )
        ]

    def replace_events(self, article_id: int, events: Iterable[Event]) -> list[int]:
        """Store an article's events (replacing earlier ones); returns their ids."""
        self.db.execute("DELETE FROM events WHERE article_id = ?", (article_id,))
        cols = ", ".join(_EVENT_COLUMNS)
        marks = ", ".join("?" * (len(_EVENT_COLUMNS) + 1))
        ids = []
        for event in events:
            row = event_row(event)
            cur = self.db.execute(
                f"INSERT INTO events (article_id, {cols}) VALUES ({marks})",
                (article_id, *(row[c] for c in _EVENT_COLUMNS)),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    def events(self, article_id: int) -> list[Event]:
        return [
            event_from_row(r)
            for r in self.db.execute(
                "SELECT * FROM events WHERE article_id = ? ORDER BY sentence, trigger_start",
                (article_id,),
            )
        ]

    # Later stages add their sections below: "# --- actors ---", "# --- provenance ---",
    # "# --- events ---", "# --- analysis ---".

    # --- actors ---------------------------------------------------------------------------

    def replace_actor_kb(
        self,
        actors: Iterable[tuple[str, str | None, str, str, str | None, str]],
        aliases: Iterable[tuple[str, str, str]],
        roles: Iterable[tuple[str, str, str, str | None, str, str | None, int]],
    ) -> None:
        """Replace the stored knowledge base: (id, code, name, kind, country, source) rows,
        (actor_id, alias, category) rows and (actor_id, country, office, code, start, end,
        approximate) rows."""
        self.db.execute("DELETE FROM actor_roles")
        self.db.execute("DELETE FROM actor_aliases")
        self.db.execute("DELETE FROM actors")
        self.db.executemany(
            "INSERT INTO actors (id, code, name, kind, country, source) VALUES (?, ?, ?, ?, ?, ?)",
            actors,
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO actor_aliases (actor_id, alias, category) VALUES (?, ?, ?)",
            aliases,
        )
        self.db.executemany(
            "INSERT INTO actor_roles (actor_id, country, office, code, start, end, approximate) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            roles,
        )

    def actor_kb_size(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM actors").fetchone()[0])

    def find_actors(self, query: str | None, limit: int = 100) -> list[dict[str, Any]]:
        """Actors whose id, code, name or an alias contains ``query``, with corpus counts."""
        params: list[Any] = []
        where = ""
        if query:
            like = f"%{query}%"
            where = (
                "WHERE a.id LIKE ? OR a.code = ? COLLATE NOCASE OR a.name LIKE ? OR a.id IN "
                "(SELECT actor_id FROM actor_aliases WHERE alias LIKE ?)"
            )
            params = [like, query, like, like]
        rows = self.db.execute(
            "SELECT a.id, a.code, a.name, a.kind, a.country, a.source, "
            "(SELECT COUNT(*) FROM mentions m WHERE m.actor_id = a.id OR m.person_id = a.id) "
            f"AS n_mentions FROM actors a {where} ORDER BY n_mentions DESC, a.id LIMIT ?",
            [*params, limit],
        )
        return [dict(r) for r in rows]

    def actor_roles(self, actor_id: str) -> list[dict[str, Any]]:
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT country, office, code, start, end, approximate FROM actor_roles "
                "WHERE actor_id = ? ORDER BY start",
                (actor_id,),
            )
        ]

    def actor_aliases(self, actor_id: str) -> list[str]:
        return [
            r[0]
            for r in self.db.execute(
                "SELECT DISTINCT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias",
                (actor_id,),
            )
        ]

    def actor_report(self, key: str, limit: int = 20) -> dict[str, Any] | None:
        """What the corpus says about an actor (an actor id, a code or a name)."""
        actor = self.db.execute(
            "SELECT * FROM actors WHERE id = ? OR name = ? COLLATE NOCASE "
            "OR id IN (SELECT actor_id FROM actor_aliases WHERE alias = ? COLLATE NOCASE) "
            "ORDER BY kind = 'person' DESC LIMIT 1",
            (key, key, key),
        ).fetchone()
        code = key.upper() if actor is None else None
        if actor is None:
            n = self.db.execute(
                "SELECT COUNT(*) FROM mentions WHERE actor_code = ?", (code,)
            ).fetchone()[0]
            if not n:
                return None
            match, params = "m.actor_code = ?", [code]
            info: dict[str, Any] = {"id": code, "code": code, "name": code, "kind": "code"}
        elif actor["kind"] != "person" and actor["code"]:
            # A country, government or body: every mention carrying its code, people too.
            info = dict(actor)
            match, params = "m.actor_code = ?", [actor["code"]]
        else:
            info = dict(actor)
            match, params = "(m.actor_id = ? OR m.person_id = ?)", [actor["id"], actor["id"]]
        info["roles"] = self.actor_roles(info["id"])
        info["aliases"] = self.actor_aliases(info["id"])
        q = self.db.execute
        info["n_mentions"] = q(f"SELECT COUNT(*) FROM mentions m WHERE {match}", params).fetchone()[
            0
        ]
        info["n_articles"] = q(
            f"SELECT COUNT(DISTINCT article_id) FROM mentions m WHERE {match}", params
        ).fetchone()[0]
        for key, column in (("by_code", "actor_code"), ("surface_forms", "text")):
            info[key] = {
                (r[0] or "unresolved"): r[1]
                for r in q(
                    f"SELECT {column}, COUNT(*) FROM mentions m WHERE {match} GROUP BY 1 "
                    "ORDER BY 2 DESC LIMIT ?",
                    [*params, limit],
                )
            }
        info["articles"] = [
            dict(r)
            for r in q(
                f"SELECT a.id, a.published, a.title, COUNT(*) AS n_mentions FROM mentions m "
                f"JOIN articles a ON a.id = m.article_id WHERE {match} GROUP BY a.id "
                "ORDER BY a.published_start DESC, a.id LIMIT ?",
                [*params, limit],
            )
        ]
        info["co_mentioned"] = [
            dict(r)
            for r in q(
                f"SELECT o.actor_code AS code, COALESCE((SELECT name FROM actors "
                f"WHERE id = o.actor_code), MIN(o.actor_name)) AS name, "
                f"COUNT(DISTINCT o.article_id) AS n_articles FROM mentions o "
                f"WHERE o.actor_code IS NOT NULL AND o.article_id IN "
                f"(SELECT article_id FROM mentions m WHERE {match}) AND NOT "
                f"{match.replace('m.', 'o.')} GROUP BY o.actor_code ORDER BY 3 DESC LIMIT ?",
                [*params, *params, limit],
            )
        ]
        return info

    def iter_mentions_for_export(self) -> Iterator[dict[str, Any]]:
        cols = ", ".join(f"m.{c}" for c in _MENTION_COLUMNS)
        for r in self.db.execute(
            f"SELECT m.article_id, {cols}, s.start AS sentence_start, s.end AS sentence_end "
            "FROM mentions m LEFT JOIN sentences s ON s.article_id = m.article_id "
            "AND s.idx = m.sentence ORDER BY m.article_id, m.start, m.end"
        ):
            yield dict(r)

    def iter_actors_for_export(self) -> Iterator[dict[str, Any]]:
        aliases: dict[str, list[str]] = {}
        for r in self.db.execute("SELECT actor_id, alias FROM actor_aliases ORDER BY alias"):
            aliases.setdefault(r[0], []).append(r[1])
        roles: dict[str, list[dict[str, Any]]] = {}
        for r in self.db.execute(
            "SELECT actor_id, country, office, code, start, end, approximate FROM actor_roles "
            "ORDER BY actor_id, start"
        ):
            d = dict(r)
            roles.setdefault(d.pop("actor_id"), []).append(d)
        for r in self.db.execute(
            "SELECT a.*, (SELECT COUNT(*) FROM mentions m WHERE m.actor_id = a.id "
            "OR m.person_id = a.id) AS n_mentions FROM actors a ORDER BY a.id"
        ):
            d = dict(r)
            d["aliases"] = sorted(set(aliases.get(d["id"], [])))
            d["roles"] = roles.get(d["id"], [])
            yield d


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements, keeping trigger bodies whole."""
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def _article_where(f: ArticleFilter) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if f.language:
        clauses.append("language = ?")
        params.append(f.language)
    if f.outlet:
        clauses.append("outlet LIKE ?")
        params.append(f"%{f.outlet}%")
    if f.since:
        clauses.append("COALESCE(published_end, published_start) >= ?")
        params.append(f.since)
    if f.until:
        clauses.append("published_start <= ?")
        params.append(f.until)
    if f.flag:
        clauses.append("json_extract(flags, '$.' || ?) IS NOT NULL")
        params.append(f.flag)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _article_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    if "flags" in d:
        d["flags"] = json.loads(d["flags"] or "{}")
    if "published_start" in d or "published_end" in d:
        start, end = d.get("published_start"), d.get("published_end")
        d["published_window"] = [start, end] if (start or end) else None
    return d
