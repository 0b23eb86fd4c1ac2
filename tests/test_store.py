from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from detente.clean import clean_document
from detente.export import write_rows
from detente.model import DocumentMeta, RawDocument
from detente.store import ARTICLE_EXPORT_FIELDS, MIGRATIONS, ArticleFilter, Store, StoreError

TEXT = (
    "Armenia cancels CSTO exercises\n"
    "Armenia has cancelled the exercises of the Collective Security Treaty Organization "
    "planned on its territory, Prime Minister Nikol Pashinyan said on Tuesday.\n"
    "Photo: Staff/Harbour Post\n"
)


def _article(text: str = TEXT, source: str = "a.txt", **meta: str):  # type: ignore[no-untyped-def]
    doc = RawDocument(source=source, format="text", raw=text, text=text, meta=DocumentMeta(**meta))
    return clean_document(doc)


def test_new_database_is_wal_with_foreign_keys_and_migrations(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        versions = [r[0] for r in store.db.execute("SELECT version FROM schema_migrations")]
        assert versions == [m[0] for m in MIGRATIONS]
        assert store.migrate() == []  # already up to date
    with Store(tmp_path / "d.db") as again:
        assert again.schema_version() == MIGRATIONS[-1][0]


def test_same_content_is_stored_once(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        first, created = store.add_article(_article(), None)
        second, created_again = store.add_article(_article(source="copy/a.txt"), None)
        assert created and not created_again and first == second
        assert store.article(first)["sources"] == ["a.txt", "copy/a.txt"]  # type: ignore[index]
        other, created_other = store.add_article(_article(url="https://x.example/1"), None)
        assert created_other and other != first  # same text elsewhere is another article


def test_article_round_trip_with_raw_spans_and_removed_lines(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        article_id, _ = store.add_article(_article(), None)
        stored = store.article(article_id)
        assert stored is not None
        assert stored["title"] == "Armenia cancels CSTO exercises"
        assert store.raw(article_id) == TEXT
        assert len(stored["captions"]) == 1  # the credit, not the sentence above it
        s, e = stored["captions"][0]
        assert stored["text"][s:e] == "Photo: Staff/Harbour Post"
        assert stored["removed_lines"][0]["reason"] == "title"


def test_full_text_search_and_bad_query_syntax(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        article_id, _ = store.add_article(_article(), None)
        hits = store.search("collective security")
        assert [h["id"] for h in hits] == [article_id]
        assert "[" in hits[0]["snippet"]
        assert store.search('"unbalanced quote AND (') == []
        assert store.search("nothing-matches-this") == []


def test_filters(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        store.add_article(_article(published="2023-01-10", outlet="Harbour Post"), None)
        assert len(store.articles(ArticleFilter(since="2023-01-01"))) == 1
        assert store.articles(ArticleFilter(until="2022-12-31")) == []
        assert len(store.articles(ArticleFilter(outlet="harbour"))) == 1
        assert store.articles(ArticleFilter(language="fr")) == []


def test_not_a_database(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="bogus.db"):
        Store(bogus)
    with pytest.raises(StoreError, match="directory"):
        Store(tmp_path)


def test_failed_transaction_leaves_store_unchanged(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        store.add_article(_article(), None)
        with pytest.raises(RuntimeError), store.transaction():
            store.add_article(_article(url="https://x.example/2"), None)
            raise RuntimeError("crash mid-batch")
        assert store.stats()["articles"] == 1
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_export_formats_carry_the_contract(tmp_path: Path, fmt: str) -> None:
    with Store(tmp_path / "d.db") as store:
        store.add_article(_article(published="2023-01-10"), None)
        out = tmp_path / f"articles.{fmt}"
        n = write_rows(store.iter_articles_for_export(), ARTICLE_EXPORT_FIELDS, fmt, out)
    assert n == 1
    if fmt == "jsonl":
        row = json.loads(out.read_text().splitlines()[0])
        assert row["published_window"] == ["2023-01-10", "2023-01-10"]
    elif fmt == "csv":
        import csv

        row = next(csv.DictReader(out.open()))
        assert json.loads(row["published_window"]) == ["2023-01-10", "2023-01-10"]
    else:
        import pyarrow.parquet as pq

        table = pq.read_table(out)
        row = table.to_pylist()[0]
        assert table.schema.field("id").type.bit_width == 64
    assert list(row)[: len(ARTICLE_EXPORT_FIELDS)] == list(ARTICLE_EXPORT_FIELDS)
    assert row["published"] == "2023-01-10"
    assert row["title"] == "Armenia cancels CSTO exercises"


def test_empty_parquet_export_has_the_schema(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "empty.parquet"
    assert write_rows(iter([]), ARTICLE_EXPORT_FIELDS, "parquet", out) == 0
    assert pq.read_table(out).column_names == list(ARTICLE_EXPORT_FIELDS)


def test_database_file_is_plain_sqlite(tmp_path: Path) -> None:
    with Store(tmp_path / "d.db") as store:
        store.add_article(_article(), None)
    con = sqlite3.connect(tmp_path / "d.db")
    assert con.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1
    assert (
        con.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH 'CSTO'").fetchone()[
            0
        ]
        == 1
    )
