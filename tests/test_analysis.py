"""The analysis stage's library API, CLI commands and exports, on the analysed seeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from detente import analysis
from detente.cli import app
from detente.export import EXPORT_KINDS
from detente.model import Article, PublicationDate
from detente.pipeline import stages
from detente.settings import Settings
from detente.store import Store

CONTRACT = {
    "stories": {"id", "title", "start", "end", "article_ids", "actors", "n_sources"},
    "quotes": {"speaker_code", "speaker_name", "text", "article_id", "start", "end"},
    "quantities": {"what", "value", "unit", "article_id", "sentence"},
    "claims": {"what", "values"},
    "dyads": {"source_code", "target_code", "period", "n_events", "quad_counts",
              "goldstein_sum", "goldstein_mean", "n_sources"},
}  # fmt: skip


def test_analysis_stage_is_registered_last() -> None:
    assert stages()[-1].name == "analysis"


@pytest.mark.parametrize("kind", sorted(CONTRACT))
def test_exports_carry_the_documented_fields(seeds_db: Any, kind: str, tmp_path: Path) -> None:
    store, _ = seeds_db
    assert CONTRACT[kind] <= set(EXPORT_KINDS[kind].fields)
    out = tmp_path / f"{kind}.jsonl"
    result = CliRunner().invoke(app, ["--db", str(store.path), "export", kind, "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    if kind != "dyads":  # dyads need coded events
        assert rows
    for row in rows:
        assert CONTRACT[kind] <= set(row)
    if kind == "claims":
        assert {"value", "article_id", "n_sources"} <= set(rows[0]["values"][0])
    parquet = tmp_path / f"{kind}.parquet"
    result = CliRunner().invoke(
        app, ["--db", str(store.path), "export", kind, "-f", "parquet", "-o", str(parquet)]
    )
    assert result.exit_code == 0, result.output


def test_cli_views(seeds_db: Any, tmp_path: Path) -> None:
    store, by_file = seeds_db
    runner = CliRunner()
    db = ["--db", str(store.path)]
    listed = json.loads(runner.invoke(app, [*db, "stories", "--json"]).output)
    assert listed and all(set(s["article_ids"]) <= set(by_file.values()) for s in listed)
    one = json.loads(runner.invoke(app, [*db, "story", str(listed[0]["id"]), "--json"]).output)
    assert one["id"] == listed[0]["id"] and "timeline" in one
    assert runner.invoke(app, [*db, "story", "9999"]).exit_code == 1
    quotes = json.loads(runner.invoke(app, [*db, "quotes", "--json"]).output)
    assert any(q["speaker_name"] == "Maria Zakharova" for q in quotes)
    claims = json.loads(runner.invoke(app, [*db, "claims", "--json"]).output)
    assert any(c["what"] == "peacekeepers" for c in claims)
    png = tmp_path / "dyad.png"
    result = runner.invoke(app, [*db, "dyad", "RUS", "ARM", "--by", "month", "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert runner.invoke(app, [*db, "dyad", "RUS", "ARM", "--by", "year"]).exit_code == 2
    stress = json.loads(runner.invoke(app, [*db, "alliance", "CSTO", "--json"]).output)
    assert all(p["alliance"] == "CSTO" and len(p["pair"]) == 2 for p in stress)
    assert runner.invoke(app, [*db, "alliance", "WARSAW"]).exit_code == 2


def test_a_broken_article_is_named_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(db=tmp_path / "b.db")
    with Store(settings.db) as store:
        ids = []
        with store.transaction():
            for i in range(2):
                text = f"Armenia said on day {i} that 2,000 peacekeepers had arrived in Lachin."
                art = Article(
                    title=f"t{i}", text=text, source_path=f"x{i}", source_format="text",
                    raw=text, content_hash=f"x{i}", text_hash=f"y{i}",
                    published=PublicationDate(),
                )  # fmt: skip
                ids.append(store.add_article(art, None)[0])
        real = analysis.claims.extract_quotes

        def flaky(article: Article, *args: Any) -> Any:
            if article.id == ids[0]:
                raise RuntimeError("bad offsets")
            return real(article, *args)

        monkeypatch.setattr(analysis.claims, "extract_quotes", flaky)
        analysis.run(store, settings, ids)
        assert store.articles_pending("analysis", analysis.VERSION, ids) == [ids[0]]
        assert store.quantities() and store.quantities()[0]["article_id"] == ids[1]
        [error] = store.errors(None, 10)
        assert error["input"] == f"article {ids[0]}" and "bad offsets" in error["reason"]
