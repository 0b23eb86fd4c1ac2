"""End to end: the installed ``detente`` command on the bundled sample corpus."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from detente.data import sample_corpus_path


def _detente_command() -> list[str]:
    script = Path(sys.executable).with_name("detente")
    if script.exists():
        return [str(script)]
    found = shutil.which("detente")
    return [found] if found else [sys.executable, "-m", "detente"]


def run(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DETENTE_DB": str(db), "COLUMNS": "200"}
    done = subprocess.run(
        [*_detente_command(), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"detente {' '.join(args)} -> {done.returncode}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "detente.db"


@pytest.fixture(scope="module")
def ingested(db: Path) -> dict[str, Any]:
    done = run(db, "ingest", str(sample_corpus_path()), "--json")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_ingest_reports_the_whole_sample_corpus(ingested: dict[str, Any], db: Path) -> None:
    assert ingested["errors"] == 0
    assert ingested["new_articles"] >= 40
    assert db.exists()


def test_ingest_again_adds_nothing(ingested: dict[str, Any], db: Path) -> None:
    again = json.loads(run(db, "ingest", str(sample_corpus_path()), "--json").stdout)
    assert again["new_articles"] == 0
    assert again["already_stored"] == ingested["new_articles"]
    stats = json.loads(run(db, "stats", "--json").stdout)
    assert stats["articles"] == ingested["new_articles"]
    assert stats["ingest_runs"] == 2


def test_list_filter_show_and_search(ingested: dict[str, Any], db: Path) -> None:
    listed = json.loads(run(db, "articles", "--json", "--limit", "1000").stdout)
    assert len(listed) == ingested["new_articles"]
    german = json.loads(run(db, "articles", "--language", "de", "--json").stdout)
    assert german and all(a["language"] == "de" for a in german)
    shown = json.loads(run(db, "show", str(listed[0]["id"]), "--json").stdout)
    assert shown["id"] == listed[0]["id"] and shown["text"]
    raw = run(db, "show", str(listed[0]["id"]), "--raw").stdout
    assert raw.strip()
    plain = run(db, "show", str(listed[0]["id"])).stdout
    assert "[dim]" not in plain and "removed by cleaning" in plain
    hits = json.loads(run(db, "search", "peacekeepers", "--json").stdout)
    assert hits and all("peacekeep" in h["snippet"].lower() for h in hits)
    missing = run(db, "show", "999999", check=False)
    assert missing.returncode != 0 and "999999" in missing.stderr


def test_export_in_every_format(ingested: dict[str, Any], db: Path, tmp_path: Path) -> None:
    n = ingested["new_articles"]
    fields = {"id", "title", "text", "published", "published_precision", "published_window"}
    fields |= {"language", "url", "outlet", "source_path", "content_hash", "flags"}

    jsonl = tmp_path / "articles.jsonl"
    run(db, "export", "articles", "--format", "jsonl", "-o", str(jsonl))
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == n and fields <= set(rows[0])

    csv_path = tmp_path / "articles.csv"
    run(db, "export", "articles", "--format", "csv", "-o", str(csv_path))
    with csv_path.open(encoding="utf-8", newline="") as fh:
        csv_rows = list(csv.DictReader(fh))
    assert len(csv_rows) == n and fields <= set(csv_rows[0])

    parquet = tmp_path / "articles.parquet"
    run(db, "export", "articles", "--format", "parquet", "-o", str(parquet))
    table = pq.read_table(parquet)
    assert table.num_rows == n and fields <= set(table.column_names)

    stdout = run(db, "export", "articles").stdout.splitlines()
    assert len(stdout) == n
    bad = run(db, "export", "articles", "--format", "xml", check=False)
    assert bad.returncode == 2 and "xml" in bad.stderr


def test_bad_input_in_a_batch(db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    done = run(db, "ingest", str(empty), str(tmp_path / "missing.txt"), check=False)
    assert done.returncode == 1
    assert "empty.txt" in done.stderr and "missing.txt" in done.stderr
    errors = run(db, "errors", "--json").stdout
    assert "empty.txt" in errors


def test_tables_show_bracketed_text_as_it_is(tmp_path: Path) -> None:
    """Titles and evidence are untrusted text: "[Reuters]" or "[/b]" in them is shown, not
    taken for console markup (which would drop it or fail)."""
    source = tmp_path / "wire.txt"
    source.write_text(
        "Talks [Reuters] stall [/b] again\n\nArmenia accused Azerbaijan of shelling the border.\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.db"
    run(db, "ingest", str(source))
    listed = run(db, "articles").stdout
    assert "Talks [Reuters] stall [/b] again" in " ".join(listed.split())
