"""The store: every SQL statement detente runs lives in this module.

SQLite in WAL mode with foreign keys on; the schema is built and upgraded by numbered
migrations recorded in ``schema_migrations``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .claims import Claim, ClaimVersion, Quantity, Quote
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
    (
        5,
        "provenance: copy-detection fingerprints, copy links, origins and quality signals",
        """
        CREATE TABLE provenance_fingerprints (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            n_words INTEGER NOT NULL,
            word_shingles BLOB NOT NULL,
            skeleton_shingles BLOB NOT NULL,
            anchors TEXT NOT NULL,
            sig_words BLOB NOT NULL,
            sig_skeleton BLOB NOT NULL,
            sig_anchors BLOB NOT NULL
        );
        CREATE TABLE copy_links (
            copy_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            origin_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            link_type TEXT NOT NULL
                CHECK (link_type IN ('exact', 'near', 'partial', 'spun', 'rewrite')),
            score REAL NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            found_at TEXT NOT NULL,
            PRIMARY KEY (copy_id, origin_id)
        );
        CREATE INDEX copy_links_origin ON copy_links(origin_id);
        CREATE TABLE article_provenance (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            origin_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            group_size INTEGER NOT NULL DEFAULT 1,
            origin_reason TEXT NOT NULL DEFAULT '',
            spun REAL NOT NULL DEFAULT 0,
            spun_evidence TEXT NOT NULL DEFAULT '[]',
            machine_translated REAL NOT NULL DEFAULT 0,
            machine_translated_evidence TEXT NOT NULL DEFAULT '[]',
            content_farm REAL NOT NULL DEFAULT 0,
            content_farm_evidence TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX article_provenance_origin ON article_provenance(origin_id);
        """,
    ),
    (
        6,
        "event groups: one real-world event reported by several articles",
        """
        CREATE TABLE event_groups (
            id INTEGER PRIMARY KEY,
            source_code TEXT NOT NULL,
            target_code TEXT,
            root TEXT NOT NULL,
            code TEXT NOT NULL,
            date_start TEXT,
            date_end TEXT,
            n_events INTEGER NOT NULL,
            n_articles INTEGER NOT NULL,
            n_sources INTEGER NOT NULL
        );
        CREATE INDEX event_groups_dyad ON event_groups(source_code, target_code, root);
        CREATE INDEX events_code ON events(code);
        CREATE INDEX events_root ON events(root, quad_class);
        """,
    ),
    (
        7,
        "analysis: stories, quotes, quantities, conflicting claims, dyad aggregates",
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            start TEXT,
            end TEXT,
            n_articles INTEGER NOT NULL DEFAULT 0,
            n_sources INTEGER NOT NULL DEFAULT 0,
            actors TEXT NOT NULL DEFAULT '{}',
            terms TEXT NOT NULL DEFAULT '[]',
            centroid TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL
        );
        CREATE INDEX stories_period ON stories(end, start);
        CREATE TABLE story_articles (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            similarity REAL NOT NULL,
            day TEXT
        );
        CREATE INDEX story_articles_story ON story_articles(story_id);
        CREATE TABLE story_terms (
            term TEXT PRIMARY KEY,
            df INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE quotes (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            text TEXT NOT NULL,
            verb TEXT NOT NULL,
            kind TEXT NOT NULL,
            speaker_text TEXT NOT NULL,
            speaker_start INTEGER,
            speaker_end INTEGER,
            speaker_code TEXT,
            speaker_name TEXT,
            speaker_id TEXT
        );
        CREATE INDEX quotes_article ON quotes(article_id, start);
        CREATE INDEX quotes_speaker ON quotes(speaker_code);
        CREATE TABLE quantities (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            what TEXT NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            approximate INTEGER NOT NULL,
            text TEXT NOT NULL,
            noun TEXT NOT NULL,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            sentence_start INTEGER NOT NULL,
            sentence_end INTEGER NOT NULL,
            actor_code TEXT,
            year INTEGER
        );
        CREATE INDEX quantities_article ON quantities(article_id);
        CREATE INDEX quantities_what ON quantities(what, actor_code);
        CREATE TABLE claims (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            what TEXT NOT NULL,
            unit TEXT NOT NULL,
            actor_code TEXT,
            story_id INTEGER,
            versions TEXT NOT NULL,
            n_versions INTEGER NOT NULL,
            n_sources INTEGER NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE event_units (
            event_id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            origin_id INTEGER NOT NULL,
            unit_key TEXT NOT NULL,
            source_code TEXT NOT NULL,
            target_code TEXT NOT NULL,
            day TEXT NOT NULL,
            quad_class INTEGER NOT NULL,
            root TEXT NOT NULL,
            goldstein REAL NOT NULL,
            counted INTEGER NOT NULL
        );
        CREATE INDEX event_units_article ON event_units(article_id);
        CREATE INDEX event_units_dyad ON event_units(source_code, target_code, day);
        CREATE INDEX event_units_target ON event_units(target_code, day);
        CREATE TABLE dyad_periods (
            direction TEXT NOT NULL CHECK (direction IN ('out', 'both')),
            source_code TEXT NOT NULL,
            target_code TEXT NOT NULL,
            grain TEXT NOT NULL CHECK (grain IN ('day', 'week', 'month')),
            period TEXT NOT NULL,
            n_events INTEGER NOT NULL,
            n_mentions INTEGER NOT NULL,
            n_sources INTEGER NOT NULL,
            goldstein_sum REAL NOT NULL,
            quad1 INTEGER NOT NULL,
            quad2 INTEGER NOT NULL,
            quad3 INTEGER NOT NULL,
            quad4 INTEGER NOT NULL,
            roots TEXT NOT NULL,
            PRIMARY KEY (direction, source_code, target_code, grain, period)
        ) WITHOUT ROWID;
        """,
    ),
    (
        8,
        "stories: an article may belong to several stories (one primary, others secondary)",
        # News articles often bridge two developing stories. Existing memberships become
        # primary ones, in their original order (the rowid order story assignment replays).
        """
        CREATE TABLE story_articles_v8 (
            story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('primary', 'secondary')),
            similarity REAL NOT NULL,
            day TEXT,
            PRIMARY KEY (story_id, article_id)
        );
        INSERT INTO story_articles_v8 (story_id, article_id, role, similarity, day)
            SELECT story_id, article_id, 'primary', similarity, day FROM story_articles
            ORDER BY rowid;
        DROP TABLE story_articles;
        ALTER TABLE story_articles_v8 RENAME TO story_articles;
        CREATE UNIQUE INDEX story_articles_primary ON story_articles(article_id)
            WHERE role = 'primary';
        CREATE INDEX story_articles_article ON story_articles(article_id, role);
        """,
    ),
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
    # provenance: quality signals (0..1) and the article's canonical origin
    "spun",
    "machine_translated",
    "content_farm",
    "origin_id",
)

COPY_EXPORT_FIELDS = (
    "article_id",
    "origin_id",
    "group_origin_id",
    "link_type",
    "score",
    "evidence",
)


@dataclass(frozen=True)
class EventFilter:
    actor: str | None = None
    source: str | None = None
    target: str | None = None
    code: str | None = None
    root: str | None = None
    quad_class: int | None = None
    since: str | None = None
    until: str | None = None
    article_id: int | None = None
    # Default: the modalities that count as events (not negated, hypothetical, opinion...).
    modalities: tuple[str, ...] = ("asserted", "future", "planned")
    limit: int | None = 100


EVENT_EXPORT_FIELDS = (
    "id", "article_id", "date", "date_precision", "date_window", "date_method",
    "source_code", "source_name", "source_span", "target_code", "target_name", "target_span",
    "cameo", "cameo_name", "root", "quad_class", "goldstein", "plover", "trigger",
    "trigger_span", "modality", "location", "reported_by_code", "reported_by_name",
    "confidence", "pattern", "coder_version", "group_id", "n_articles", "n_sources", "sentence",
    "evidence",
)  # fmt: skip


def event_export_row(r: dict[str, Any]) -> dict[str, Any]:
    from .cameo import codebook

    location = None
    if r.get("location_name"):
        location = {
            "name": r["location_name"], "country": r["location_country"],
            "admin1": r["location_admin1"], "lat": r["location_lat"], "lon": r["location_lon"],
            "precision": r["location_precision"], "geonameid": r["location_geonameid"],
        }  # fmt: skip
    entry = codebook().get(r["code"])
    target_span = (
        [r["target_start"], r["target_end"]] if r.get("target_start") is not None else None
    )
    return {
        "id": r["id"],
        "article_id": r["article_id"],
        "date": r["date"],
        "date_precision": r["date_precision"],
        "date_window": [r["date_start"], r["date_end"]],
        "date_method": r["date_method"],
        "source_code": r["source_code"],
        "source_name": r["source_name"],
        "source_span": [r["source_start"], r["source_end"]],
        "target_code": r["target_code"],
        "target_name": r["target_name"],
        "target_span": target_span,
        "cameo": r["code"],
        "cameo_name": entry.name if entry else None,
        "root": r["root"],
        "quad_class": r["quad_class"],
        "goldstein": r["goldstein"],
        "plover": r["plover"],
        "trigger": r["trigger"],
        "trigger_span": [r["trigger_start"], r["trigger_end"]],
        "modality": r["modality"],
        "location": location,
        "reported_by_code": r["reported_by_code"],
        "reported_by_name": r["reported_by_name"],
        "confidence": r["confidence"],
        "pattern": r["pattern"],
        "coder_version": r["coder_version"],
        "group_id": r["group_id"],
        "n_articles": r.get("n_articles") or 1,
        "n_sources": r.get("n_sources") or 1,
        "sentence": r["sentence"],
        "evidence": [
            {
                "article_id": r["article_id"],
                "sentence": r.get("evidence"),
                "start": r["sentence_start"],
                "end": r["sentence_end"],
            }
        ],
    }


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

    def __init__(self, path: Path | str, check_same_thread: bool = True) -> None:
        """``check_same_thread=False`` lets a connection that one caller uses at a time move
        between threads (the web app's per-request store)."""
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        try:
            self.db = sqlite3.connect(
                self.path, isolation_level=None, timeout=30, check_same_thread=check_same_thread
            )
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
        provenance = {
            r[0]: {
                "spun": r[1],
                "machine_translated": r[2],
                "content_farm": r[3],
                "origin_id": r[4],
            }
            for r in self.db.execute(
                "SELECT article_id, spun, machine_translated, content_farm, origin_id "
                "FROM article_provenance"
            )
        }
        for row in self.db.execute(f"SELECT * FROM articles {where} ORDER BY id", params):
            d = _article_dict(row)
            d["captions"] = captions.get(d["id"], [])
            d.update(provenance.get(d["id"], {}))
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
        result["analysis"] = self._analysis_counts()
        return result

    def _analysis_counts(self) -> dict[str, Any]:
        """What the later stages found: one line each in the summary."""
        one = self.db.execute
        counted = "('asserted', 'future', 'planned')"
        return {
            "mentions": one("SELECT COUNT(*) FROM mentions").fetchone()[0],
            "mentions_resolved": one(
                "SELECT COUNT(*) FROM mentions WHERE actor_code IS NOT NULL"
            ).fetchone()[0],
            "actors_mentioned": one(
                "SELECT COUNT(DISTINCT actor_code) FROM mentions WHERE actor_code IS NOT NULL"
            ).fetchone()[0],
            "top_actors": [
                [r[0], r[1]]
                for r in one(
                    "SELECT actor_code, COUNT(DISTINCT article_id) FROM mentions "
                    "WHERE actor_code IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 8"
                )
            ],
            "events": one(f"SELECT COUNT(*) FROM events WHERE modality IN {counted}").fetchone()[0],
            "events_other_modalities": one(
                f"SELECT COUNT(*) FROM events WHERE modality NOT IN {counted}"
            ).fetchone()[0],
            "event_groups": one("SELECT COUNT(*) FROM event_groups").fetchone()[0],
            "top_dyads": [
                [r[0], r[1], r[2], round(r[3], 1)]
                for r in one(
                    "SELECT source_code, target_code, COUNT(*), SUM(goldstein) FROM events "
                    f"WHERE target_code IS NOT NULL AND modality IN {counted} "
                    "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5"
                )
            ],
            "copy_links": one("SELECT COUNT(*) FROM copy_links").fetchone()[0],
            "independent_origins": one(
                "SELECT COUNT(DISTINCT origin_id) FROM article_provenance"
            ).fetchone()[0],
            "stories": one("SELECT COUNT(*) FROM stories").fetchone()[0],
            "quotes": one("SELECT COUNT(*) FROM quotes").fetchone()[0],
            "quantities": one("SELECT COUNT(*) FROM quantities").fetchone()[0],
            "conflicting_claims": one("SELECT COUNT(*) FROM claims").fetchone()[0],
        }

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

        The provenance stage's canonical origin of the article's copy group (exact, near,
        partial, spun and rewritten copies); for articles it has not yet processed, exact
        duplicates only (same normalised text): the lowest id of identical texts.
        """
        wanted = sorted(set(article_ids))
        result: dict[int, int] = {}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start : chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT a.id, COALESCE((SELECT p.origin_id FROM article_provenance p "
                f"WHERE p.article_id = a.id), "
                f"(SELECT MIN(b.id) FROM articles b WHERE b.text_hash = a.text_hash)) "
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

    # --- events ---------------------------------------------------------------------------

    def events_for_grouping(self) -> Iterator[tuple[int, int, Event, str]]:
        """Every stored event with its id, article and evidence sentence text."""
        rows = self.db.execute(
            "SELECT e.*, substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) "
            "AS evidence FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.id"
        )
        for r in rows:
            yield r["id"], r["article_id"], event_from_row(r), r["evidence"]

    def replace_event_groups(self, groups: Iterable[dict[str, Any]]) -> None:
        """Rebuild ``event_groups`` and ``events.group_id`` (each dict: the group's fields
        and ``event_ids``)."""
        self.db.execute("UPDATE events SET group_id = NULL")
        self.db.execute("DELETE FROM event_groups")
        for g in groups:
            cur = self.db.execute(
                "INSERT INTO event_groups (source_code, target_code, root, code, date_start, "
                "date_end, n_events, n_articles, n_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    g["source_code"], g["target_code"], g["root"], g["code"], g["date_start"],
                    g["date_end"], len(g["event_ids"]), g["n_articles"], g["n_sources"],
                ),
            )  # fmt: skip
            self.db.executemany(
                "UPDATE events SET group_id = ? WHERE id = ?",
                [(cur.lastrowid, i) for i in g["event_ids"]],
            )

    def query_events(self, f: EventFilter) -> list[dict[str, Any]]:
        """Events with their group counts and evidence, filtered; newest first."""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (("e.source_code", f.source), ("e.target_code", f.target)):
            if value:
                clauses.append(f"({column} = ? OR {column} LIKE ?)")
                params += [value, value + "%"]
        if f.actor:
            clauses.append("(e.source_code LIKE ? OR e.target_code LIKE ?)")
            params += [f.actor + "%", f.actor + "%"]
        # One clause per set filter: (SQL with one placeholder, the value it takes).
        simple: tuple[tuple[str, Any], ...] = (
            ("e.code LIKE ?", f.code + "%" if f.code else None),
            ("e.root = ?", f.root.zfill(2) if f.root else None),
            ("e.quad_class = ?", f.quad_class),
            ("COALESCE(e.date_end, e.date_start) >= ?", f.since),
            ("e.date_start <= ?", f.until),
            ("e.article_id = ?", f.article_id),
        )
        for sql_clause, value in simple:
            if value is not None:
                clauses.append(sql_clause)
                params.append(value)
        if f.modalities:
            clauses.append(f"e.modality IN ({','.join('?' * len(f.modalities))})")
            params += list(f.modalities)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = (
            "SELECT e.*, g.n_articles AS n_articles, g.n_sources AS n_sources, "
            "substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS evidence "
            f"FROM events e JOIN articles a ON a.id = e.article_id "
            f"LEFT JOIN event_groups g ON g.id = e.group_id {where} "
            "ORDER BY COALESCE(e.date_start, '') DESC, e.id"
        )
        if f.limit is not None:
            sql += " LIMIT ?"
            params.append(f.limit)
        return [dict(r) for r in self.db.execute(sql, params)]

    def iter_events_for_export(self) -> Iterator[dict[str, Any]]:
        """Every event as a row of the ``events`` export (docs/export.md)."""
        for r in self.query_events(EventFilter(limit=None, modalities=())):
            yield event_export_row(r)

    # --- analysis ---
    # Stories, quotes, quantities, claims and the pre-aggregated relations over time.

    def story_state(self) -> tuple[list[dict[str, Any]], dict[str, int], int, int]:
        """Everything story assignment needs: stories (with centroid and members), the
        document frequency of every term, the number of documents and the next story id."""
        stories = []
        members: dict[int, list[int]] = {}
        secondary: dict[int, list[int]] = {}
        for r in self.db.execute(
            "SELECT story_id, article_id, role FROM story_articles ORDER BY rowid"
        ):
            (members if r[2] == "primary" else secondary).setdefault(r[0], []).append(r[1])
        for r in self.db.execute("SELECT * FROM stories ORDER BY id"):
            d = dict(r)
            d["centroid"] = json.loads(d["centroid"])
            d["actors"] = json.loads(d["actors"])
            d["article_ids"] = members.get(d["id"], [])
            d["secondary_ids"] = secondary.get(d["id"], [])
            stories.append(d)
        df = {r[0]: r[1] for r in self.db.execute("SELECT term, df FROM story_terms")}
        n_docs = self.db.execute(
            "SELECT COUNT(*) FROM story_articles WHERE role = 'primary'"
        ).fetchone()[0]
        next_id = self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM stories").fetchone()[0]
        return stories, df, int(n_docs), int(next_id)

    def story_article_ids(self, article_ids: Iterable[int]) -> dict[int, int]:
        """Article id -> primary story id, for the given articles that have a story."""
        wanted = sorted(set(article_ids))
        result: dict[int, int] = {}
        for chunk, marks in _id_chunks(wanted):
            for r in self.db.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks}) "
                "AND role = 'primary'",
                chunk,
            ):
                result[r[0]] = r[1]
        return result

    def story_memberships(self, article_ids: Iterable[int]) -> dict[int, list[int]]:
        """Article id -> every story it belongs to, its primary story first."""
        wanted = sorted(set(article_ids))
        result: dict[int, list[int]] = {}
        for chunk, marks in _id_chunks(wanted):
            for r in self.db.execute(
                f"SELECT article_id, story_id FROM story_articles WHERE article_id IN ({marks}) "
                "ORDER BY article_id, role = 'secondary', story_id",
                chunk,
            ):
                result.setdefault(r[0], []).append(r[1])
        return result

    def save_story(self, story: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO stories (id, title, start, end, n_articles, n_sources, actors, terms, "
            "centroid, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET title = excluded.title, start = excluded.start, "
            "end = excluded.end, n_articles = excluded.n_articles, "
            "n_sources = excluded.n_sources, actors = excluded.actors, terms = excluded.terms, "
            "centroid = excluded.centroid, updated_at = excluded.updated_at",
            (
                story["id"],
                story["title"],
                story["start"],
                story["end"],
                story["n_articles"],
                story["n_sources"],
                json.dumps(story["actors"], sort_keys=True),
                json.dumps(story["terms"]),
                json.dumps(story["centroid"], sort_keys=True),
                now(),
            ),
        )

    def add_story_articles(self, rows: Iterable[tuple[int, int, str, float, str | None]]) -> None:
        """(article_id, story_id, role, similarity, day) rows; role 'primary' or 'secondary'.
        An article's primary membership replaces any earlier one (one primary story each)."""
        for article_id, story_id, role, similarity, day in rows:
            if role == "primary":
                self.db.execute(
                    "DELETE FROM story_articles WHERE article_id = ? AND role = 'primary' "
                    "AND story_id != ?",
                    (article_id, story_id),
                )
            self.db.execute(
                "INSERT INTO story_articles (article_id, story_id, role, similarity, day) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(story_id, article_id) DO UPDATE SET "
                "role = excluded.role, similarity = excluded.similarity, day = excluded.day",
                (article_id, story_id, role, similarity, day),
            )

    def add_story_terms(self, terms: Iterable[str]) -> None:
        self.db.executemany(
            "INSERT INTO story_terms (term, df) VALUES (?, 1) "
            "ON CONFLICT(term) DO UPDATE SET df = df + 1",
            [(t,) for t in terms],
        )

    def stories(self, limit: int | None = 100, offset: int = 0) -> list[dict[str, Any]]:
        """Stories, most recent first, with their article ids."""
        sql = (
            "SELECT id, title, start, end, n_articles, n_sources, actors, terms FROM stories "
            "ORDER BY COALESCE(end, '0000') DESC, id DESC"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [limit, offset]
        rows = [dict(r) for r in self.db.execute(sql, params)]
        ids = [r["id"] for r in rows]
        members: dict[int, list[int]] = {}
        secondary: dict[int, list[int]] = {}
        for chunk, marks in _id_chunks(ids):
            for r in self.db.execute(
                f"SELECT story_id, article_id, role FROM story_articles "
                f"WHERE story_id IN ({marks}) ORDER BY COALESCE(day, '9999'), article_id",
                chunk,
            ):
                members.setdefault(r[0], []).append(r[1])
                if r[2] == "secondary":
                    secondary.setdefault(r[0], []).append(r[1])
        for r in rows:
            r["actors"] = json.loads(r["actors"])
            r["terms"] = json.loads(r["terms"])
            # Every member, secondary ones (articles whose primary story is another) too.
            r["article_ids"] = members.get(r["id"], [])
            r["secondary_article_ids"] = secondary.get(r["id"], [])
        return rows

    def story(self, story_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, title, start, end, n_articles, n_sources, actors, terms FROM stories "
            "WHERE id = ?",
            (story_id,),
        ).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["actors"] = json.loads(d["actors"])
        d["terms"] = json.loads(d["terms"])
        d["articles"] = [
            dict(r)
            for r in self.db.execute(
                "SELECT a.id, a.title, a.outlet, a.url, a.published, a.published_start, "
                "a.published_end, s.role, s.similarity, s.day FROM story_articles s "
                "JOIN articles a ON a.id = s.article_id WHERE s.story_id = ? "
                "ORDER BY COALESCE(s.day, a.published_start, '9999'), a.id",
                (story_id,),
            )
        ]
        d["article_ids"] = [a["id"] for a in d["articles"]]
        return d

    def article_titles(self, article_ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(article_ids))
        result: dict[int, str] = {}
        for chunk, marks in _id_chunks(wanted):
            for r in self.db.execute(
                f"SELECT id, title FROM articles WHERE id IN ({marks})", chunk
            ):
                result[r[0]] = r[1]
        return result

    def replace_quotes(self, article_id: int, quotes: Iterable[Quote]) -> None:
        self.db.execute("DELETE FROM quotes WHERE article_id = ?", (article_id,))
        self.db.executemany(
            "INSERT INTO quotes (article_id, start, end, sentence, text, verb, kind, "
            "speaker_text, speaker_start, speaker_end, speaker_code, speaker_name, speaker_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    q.start,
                    q.end,
                    q.sentence,
                    q.text,
                    q.verb,
                    q.kind,
                    q.speaker_text,
                    q.speaker_start,
                    q.speaker_end,
                    q.speaker_code,
                    q.speaker_name,
                    q.speaker_id,
                )
                for q in quotes
            ],
        )

    def quotes(
        self,
        article_id: int | None = None,
        speaker_code: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if article_id is not None:
            clauses.append("article_id = ?")
            params.append(article_id)
        if speaker_code is not None:
            clauses.append("(speaker_code = ? OR speaker_code LIKE ?)")
            params += [speaker_code, speaker_code + "___"]
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        sql = f"SELECT * FROM quotes {where} ORDER BY article_id, start"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [dict(r) for r in self.db.execute(sql, params)]

    def replace_quantities(self, article_id: int, quantities: Iterable[Quantity]) -> None:
        self.db.execute("DELETE FROM quantities WHERE article_id = ?", (article_id,))
        self.db.executemany(
            "INSERT INTO quantities (article_id, what, value, unit, approximate, text, noun, "
            "start, end, sentence, sentence_start, sentence_end, actor_code, year) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    q.what,
                    q.value,
                    q.unit,
                    int(q.approximate),
                    q.text,
                    q.noun,
                    q.start,
                    q.end,
                    q.sentence,
                    q.sentence_start,
                    q.sentence_end,
                    q.actor_code,
                    q.year,
                )
                for q in quantities
            ],
        )

    def quantities(self, what: str | None = None) -> list[dict[str, Any]]:
        """Stored quantities with their sentence text."""
        where, params = ("WHERE q.what = ?", [what]) if what else ("", [])
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT q.*, substr(a.text, q.sentence_start + 1, "
                "q.sentence_end - q.sentence_start) AS sentence_text FROM quantities q "
                f"JOIN articles a ON a.id = q.article_id {where} ORDER BY q.article_id, q.start",
                params,
            )
        ]

    def quantity_rows(self, whats: Iterable[str]) -> list[Quantity]:
        """Quantities of the given kinds, as dataclasses (for regrouping claims)."""
        wanted = sorted(set(whats))
        if not wanted:
            return []
        marks = ",".join("?" * len(wanted))
        return [
            Quantity(
                what=r["what"],
                value=r["value"],
                unit=r["unit"],
                approximate=bool(r["approximate"]),
                text=r["text"],
                noun=r["noun"],
                start=r["start"],
                end=r["end"],
                sentence=r["sentence"],
                sentence_start=r["sentence_start"],
                sentence_end=r["sentence_end"],
                actor_code=r["actor_code"],
                year=r["year"],
                article_id=r["article_id"],
            )
            for r in self.db.execute(
                f"SELECT * FROM quantities WHERE what IN ({marks}) ORDER BY article_id, start",
                wanted,
            )
        ]

    def replace_claims(self, whats: Iterable[str], claims: Iterable[Claim]) -> None:
        """Replace the stored claims about the given kinds of quantity."""
        wanted = sorted(set(whats))
        if wanted:
            marks = ",".join("?" * len(wanted))
            self.db.execute(f"DELETE FROM claims WHERE what IN ({marks})", wanted)
        stamp = now()
        self.db.executemany(
            "INSERT INTO claims (key, what, unit, actor_code, story_id, versions, n_versions, "
            "n_sources, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    c.key,
                    c.what,
                    c.unit,
                    c.actor_code,
                    c.story_id,
                    json.dumps([_claim_version(v) for v in c.versions]),
                    len(c.versions),
                    len({o for v in c.versions for o in v.origin_ids}),
                    stamp,
                )
                for c in claims
            ],
        )

    def claims(self) -> list[dict[str, Any]]:
        rows = []
        for r in self.db.execute("SELECT * FROM claims ORDER BY n_sources DESC, id"):
            d = dict(r)
            d["versions"] = json.loads(d["versions"])
            rows.append(d)
        return rows

    def sentence_texts(
        self, spans: Iterable[tuple[int, int, int]]
    ) -> dict[tuple[int, int, int], str]:
        """The text of (article_id, start, end) spans."""
        result = {}
        for article_id, start, end in set(spans):
            row = self.db.execute(
                "SELECT substr(text, ? + 1, ?) FROM articles WHERE id = ?",
                (start, end - start, article_id),
            ).fetchone()
            if row is not None:
                result[(article_id, start, end)] = row[0]
        return result

    # Relations over time. ``event_units`` holds one row per stored event with its
    # independent-source key; ``dyad_periods`` the per-period aggregates the dyad views read.

    def iter_events_for_units(self) -> Iterator[dict[str, Any]]:
        """Every stored event with the fields relations need, in article order."""
        for r in self.db.execute(
            "SELECT id, article_id, group_id, source_code, target_code, code, root, quad_class, "
            "goldstein, modality, date, date_start FROM events ORDER BY article_id, id"
        ):
            yield dict(r)

    def clear_event_units(self) -> None:
        self.db.execute("DELETE FROM event_units")

    def replace_event_units(
        self, article_ids: Iterable[int], units: Iterable[tuple[Any, ...]]
    ) -> set[tuple[str, str]]:
        """Replace the units of the articles; returns the (source, target) pairs touched
        (before and after), whose aggregates need refreshing."""
        wanted = sorted(set(article_ids))
        touched: set[tuple[str, str]] = set()
        for chunk, marks in _id_chunks(wanted):
            touched.update(
                (r[0], r[1])
                for r in self.db.execute(
                    "SELECT DISTINCT source_code, target_code FROM event_units "
                    f"WHERE article_id IN ({marks})",
                    chunk,
                )
            )
            self.db.execute(f"DELETE FROM event_units WHERE article_id IN ({marks})", chunk)
        rows = list(units)
        self.db.executemany(
            "INSERT OR REPLACE INTO event_units (event_id, article_id, origin_id, unit_key, "
            "source_code, target_code, day, quad_class, root, goldstein, counted) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        touched.update((r[4], r[5]) for r in rows)
        return touched

    _UNIT_COLUMNS = (
        "event_id, article_id, origin_id, unit_key, source_code, target_code, day, "
        "quad_class, root, goldstein"
    )

    def rebuild_dyad_periods(self, actors: Sequence[str] | None) -> None:
        """Recompute ``dyad_periods`` from ``event_units``: everything (``None``), or every
        row involving one of ``actors`` (their pairs, and each against everyone).

        A unit (one event group, or one event of one origin) counts once however many
        reports it has: n_events counts units, n_mentions stored events, n_sources the
        distinct origins; Goldstein is summed over units. All in SQL: a million events
        aggregate in seconds.
        """
        db = self.db
        db.execute("DROP TABLE IF EXISTS temp.dyad_units")
        db.execute("DROP TABLE IF EXISTS temp.dyad_raw")
        db.execute("DROP TABLE IF EXISTS temp.dyad_actors")
        db.execute("CREATE TEMP TABLE dyad_actors (code TEXT PRIMARY KEY)")
        if actors is None:
            scope = "counted = 1"
            db.execute("DELETE FROM dyad_periods")
        else:
            db.executemany("INSERT OR IGNORE INTO dyad_actors VALUES (?)", [(a,) for a in actors])
            scope = (
                "counted = 1 AND (source_code IN (SELECT code FROM dyad_actors) "
                "OR target_code IN (SELECT code FROM dyad_actors))"
            )
            db.execute(
                "DELETE FROM dyad_periods WHERE source_code IN (SELECT code FROM dyad_actors) "
                "OR target_code IN (SELECT code FROM dyad_actors)"
            )
        db.execute(
            "CREATE TEMP TABLE dyad_raw AS SELECT source_code AS s, target_code AS t, day, "
            f"origin_id FROM event_units WHERE {scope}"
        )
        db.execute(
            "CREATE TEMP TABLE dyad_units AS SELECT source_code AS s, target_code AS t, "
            "MIN(day) AS day, AVG(goldstein) AS g, MIN(quad_class) AS q, MIN(root) AS root, "
            f"COUNT(*) AS n_m FROM event_units WHERE {scope} GROUP BY unit_key, s, t"
        )
        # (direction, key 1, key 2, extra filter) per scope; the 'either way against
        # everyone' scope reads each unit once per side.
        limit = "" if actors is None else " AND k1 IN (SELECT code FROM dyad_actors)"
        scopes = [
            ("out", "s", "t", ""),
            ("both", "MIN(s, t)", "MAX(s, t)", ""),
            ("out", "s", "'*'", limit),
            ("out", "'*'", "t", limit.replace("k1", "k2")),
        ]
        for grain, period in _PERIOD_SQL.items():
            for direction, k1, k2, extra in scopes:
                units = f"SELECT {k1} AS k1, {k2} AS k2, {period} AS p, * FROM dyad_units"
                raw = f"SELECT {k1} AS k1, {k2} AS k2, {period} AS p, * FROM dyad_raw"
                self._insert_dyad_rows(direction, grain, units, raw, extra)
            either = (
                "SELECT s AS k1, '*' AS k2, {p} AS p, * FROM {t} UNION ALL "
                "SELECT t AS k1, '*' AS k2, {p} AS p, * FROM {t} WHERE t != s"
            )
            self._insert_dyad_rows(
                "both",
                grain,
                either.format(p=period, t="dyad_units"),
                either.format(p=period, t="dyad_raw"),
                limit,
            )
        db.execute("DROP TABLE temp.dyad_units")
        db.execute("DROP TABLE temp.dyad_raw")
        db.execute("DROP TABLE temp.dyad_actors")

    def _insert_dyad_rows(
        self, direction: str, grain: str, units: str, raw: str, extra: str
    ) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO dyad_periods (direction, source_code, target_code, grain, "
            "period, n_events, n_mentions, n_sources, goldstein_sum, quad1, quad2, quad3, "
            "quad4, roots) "
            f"SELECT ?, a.k1, a.k2, ?, a.p, a.n, a.n_m, COALESCE(o.n, 0), a.g, a.q1, a.q2, "
            "a.q3, a.q4, r.roots FROM "
            f"(SELECT k1, k2, p, COUNT(*) AS n, SUM(n_m) AS n_m, ROUND(SUM(g), 4) AS g, "
            f"SUM(q = 1) AS q1, SUM(q = 2) AS q2, SUM(q = 3) AS q3, SUM(q = 4) AS q4 "
            f"FROM ({units}) WHERE 1 {extra} GROUP BY k1, k2, p) a "
            f"JOIN (SELECT k1, k2, p, json_group_object(root, n) AS roots FROM "
            f"(SELECT k1, k2, p, root, COUNT(*) AS n FROM ({units}) WHERE 1 {extra} "
            f"GROUP BY k1, k2, p, root ORDER BY root) GROUP BY k1, k2, p) r "
            "ON r.k1 = a.k1 AND r.k2 = a.k2 AND r.p = a.p "
            f"LEFT JOIN (SELECT k1, k2, p, COUNT(DISTINCT origin_id) AS n FROM ({raw}) "
            f"WHERE 1 {extra} GROUP BY k1, k2, p) o "
            "ON o.k1 = a.k1 AND o.k2 = a.k2 AND o.p = a.p",
            (direction, grain),
        )

    def dyad_periods(
        self,
        source: str,
        target: str,
        grain: str,
        direction: str = "both",
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Aggregates per period for source -> target ('out') or between them ('both');
        ``target='*'`` is everyone. One index range scan on the primary key."""
        if direction == "both" and target != "*":
            source, target = min(source, target), max(source, target)
        sql = (
            "SELECT period, n_events, n_mentions, n_sources, goldstein_sum, quad1, quad2, "
            "quad3, quad4, roots FROM dyad_periods WHERE direction = ? AND source_code = ? "
            "AND target_code = ? AND grain = ?"
        )
        params: list[Any] = [direction, source, target, grain]
        if since:
            sql += " AND period >= ?"
            params.append(since)
        if until:
            sql += " AND period <= ?"
            params.append(until)
        return [dict(r) for r in self.db.execute(sql + " ORDER BY period", params)]

    def dyad_units(
        self,
        source: str,
        target: str,
        direction: str,
        day_from: str,
        day_to: str,
        counted_only: bool = True,
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """The events behind a point: units of the dyad with their day in [from, to], with
        the article and sentence they come from."""
        if target == "*":
            if direction == "both":
                where, params = "(u.source_code = ? OR u.target_code = ?)", [source, source]
            else:
                where, params = "u.source_code = ?", [source]
        elif source == "*":
            where, params = "u.target_code = ?", [target]
        elif direction == "both":
            where = (
                "((u.source_code = ? AND u.target_code = ?) OR "
                "(u.source_code = ? AND u.target_code = ?))"
            )
            params = [source, target, target, source]
        else:
            where, params = "u.source_code = ? AND u.target_code = ?", [source, target]
        if counted_only:
            where += " AND u.counted = 1"
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT u.event_id, u.article_id, u.origin_id, u.unit_key, u.day, u.quad_class, "
                "u.root, u.goldstein, u.counted, e.code, e.source_code AS event_source, "
                "e.target_code AS event_target, e.source_name, e.target_name, e.trigger, "
                "e.modality, e.sentence, e.sentence_start, e.sentence_end, "
                "substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) "
                "AS sentence_text, a.title, a.outlet FROM event_units u "
                "JOIN events e ON e.id = u.event_id JOIN articles a ON a.id = u.article_id "
                f"WHERE {where} AND u.day BETWEEN ? AND ? ORDER BY u.day, u.event_id LIMIT ?",
                [*params, day_from, day_to, limit],
            )
        ]

    def iter_dyad_periods(self, direction: str, grain: str) -> Iterator[dict[str, Any]]:
        """Every aggregate row of one direction and grain, pairs with everyone left out."""
        for r in self.db.execute(
            "SELECT * FROM dyad_periods WHERE direction = ? AND grain = ? AND source_code != '*' "
            "AND target_code != '*' ORDER BY source_code, target_code, period",
            (direction, grain),
        ):
            yield dict(r)

    def events_with_sentences(self, article_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Events of the articles with their sentence text, article title and outlet."""
        wanted = sorted(set(article_ids))
        rows: list[dict[str, Any]] = []
        for chunk, marks in _id_chunks(wanted):
            rows.extend(
                dict(r)
                for r in self.db.execute(
                    "SELECT e.*, substr(a.text, e.sentence_start + 1, "
                    "e.sentence_end - e.sentence_start) AS sentence_text, a.title, a.outlet "
                    f"FROM events e JOIN articles a ON a.id = e.article_id "
                    f"WHERE e.article_id IN ({marks}) ORDER BY e.article_id, e.sentence",
                    chunk,
                )
            )
        return rows

    def dyad_actors(self, limit: int = 200) -> list[dict[str, Any]]:
        """Actors with the most counted events (for pickers and the network view)."""
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT source_code AS actor, SUM(n_events) AS n_events FROM dyad_periods "
                "WHERE direction = 'both' AND target_code = '*' AND grain = 'month' "
                "GROUP BY source_code ORDER BY 2 DESC LIMIT ?",
                (limit,),
            )
        ]

    def dyad_pairs(self, limit: int = 500) -> list[dict[str, Any]]:
        """Directed pairs with their totals: the edges of the actor network."""
        return [
            dict(r)
            for r in self.db.execute(
                "SELECT source_code, target_code, SUM(n_events) AS n_events, "
                "SUM(goldstein_sum) AS goldstein_sum, SUM(quad1 + quad2) AS cooperation, "
                "SUM(quad3 + quad4) AS conflict FROM dyad_periods WHERE direction = 'out' "
                "AND grain = 'month' AND source_code != '*' AND target_code != '*' "
                "GROUP BY source_code, target_code ORDER BY 3 DESC LIMIT ?",
                (limit,),
            )
        ]

    # --- web ---

    def actor_overview(self, limit: int = 200) -> list[dict[str, Any]]:
        """Resolved actors by how often they are mentioned, with their event counts."""
        rows = self.db.execute(
            """
            WITH m AS (
                SELECT actor_code AS code, MAX(actor_name) AS name, COUNT(*) AS n_mentions,
                       COUNT(DISTINCT article_id) AS n_articles
                FROM mentions WHERE actor_code IS NOT NULL GROUP BY actor_code
            ),
            s AS (SELECT source_code AS code, COUNT(*) AS n FROM events GROUP BY 1),
            t AS (SELECT target_code AS code, COUNT(*) AS n FROM events
                  WHERE target_code IS NOT NULL GROUP BY 1)
            SELECT m.code, m.name, m.n_mentions, m.n_articles,
                   COALESCE(s.n, 0) AS n_as_source, COALESCE(t.n, 0) AS n_as_target
            FROM m LEFT JOIN s ON s.code = m.code LEFT JOIN t ON t.code = m.code
            ORDER BY m.n_articles DESC, m.n_mentions DESC, m.code LIMIT ?
            """,
            (limit,),
        )
        return [dict(r) for r in rows]

    def actor_detail(self, code: str, limit: int = 100) -> dict[str, Any]:
        """One actor: names used for it, articles mentioning it, its events, counterparts."""
        one = self.db.execute
        names = [
            dict(r)
            for r in one(
                "SELECT text, COUNT(*) AS n FROM mentions WHERE actor_code = ? "
                "GROUP BY text ORDER BY n DESC, text LIMIT 20",
                (code,),
            )
        ]
        name_row = one(
            "SELECT actor_name, country, kind FROM mentions WHERE actor_code = ? "
            "GROUP BY actor_name ORDER BY COUNT(*) DESC LIMIT 1",
            (code,),
        ).fetchone()
        articles = [
            dict(r)
            for r in one(
                "SELECT a.id, a.title, a.outlet, a.published, a.published_start, "
                "COUNT(*) AS n_mentions FROM mentions m JOIN articles a ON a.id = m.article_id "
                "WHERE m.actor_code = ? GROUP BY a.id "
                "ORDER BY COALESCE(a.published_start, '9999'), a.id LIMIT ?",
                (code, limit),
            )
        ]
        events = [
            {**dict(r), "title": r["title"]}
            for r in one(
                "SELECT e.id, e.article_id, e.sentence, e.sentence_start, e.sentence_end, "
                "e.source_code, e.target_code, e.code, e.root, e.quad_class, e.goldstein, "
                "e.trigger, e.modality, e.date, e.date_start, a.title "
                "FROM events e JOIN articles a ON a.id = e.article_id "
                "WHERE e.source_code = ? OR e.target_code = ? "
                "ORDER BY COALESCE(e.date_start, a.published_start, '9999'), e.id LIMIT ?",
                (code, code, limit),
            )
        ]
        counterparts = [
            dict(r)
            for r in one(
                """
                SELECT other, COUNT(*) AS n_events, ROUND(SUM(goldstein), 2) AS goldstein_sum
                FROM (SELECT target_code AS other, goldstein FROM events
                      WHERE source_code = ? AND target_code IS NOT NULL
                      UNION ALL
                      SELECT source_code AS other, goldstein FROM events WHERE target_code = ?)
                WHERE other != ? GROUP BY other ORDER BY n_events DESC, other LIMIT 30
                """,
                (code, code, code),
            )
        ]
        return {
            "code": code,
            "name": name_row["actor_name"] if name_row else None,
            "country": name_row["country"] if name_row else None,
            "kind": name_row["kind"] if name_row else None,
            "names": names,
            "articles": articles,
            "events": events,
            "counterparts": counterparts,
        }

    def actor_network(self, limit: int = 150) -> dict[str, list[dict[str, Any]]]:
        """Actors as nodes; edges weighted by coded events between them and by articles
        mentioning both (co-occurrence)."""
        one = self.db.execute
        event_edges = {
            (r[0], r[1]): (r[2], r[3])
            for r in one(
                "SELECT MIN(source_code, target_code), MAX(source_code, target_code), "
                "COUNT(*), SUM(goldstein) FROM events "
                "WHERE target_code IS NOT NULL AND target_code != source_code GROUP BY 1, 2"
            )
        }
        co_edges = {
            (r[0], r[1]): r[2]
            for r in one(
                """
                WITH pairs AS (SELECT DISTINCT article_id, actor_code FROM mentions
                               WHERE actor_code IS NOT NULL)
                SELECT a.actor_code, b.actor_code, COUNT(*) FROM pairs a
                JOIN pairs b ON a.article_id = b.article_id AND a.actor_code < b.actor_code
                GROUP BY 1, 2 ORDER BY 3 DESC LIMIT ?
                """,
                (limit * 4,),
            )
        }
        edges = []
        for key in set(event_edges) | set(co_edges):
            n_events, goldstein = event_edges.get(key, (0, 0.0))
            edges.append(
                {
                    "a": key[0],
                    "b": key[1],
                    "n_events": n_events,
                    "goldstein_sum": round(goldstein or 0.0, 2),
                    "n_articles": co_edges.get(key, 0),
                }
            )
        edges.sort(key=lambda e: (-(e["n_events"] * 3 + e["n_articles"]), e["a"], e["b"]))
        edges = edges[:limit]
        wanted = {e["a"] for e in edges} | {e["b"] for e in edges}
        nodes = [r for r in self.actor_overview(limit=10_000) if r["code"] in wanted]
        known = {n["code"] for n in nodes}
        nodes += [
            {"code": c, "name": None, "n_mentions": 0, "n_articles": 0}
            for c in sorted(wanted - known)
        ]
        return {"nodes": nodes, "edges": edges}

    def add_events_bulk(self, rows: Iterable[tuple[int, Event]]) -> int:
        """Insert many (article_id, event) rows in one statement stream (synthetic corpora,
        benchmarks); unlike ``replace_events`` it keeps the events already stored."""
        cols = ", ".join(_EVENT_COLUMNS)
        marks = ", ".join("?" * (len(_EVENT_COLUMNS) + 1))
        n = 0

        def flat() -> Iterator[tuple[Any, ...]]:
            nonlocal n
            for article_id, event in rows:
                row = event_row(event)
                n += 1
                yield (article_id, *(row[c] for c in _EVENT_COLUMNS))

        self.db.executemany(f"INSERT INTO events (article_id, {cols}) VALUES ({marks})", flat())
        return n

    # --- provenance -----------------------------------------------------------------------

    def clear_provenance(self, article_ids: Iterable[int]) -> None:
        """Forget fingerprints and links of articles about to be (re)processed."""
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            self.db.execute(
                f"DELETE FROM provenance_fingerprints WHERE article_id IN ({marks})", chunk
            )
            self.db.execute(
                f"DELETE FROM copy_links WHERE copy_id IN ({marks}) OR origin_id IN ({marks})",
                chunk + chunk,
            )

    def save_fingerprints(self, rows: Iterable[dict[str, Any]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO provenance_fingerprints (article_id, n_words, word_shingles, "
            "skeleton_shingles, anchors, sig_words, sig_skeleton, sig_anchors) VALUES "
            "(:article_id, :n_words, :word_shingles, :skeleton_shingles, :anchors, :sig_words, "
            ":sig_skeleton, :sig_anchors)",
            list(rows),
        )

    def iter_fingerprints(
        self, article_ids: Iterable[int] | None = None, signatures_only: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Stored fingerprints (with the article's text hash and publication start).

        ``signatures_only`` leaves out the shingle sets: enough to rebuild the LSH index.
        """
        cols = (
            "f.article_id, f.n_words, f.sig_words, f.sig_skeleton, f.sig_anchors, "
            "a.text_hash, COALESCE(a.published_start, a.published) AS published"
        )
        if not signatures_only:
            cols += ", f.word_shingles, f.skeleton_shingles, f.anchors"
        sql = f"SELECT {cols} FROM provenance_fingerprints f JOIN articles a ON a.id = f.article_id"
        if article_ids is None:
            for r in self.db.execute(sql + " ORDER BY f.article_id"):
                yield dict(r)
            return
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(sql + f" WHERE f.article_id IN ({marks})", chunk):
                yield dict(r)

    def removed_lines(self, article_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
        """What cleaning removed from each article: (line, reason) in order."""
        result: dict[int, list[tuple[str, str]]] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT article_id, line, reason FROM article_removed_lines "
                f"WHERE article_id IN ({marks}) ORDER BY article_id, position",
                chunk,
            ):
                result.setdefault(r[0], []).append((r[1], r[2]))
        return result

    def article_texts(self, article_ids: Iterable[int]) -> dict[int, str]:
        result: dict[int, str] = {}
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", chunk):
                result[r[0]] = r[1]
        return result

    def add_copy_links(self, rows: Iterable[tuple[int, int, str, float, dict[str, Any]]]) -> None:
        """Links as (copy_id, origin_id, link_type, score, evidence); one per unordered pair."""
        stamp = now()
        for copy_id, origin_id, link_type, score, evidence in rows:
            self.db.execute(
                "DELETE FROM copy_links WHERE (copy_id = ? AND origin_id = ?) "
                "OR (copy_id = ? AND origin_id = ?)",
                (copy_id, origin_id, origin_id, copy_id),
            )
            self.db.execute(
                "INSERT INTO copy_links (copy_id, origin_id, link_type, score, evidence, "
                "found_at) VALUES (?, ?, ?, ?, ?, ?)",
                (copy_id, origin_id, link_type, score, json.dumps(evidence), stamp),
            )

    def copy_group_links(self, article_ids: Iterable[int]) -> list[dict[str, Any]]:
        """Every link in the copy groups (connected components) of these articles."""
        seen: set[int] = set()
        frontier = set(article_ids)
        links: dict[tuple[int, int], dict[str, Any]] = {}
        while frontier:
            seen |= frontier
            found: set[int] = set()
            for chunk in _chunks(frontier):
                marks = ",".join("?" * len(chunk))
                for r in self.db.execute(
                    f"SELECT * FROM copy_links WHERE copy_id IN ({marks}) "
                    f"OR origin_id IN ({marks})",
                    chunk + chunk,
                ):
                    d = dict(r)
                    d["evidence"] = json.loads(d["evidence"] or "{}")
                    links[(d["copy_id"], d["origin_id"])] = d
                    found.update((d["copy_id"], d["origin_id"]))
            frontier = found - seen
        return list(links.values())

    def origin_facts(self, article_ids: Iterable[int]) -> list[dict[str, Any]]:
        """What choosing a group's origin needs: publication, length, spun/translated scores."""
        result: list[dict[str, Any]] = []
        for chunk in _chunks(article_ids):
            marks = ",".join("?" * len(chunk))
            for r in self.db.execute(
                f"SELECT a.id, COALESCE(a.published_start, a.published) AS published, "
                f"length(a.text) AS n_chars, COALESCE(p.spun, 0) AS spun, "
                f"COALESCE(p.machine_translated, 0) AS machine_translated "
                f"FROM articles a LEFT JOIN article_provenance p ON p.article_id = a.id "
                f"WHERE a.id IN ({marks})",
                chunk,
            ):
                result.append(dict(r))
        return result

    def save_signals(self, rows: Iterable[dict[str, Any]]) -> None:
        """Quality signals per article; a new article starts as its own origin."""
        self.db.executemany(
            "INSERT INTO article_provenance (article_id, origin_id, spun, spun_evidence, "
            "machine_translated, machine_translated_evidence, content_farm, "
            "content_farm_evidence) VALUES (:article_id, :article_id, :spun, :spun_evidence, "
            ":machine_translated, :machine_translated_evidence, :content_farm, "
            ":content_farm_evidence) ON CONFLICT(article_id) DO UPDATE SET "
            "spun = excluded.spun, spun_evidence = excluded.spun_evidence, "
            "machine_translated = excluded.machine_translated, "
            "machine_translated_evidence = excluded.machine_translated_evidence, "
            "content_farm = excluded.content_farm, "
            "content_farm_evidence = excluded.content_farm_evidence",
            [
                {
                    **r,
                    **{
                        k: json.dumps(r[k], ensure_ascii=False)
                        for k in (
                            "spun_evidence",
                            "machine_translated_evidence",
                            "content_farm_evidence",
                        )
                    },
                }
                for r in rows
            ],
        )

    def update_spun(self, article_id: int, score: float, evidence: list[str]) -> None:
        self.db.execute(
            "UPDATE article_provenance SET spun = ?, spun_evidence = ? WHERE article_id = ?",
            (score, json.dumps(evidence, ensure_ascii=False), article_id),
        )

    def set_origins(self, rows: Iterable[tuple[int, int, int, str]]) -> None:
        """(article_id, origin_id, group_size, reason) for articles already in provenance."""
        self.db.executemany(
            "UPDATE article_provenance SET origin_id = ?, group_size = ?, origin_reason = ? "
            "WHERE article_id = ?",
            [(origin, size, reason, article_id) for article_id, origin, size, reason in rows],
        )

    def provenance(self, article_id: int) -> dict[str, Any] | None:
        """An article's signals, origin and the links of its copy group."""
        row = self.db.execute(
            "SELECT * FROM article_provenance WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        d = dict(row)
        for k in ("spun_evidence", "machine_translated_evidence", "content_farm_evidence"):
            d[k] = json.loads(d[k] or "[]")
        d["links"] = self.copy_group_links([article_id])
        members = {article_id, d["origin_id"]}
        for link in d["links"]:
            members.update((link["copy_id"], link["origin_id"]))
        d["members"] = [
            dict(r)
            for r in self.db.execute(
                f"SELECT id, title, outlet, url, COALESCE(published_start, published) AS published "
                f"FROM articles WHERE id IN ({','.join('?' * len(members))}) ORDER BY id",
                sorted(members),
            )
        ]
        return d

    def iter_copy_links_for_export(self) -> Iterator[dict[str, Any]]:
        for r in self.db.execute(
            "SELECT l.copy_id AS article_id, l.origin_id, p.origin_id AS group_origin_id, "
            "l.link_type, l.score, l.evidence FROM copy_links l "
            "LEFT JOIN article_provenance p ON p.article_id = l.copy_id "
            "ORDER BY l.copy_id, l.origin_id"
        ):
            d = dict(r)
            d["evidence"] = json.loads(d["evidence"] or "{}")
            yield {k: d.get(k) for k in COPY_EXPORT_FIELDS}

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


def _chunks(ids: Iterable[int], size: int = 400) -> Iterator[list[int]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), size):
        yield wanted[start : start + size]


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


def _claim_version(v: ClaimVersion) -> dict[str, Any]:
    return {
        "value": v.value,
        "approximate": v.approximate,
        "article_ids": list(v.article_ids),
        "origin_ids": list(v.origin_ids),
        "n_sources": v.n_sources,
        "evidence": [list(e) for e in v.evidence],
    }


def _id_chunks(ids: Iterable[int], size: int = 500) -> Iterator[tuple[list[int], str]]:
    """Ids in chunks small enough for one IN (...) list, with their placeholders."""
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), size):
        chunk = wanted[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


# Period labels per grain: the day, the Monday of its week, the month.
_PERIOD_SQL = {
    "day": "day",
    "week": "date(day, 'weekday 0', '-6 days')",
    "month": "substr(day, 1, 7)",
}
