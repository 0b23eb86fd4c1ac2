"""Check src/detente/data/sample_corpus/gold.yaml against the corpus it annotates.

For every annotated article (a file, or one record of a JSONL file, feed or WARC):

- the file exists, and the record (by URL) is in it;
- every ``boilerplate`` line is a whole line of a .txt scrape (visible text of a page), and
  every short line of a .txt scrape (under 10 words, the title aside) is listed as
  boilerplate or caption;
- every caption, event evidence, quantity evidence, quote opening and actor surface form
  occurs verbatim in the article's text (white space normalised);
- no event evidence lies inside a boilerplate line or a caption;
- the title matches the article's own title;
- ``published`` and event dates are well formed;
- spin evidence: the spun phrase is in the spun article, the replaced one in its origin.

Every article in the corpus (file, JSONL record, feed entry, WARC HTML response) is
annotated. Across articles: ``copies``, ``stories`` and ``hard_negatives`` name annotated
articles, and ``exact`` copies have the same body text as their origin.

Exit status 1 and one line per problem when anything is wrong; otherwise a summary.
Run: ``python scripts/check_sample_gold.py [path/to/gold.yaml]``.
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import feedparser
import yaml
from warcio.archiveiterator import ArchiveIterator

CORPUS = Path(__file__).resolve().parents[1] / "src" / "detente" / "data" / "sample_corpus"
KINDS = {
    "original",
    "spun",
    "machine_translated",
    "republished",
    "duplicate",
    "truncated",
    "chrome_copy",
    "hard_negative",
}
LINK_TYPES = {"exact", "near", "partial", "spun", "rewrite"}
CAMEO_ROOTS = {f"{i:02d}" for i in range(1, 21)}
TEXT_KEYS = ("maintext", "text", "body", "content", "article")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link", "canonical_url")
ARTICLE_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl", ".rss", ".atom", ".xml", ".warc.gz")
SHORT_LINE_WORDS = 10


def norm(text: str) -> str:
    """White space collapsed, and none before punctuation (inline tags leave such gaps)."""
    return re.sub(r" ([,.;:!?])", r"\1", " ".join(text.split()))


def html_text(markup: str) -> str:
    """Visible text of an HTML page or fragment (no head, scripts or styles)."""
    markup = re.sub(r"(?is)<(head|script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?s)<!--.*?-->", " ", markup)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return norm(html.unescape(markup))


def html_title(markup: str) -> str:
    m = re.search(r"(?is)<h1\b[^>]*>(.*?)</h1>", markup)
    return html_text(m.group(1)) if m else ""


@cache
def records(file: str) -> dict[str | None, dict[str, str]]:
    """The articles in a file: {record key: {"text", "title", "raw"}}; key None for one."""
    path = CORPUS / file
    name = path.name
    if name.endswith(".txt"):
        raw = path.read_text(encoding="utf-8")
        return {None: {"text": raw, "title": raw.split("\n", 1)[0].strip(), "raw": raw}}
    if name.endswith((".html", ".htm")):
        raw = path.read_text(encoding="utf-8")
        return {None: {"text": html_text(raw), "title": html_title(raw), "raw": raw}}
    if name.endswith(".json"):
        rec = json.loads(path.read_text(encoding="utf-8"))
        return {None: _crawl_record(rec)}
    if name.endswith(".jsonl"):
        out = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                url = next(rec[k] for k in URL_KEYS if k in rec)
                out[url] = _crawl_record(rec)
        return out
    if name.endswith((".rss", ".atom", ".xml")):
        parsed = feedparser.parse(path.read_bytes())
        out = {}
        for entry in parsed.entries:
            body = max((c.get("value", "") for c in entry.get("content", [])), key=len, default="")
            body = body or entry.get("summary", "")
            out[entry.link] = {"text": html_text(body), "title": entry.title, "raw": body}
        return out
    if name.endswith(".warc.gz"):
        out = {}
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    continue
                http = record.http_headers
                ctype = http.get_header("Content-Type") or ""
                if http.get_statuscode() != "200" or "html" not in ctype:
                    continue
                markup = record.content_stream().read().decode("utf-8")
                uri = record.rec_headers.get_header("WARC-Target-URI")
                out[uri] = {"text": html_text(markup), "title": html_title(markup), "raw": markup}
        return out
    raise ValueError(f"unknown format: {file}")


def _crawl_record(rec: dict[str, Any]) -> dict[str, str]:
    text = next(rec[k] for k in TEXT_KEYS if k in rec)
    title = next(rec[k] for k in TITLE_KEYS if k in rec)
    return {"text": text, "title": title, "raw": text}


def article_of(ref: dict[str, Any]) -> dict[str, str] | None:
    try:
        return records(ref["file"]).get(ref.get("record"))
    except FileNotFoundError:
        return None


def key_of(ref: dict[str, Any]) -> tuple[str, str | None]:
    return ref["file"], ref.get("record")


def check_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    if isinstance(value, str):
        return bool(re.fullmatch(r"\d{4}(-\d{2}){0,2}", value))
    return isinstance(value, int) and 1900 < value < 2100


def check_when(when: Any, where: str, problems: list[str]) -> None:
    if not isinstance(when, dict) or len(set(when) - {"best", "note"}) != 1:
        problems.append(f"{where}: date must have one of date/month/year/window: {when!r}")
        return
    if "window" in when:
        lo, hi = when["window"]
        if not (check_date(lo) and check_date(hi)) or str(lo) > str(hi):
            problems.append(f"{where}: bad window {when['window']!r}")
    elif "unknown" in when:
        pass
    else:
        (value,) = [v for k, v in when.items() if k not in ("best", "note")]
        if not check_date(value):
            problems.append(f"{where}: bad date {when!r}")


def check_article(a: dict[str, Any], problems: list[str], counts: Counter[str]) -> None:
    where = a["file"] + (f"#{a['record']}" if a.get("record") else "")
    art = article_of(a)
    if art is None:
        problems.append(f"{where}: no such file or record")
        return
    text = norm(art["text"])
    if a.get("kind") not in KINDS:
        problems.append(f"{where}: unknown kind {a.get('kind')!r}")
    for key in ("outlet", "language", "title", "published"):
        if key not in a:
            problems.append(f"{where}: missing {key}")
    check_when(a.get("published"), f"{where} published", problems)
    if norm(a.get("title", "")) != norm(art["title"]):
        problems.append(f"{where}: title {a.get('title')!r} != {art['title']!r}")

    raw_lines = {line.strip() for line in art["raw"].split("\n")}
    boilerplate = a.get("boilerplate") or []
    for line in boilerplate:
        # A whole line of a text scrape; visible text of a page.
        found = line.strip() in raw_lines if a["file"].endswith(".txt") else norm(line) in text
        if not found:
            problems.append(f"{where}: boilerplate line not in file: {line!r}")
    captions = a.get("captions") or []
    for caption in captions:
        if norm(caption) not in text:
            problems.append(f"{where}: caption not found: {caption!r}")
    for surface in a.get("actors") or {}:
        if norm(surface) not in text:
            problems.append(f"{where}: actor surface form not found: {surface!r}")
        counts["actor mentions"] += 1
    for i, event in enumerate(a.get("events") or []):
        ev = norm(event.get("evidence", ""))
        if not ev or ev not in text:
            problems.append(f"{where}: event {i} evidence not found: {event.get('evidence')!r}")
        if any(ev in norm(x) for x in [*boilerplate, *captions]):
            problems.append(f"{where}: event {i} evidence is inside chrome or a caption")
        for side in ("source", "target"):
            if not event.get(side):
                problems.append(f"{where}: event {i} has no {side}")
        roots = event.get("cameo") or []
        if not roots or not set(roots) <= CAMEO_ROOTS:
            problems.append(f"{where}: event {i} bad cameo {roots!r}")
        check_when(event.get("date"), f"{where} event {i}", problems)
        counts["events"] += 1
    for q in a.get("quantities") or []:
        if norm(q["evidence"]) not in text:
            problems.append(f"{where}: quantity evidence not found: {q['evidence']!r}")
        counts["quantities"] += 1
    for q in a.get("quotes") or []:
        if norm(q["starts"]) not in text:
            problems.append(f"{where}: quote opening not found: {q['starts']!r}")
        counts["quotes"] += 1
    if a["file"].endswith(".txt"):
        for line in unlisted_short_lines(a, art):
            problems.append(f"{where}: short line is neither boilerplate nor caption: {line!r}")
    counts["boilerplate lines"] += len(boilerplate)
    counts["captions"] += len(captions)


def check_spin(a: dict[str, Any], origin: dict[str, Any] | None, problems: list[str]) -> None:
    where = a["file"]
    art = article_of(a)
    if art is None or origin is None:
        return
    text, origin_text = norm(art["text"]), norm(origin["text"])
    spin = a.get("spin_evidence") or {}
    if len(spin) < 10:
        problems.append(f"{where}: fewer than 10 spin substitutions")
    for spun, original in spin.items():
        if norm(spun) not in text:
            problems.append(f"{where}: spun phrase not found: {spun!r}")
        if norm(original) not in origin_text:
            problems.append(f"{where}: replaced phrase not in origin: {original!r}")


def unlisted_short_lines(a: dict[str, Any], art: dict[str, str]) -> list[str]:
    """Short lines of a .txt scrape that are neither its title, chrome nor a caption.

    Article paragraphs are long; a short line that the gold does not account for is
    chrome someone forgot to list.
    """
    listed = {norm(x) for x in [*(a.get("boilerplate") or []), *(a.get("captions") or [])]}
    lines = [norm(line) for line in art["raw"].split("\n") if line.strip()]
    return [ln for ln in lines[1:] if len(ln.split()) < SHORT_LINE_WORDS and ln not in listed]


def corpus_articles() -> set[tuple[str, str | None]]:
    """Every article the corpus holds, as (file, record) keys."""
    keys: set[tuple[str, str | None]] = set()
    for path in sorted(CORPUS.rglob("*")):
        rel = path.relative_to(CORPUS).as_posix()
        if not path.is_file() or not rel.endswith(ARTICLE_SUFFIXES):
            continue
        if rel.endswith(".meta.json") or "/" not in rel:
            continue
        recs = records(rel)
        keys.update((rel, key) for key in recs)
    return keys


def main(argv: list[str]) -> int:
    gold_path = Path(argv[1]) if len(argv) > 1 else CORPUS / "gold.yaml"
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    problems: list[str] = []
    counts: Counter[str] = Counter()
    articles = gold["articles"]
    by_key: dict[tuple[str, str | None], dict[str, Any]] = {}
    for a in articles:
        key = key_of(a)
        if key in by_key:
            problems.append(f"{key}: annotated twice")
        by_key[key] = a
        check_article(a, problems, counts)

    for key in sorted(corpus_articles() - set(by_key), key=str):
        problems.append(f"{key}: article in the corpus but not in the gold")

    for copy in gold.get("copies") or []:
        key = key_of(copy)
        origin_key = (copy["origin_file"], copy.get("origin_record"))
        for k in (key, origin_key):
            if k not in by_key:
                problems.append(f"copies: {k} is not an annotated article")
        if copy.get("link_type") not in LINK_TYPES:
            problems.append(f"copies: {key} bad link_type {copy.get('link_type')!r}")
        origin = article_of({"file": origin_key[0], "record": origin_key[1]})
        art = article_of(copy)
        if (
            copy.get("link_type") == "exact"
            and origin
            and art
            and norm(art["text"]) != norm(origin["text"])
        ):
            problems.append(f"copies: {key} is marked exact but differs from its origin")
        if copy.get("link_type") == "spun" and key in by_key:
            check_spin(by_key[key], origin, problems)
        counts["copies"] += 1

    for story in gold.get("stories") or []:
        for member in story["members"]:
            if key_of(member) not in by_key:
                problems.append(f"story {story['name']!r}: {key_of(member)} not annotated")
    for neg in gold.get("hard_negatives") or []:
        if len(neg["items"]) != 2:
            problems.append(f"hard negative needs two items: {neg}")
        for member in neg["items"]:
            if key_of(member) not in by_key:
                problems.append(f"hard negative: {key_of(member)} not annotated")
    for claim in gold.get("conflicting_claims") or []:
        for ref in claim["values"]:
            if key_of(ref) not in by_key:
                problems.append(f"conflicting claim {claim['what']!r}: {key_of(ref)} unknown")
            elif norm(ref["evidence"]) not in norm(article_of(ref)["text"]):  # type: ignore[index]
                problems.append(f"conflicting claim evidence not found: {ref['evidence']!r}")

    for p in problems:
        print(p)
    formats = Counter(Path(a["file"]).parts[0] for a in articles)
    kinds = Counter(a["kind"] for a in articles)
    surfaces = {s for a in articles for s in (a.get("actors") or {})}
    print(
        f"{len(articles)} articles ({', '.join(f'{k} {v}' for k, v in sorted(formats.items()))}); "
        f"kinds: {', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))}"
    )
    print(
        f"{counts['events']} events, {counts['actor mentions']} actor entries "
        f"({len(surfaces)} distinct surface forms), {counts['quotes']} quotes, "
        f"{counts['quantities']} quantities, {counts['boilerplate lines']} boilerplate lines, "
        f"{counts['captions']} captions, {counts['copies']} copies, "
        f"{len(gold.get('stories') or [])} stories, "
        f"{len(gold.get('hard_negatives') or [])} hard negatives, "
        f"{len(gold.get('conflicting_claims') or [])} conflicting claims"
    )
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
