"""A synthetic news corpus for benchmarks: many articles, realistic sizes and debris.

Sentences are assembled from templates over real actor names, so later stages (actors,
events) find work to do; chrome lines, bylines, timestamps and captions exercise cleaning.
Deterministic for a given seed. Not for evaluation: the text is generated.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

ACTORS = [
    ("Armenia", "Armenian", "Nikol Pashinyan", "Prime Minister", "Yerevan"),
    ("Azerbaijan", "Azerbaijani", "Ilham Aliyev", "President", "Baku"),
    ("Russia", "Russian", "Sergei Lavrov", "Foreign Minister", "Moscow"),
    ("Kazakhstan", "Kazakh", "Kassym-Jomart Tokayev", "President", "Astana"),
    ("Turkey", "Turkish", "Recep Tayyip Erdogan", "President", "Ankara"),
    ("France", "French", "Emmanuel Macron", "President", "Paris"),
    ("Ukraine", "Ukrainian", "Dmytro Kuleba", "Foreign Minister", "Kyiv"),
    ("Georgia", "Georgian", "Irakli Garibashvili", "Prime Minister", "Tbilisi"),
    ("Iran", "Iranian", "Hossein Amir-Abdollahian", "Foreign Minister", "Tehran"),
    ("the United States", "American", "Antony Blinken", "Secretary of State", "Washington"),
]
VERBS = [
    "accused {t} of violating the ceasefire agreement along the border",
    "called on {t} to return to negotiations without preconditions",
    "agreed with {t} to hold a new round of talks next month",
    "refused to take part in a summit with {t}",
    "criticised {t} for its military build-up near the frontier",
    "signed a memorandum on energy cooperation with {t}",
    "expelled two diplomats from {t}",
    "welcomed the decision by {t} to release detainees",
    "threatened to impose sanctions on {t}",
    "sent humanitarian aid to {t}",
    "denied reports that it had shelled positions held by {t}",
    "offered to mediate between the government and {t}",
]
FILLER = [
    "The statement came after several days of rising tension in the region.",
    "Officials did not give further details about the timetable.",
    "Analysts said the move reflected a broader shift in regional alliances.",
    "The ministry published the text of the statement on its website.",
    "Diplomats said the talks had made little progress so far.",
    "The announcement was followed by a telephone call between the two leaders.",
    "Local residents reported that the situation remained calm overnight.",
    "The parliament is expected to discuss the issue at its next session.",
]
CHROME_TOP = ["Home", "HomeNewsWorld", "Share this article", "Advertisement", "Menu"]
CHROME_BOTTOM = [
    ["RELATED ARTICLES", "Leaders meet again as talks stall", "Border incident reported"],
    ["Leave a Comment", "Please enter your name here"],
    ["You may also like", "Energy prices rise across the region"],
    ["#news #politics #world"],
]


def article(rng: random.Random, i: int) -> tuple[str, str, dict[str, str]]:
    a, b = rng.sample(ACTORS, 2)
    day = date(2020, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
    topic = rng.choice(["border", "talks", "gas", "peacekeepers", "sanctions"])
    first, second = a[0].removeprefix("the "), b[0].removeprefix("the ")
    title = f"{first[0].upper() + first[1:]} and {second} at odds over {topic} ({i})"
    paras = []
    for _ in range(rng.randint(4, 9)):
        src, tgt = rng.sample(ACTORS, 2)
        verb = rng.choice(VERBS).format(t=tgt[0])
        lead = rng.choice(
            [
                f"{src[1]} {src[3].lower()} {src[2]}",
                src[0][0].upper() + src[0][1:],
                f"Officials in {src[4]}",
            ]
        )
        when = rng.choice(
            ["on Tuesday", "on Friday", "last week", f"in {day:%B %Y}", "earlier this month"]
        )
        sentences = [f"{lead} {verb} {when}."]
        sentences += rng.sample(FILLER, rng.randint(1, 3))
        paras.append(" ".join(sentences))
    meta = {"published": day.isoformat(), "outlet": f"Outlet {i % 37}", "title": title}
    return title, "\n\n".join(paras), meta


def write_text(path: Path, rng: random.Random, i: int) -> None:
    title, body, _ = article(rng, i)
    lines = [title, rng.choice(CHROME_TOP), f"By Reporter {i % 50}", ""]
    if rng.random() < 0.5:
        lines.append(f"{rng.randint(2020, 2024)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 10:15")
    lines.append(body)
    if rng.random() < 0.3:
        lines += ["", "Delegates are pictured at the meeting.", "Photo: Staff/Synthetic Wire"]
    lines += [""] + rng.choice(CHROME_BOTTOM)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_html(path: Path, rng: random.Random, i: int) -> None:
    title, body, meta = article(rng, i)
    paras = "".join(f"<p>{p}</p>\n" for p in body.split("\n\n"))
    nav = "".join(f'<li><a href="/s/{k}">Section {k}</a></li>' for k in range(12))
    path.write_text(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{title} | {meta["outlet"]}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{meta["outlet"]}">
<meta property="article:published_time" content="{meta["published"]}T09:00:00Z">
<link rel="canonical" href="https://outlet{i % 37}.example/news/{i}">
</head><body><header><nav><ul>{nav}</ul></nav></header>
<div class="cookie">We use cookies to improve your experience. Accept all cookies.</div>
<main><article><h1>{title}</h1><p class="byline">By Reporter {i % 50}</p>
{paras}</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Another story</a></li></ul></aside></main>
<footer><p>Copyright 2024 {meta["outlet"]}. All rights reserved.</p></footer></body></html>""",
        encoding="utf-8",
    )


def write_jsonl(path: Path, rng: random.Random, start: int, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            title, body, meta = article(rng, i)
            record = {
                "title": title,
                "maintext": body,
                "date_publish": meta["published"] + " 08:00:00",
                "url": f"https://outlet{i % 37}.example/{i}",
                "source_domain": f"outlet{i % 37}.example",
                "language": "en",
            }
            fh.write(json.dumps(record) + "\n")


def build(out: Path, n: int, kind: str, seed: int = 7) -> Path:
    """Write ``n`` articles of ``kind`` (text, html, jsonl) under ``out``; returns the folder."""
    rng = random.Random(seed)
    folder = out / f"{kind}-{n}"
    if folder.exists() and sum(1 for _ in folder.rglob("*")) > 0:
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "jsonl":
        for start in range(0, n, 1000):
            write_jsonl(
                folder / f"part-{start // 1000:03d}.jsonl", rng, start, min(1000, n - start)
            )
        return folder
    for i in range(n):
        sub = folder / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        if kind == "text":
            write_text(sub / f"a{i:06d}.txt", rng, i)
        else:
            write_html(sub / f"a{i:06d}.html", rng, i)
    return folder


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--kind", choices=["text", "html", "jsonl"], default="text")
    args = parser.parse_args()
    print(build(args.out, args.n, args.kind))
