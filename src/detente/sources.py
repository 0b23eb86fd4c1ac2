"""Finding and reading inputs: paths, globs, directories and URLs. The only ingest code with I/O."""

from __future__ import annotations

import csv
import glob
import io
import json
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from .model import Blob, DocumentMeta, IngestError
from .settings import Settings

SIDECAR_SUFFIX = ".meta.json"
MANIFEST_NAMES = ("manifest.csv",)


def is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


@dataclass(frozen=True)
class InputRef:
    """One thing to read: a file path or a URL, with metadata known before reading it."""

    location: str
    hints: DocumentMeta | None = None


def expand_inputs(
    inputs: list[str],
    settings: Settings,
    wanted: Callable[[str], bool] = lambda name: True,
    skipped: list[str] | None = None,
) -> tuple[list[InputRef], list[IngestError]]:
    """Turn paths, globs, directories and URLs into individual inputs.

    Directories are walked recursively; symbolic links are followed but each real directory
    is visited once, so a link loop ends with an error instead of running forever. Files met
    in a walk whose names ``wanted`` rejects (a README, a picture) are listed in ``skipped``;
    a file named explicitly is always read, so an unsupported one gets a clear error.
    """
    refs: list[InputRef] = []
    errors: list[IngestError] = []
    seen: set[str] = set()

    def add(path: Path, manifest: dict[str, DocumentMeta]) -> None:
        key = str(path)
        if key in seen:
            return
        seen.add(key)
        hints = manifest.get(_manifest_key(path))
        sidecar = read_sidecar(path)
        if isinstance(sidecar, IngestError):
            errors.append(sidecar)
        elif sidecar is not None:
            hints = sidecar.merged_over(hints)
        refs.append(InputRef(key, hints))

    for item in inputs:
        if is_url(item):
            if item not in seen:
                seen.add(item)
                refs.append(InputRef(item))
            continue
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        if not matches:
            errors.append(IngestError(item, "no file matches this pattern"))
        for match in matches:
            path = Path(match)
            try:
                st = path.stat()
            except FileNotFoundError:
                reason = "broken symbolic link" if path.is_symlink() else "no such file"
                errors.append(IngestError(match, reason))
                continue
            except OSError as exc:
                errors.append(IngestError(match, _os_reason(exc)))
                continue
            if stat.S_ISDIR(st.st_mode):
                _walk(path, add, errors, wanted, skipped)
            elif _is_companion(path):
                continue
            else:
                add(path, load_manifests(path.parent, errors))
    return refs, errors


def _walk(
    root: Path,
    add: Callable[[Path, dict[str, DocumentMeta]], None],
    errors: list[IngestError],
    wanted: Callable[[str], bool],
    skipped: list[str] | None,
) -> None:
    visited: set[tuple[int, int]] = set()

    def visit(directory: Path, inherited: dict[str, DocumentMeta]) -> None:
        try:
            st = directory.stat()
        except OSError as exc:
            errors.append(IngestError(str(directory), _os_reason(exc)))
            return
        key = (st.st_dev, st.st_ino)
        if key in visited:
            errors.append(
                IngestError(str(directory), "symbolic link loop: directory already visited")
            )
            return
        visited.add(key)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            errors.append(IngestError(str(directory), _os_reason(exc)))
            return
        # A manifest describes files in and below its folder: subfolders inherit its rows.
        manifest = {**inherited, **load_manifests(directory, errors)}
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError as exc:
                errors.append(IngestError(str(path), _os_reason(exc)))
                continue
            if is_dir:
                visit(path, manifest)
            elif is_file:
                if _is_companion(path):
                    continue
                if wanted(entry.name.lower()):
                    add(path, manifest)
                elif skipped is not None:
                    skipped.append(str(path))
            elif entry.is_symlink():
                try:
                    path.resolve(strict=True)
                    reason = "not a regular file"
                except RuntimeError:
                    reason = "symbolic link loop"
                except FileNotFoundError:
                    reason = "broken symbolic link"
                except OSError as exc:
                    reason = _os_reason(exc)
                errors.append(IngestError(str(path), reason))

    visit(root, {})


def _is_companion(path: Path) -> bool:
    """Sidecars and manifests describe other files; they are not articles themselves."""
    name = path.name.lower()
    return name.endswith(SIDECAR_SUFFIX) or name in MANIFEST_NAMES


def _manifest_key(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))


def read_sidecar(path: Path) -> DocumentMeta | IngestError | None:
    """``NAME.meta.json`` (or ``NAME.ext.meta.json``) beside a file supplies its metadata."""
    for candidate in (
        path.with_name(path.name + SIDECAR_SUFFIX),
        path.with_name(path.stem + SIDECAR_SUFFIX),
    ):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                return IngestError(str(candidate), f"unreadable sidecar: {exc}")
            if not isinstance(data, dict):
                return IngestError(str(candidate), "sidecar must be a JSON object")
            return meta_from_mapping(data)
    return None


def meta_from_mapping(data: dict[str, object]) -> DocumentMeta:
    def pick(*keys: str) -> str | None:
        for key in keys:
            value = data.get(key)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v)
            if value not in (None, ""):
                return str(value).strip()
        return None

    return DocumentMeta(
        title=pick("title", "headline"),
        url=pick("url", "link", "canonical_url"),
        outlet=pick("outlet", "source_domain", "site_name", "source", "publisher"),
        author=pick("author", "authors", "byline"),
        published=pick("published", "date_publish", "date", "datePublished"),
        language=pick("language", "lang"),
    )


def load_manifests(directory: Path, errors: list[IngestError]) -> dict[str, DocumentMeta]:
    """A ``manifest.csv`` with a ``path`` column describes files in and below its folder."""
    result: dict[str, DocumentMeta] = {}
    for name in MANIFEST_NAMES:
        manifest = directory / name
        if not manifest.is_file():
            continue
        try:
            text = manifest.read_text(encoding="utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            errors.append(IngestError(str(manifest), f"unreadable manifest: {exc}"))
            continue
        if rows and "path" not in rows[0]:
            errors.append(IngestError(str(manifest), "manifest has no 'path' column"))
            continue
        for row in rows:
            rel = (row.get("path") or "").strip()
            if rel:
                meta = meta_from_mapping({k: v for k, v in row.items() if k != "path"})
                result[_manifest_key(directory / rel)] = meta
    return result


def _os_reason(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symbolic link loop"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)


def read_path(ref: InputRef, settings: Settings) -> Blob | IngestError:
    path = Path(ref.location)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end; a directory is walked, not read.
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            return IngestError(ref.location, f"cannot read: {kind}")
        size = info.st_size
        if size > settings.max_input_bytes:
            return IngestError(
                ref.location,
                f"file too large: {size:,} bytes (limit {settings.max_input_bytes:,}; "
                "set DETENTE_MAX_INPUT_BYTES to raise it)",
            )
        with path.open("rb") as fh:
            data = fh.read(settings.max_input_bytes + 1)
    except OSError as exc:
        return IngestError(ref.location, _os_reason(exc))
    if len(data) > settings.max_input_bytes:
        return IngestError(ref.location, "file grew past the size limit while being read")
    if not data:
        return IngestError(ref.location, "empty file")
    name = path.name.lower()
    if name.endswith(".gz") and not name.endswith(".warc.gz"):
        inflated = gunzip_capped(data, settings.max_decompressed_bytes)
        if isinstance(inflated, str):
            return IngestError(ref.location, inflated)
        data, name = inflated, name[:-3]
        if not data:
            return IngestError(ref.location, "empty file after decompression")
    return Blob(source=ref.location, data=data, name=name, hints=ref.hints)


def gunzip_capped(data: bytes, limit: int) -> bytes | str:
    """Decompress gzip without letting a compression bomb take the machine's memory.

    Every member of a multi-member file (``cat a.gz b.gz > ab.gz``) is read, as
    ``gzip -d`` does; NUL padding after the last member is allowed, other bytes are not.
    """
    bomb = f"decompressed size exceeds {limit:,} bytes (possible compression bomb)"
    out = bytearray()
    pos = 0
    try:
        while True:
            decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while not decompressor.eof and pos < len(data):
                chunk = data[pos : pos + 64 * 1024]
                pos += len(chunk)
                out += decompressor.decompress(chunk, limit + 1 - len(out))
                if len(out) > limit:
                    return bomb
                while decompressor.unconsumed_tail:
                    out += decompressor.decompress(
                        decompressor.unconsumed_tail, limit + 1 - len(out)
                    )
                    if len(out) > limit:
                        return bomb
            if not decompressor.eof:
                return "truncated gzip stream"
            pos -= len(decompressor.unused_data)
            if not data.startswith(b"\x1f\x8b", pos):
                break
    except zlib.error as exc:
        return f"corrupt gzip data: {exc}"
    if data.count(b"\x00", pos) != len(data) - pos:
        return f"corrupt gzip data: {len(data) - pos:,} unexpected bytes after the compressed data"
    return bytes(out)


class Fetcher:
    """HTTP client for URLs and feed links: timeouts, redirects, a size cap, a clear User-Agent."""

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self.client = httpx.Client(
            timeout=settings.fetch_timeout,
            follow_redirects=True,
            max_redirects=settings.fetch_max_redirects,
            headers={"User-Agent": settings.user_agent},
            transport=transport,
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, url: str, hints: DocumentMeta | None = None) -> Blob | IngestError:
        limit = self.settings.max_input_bytes
        try:
            with self.client.stream("GET", url) as response:
                if response.status_code >= 400:
                    return IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > limit:
                    return IngestError(url, f"response too large: {int(declared):,} bytes")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        return IngestError(url, f"response larger than {limit:,} bytes")
                final_url = str(response.url)
                content_type = response.headers.get("content-type", "").lower()
        except httpx.TooManyRedirects:
            return IngestError(url, "too many redirects")
        except httpx.TimeoutException:
            return IngestError(url, f"timed out after {self.settings.fetch_timeout:g}s")
        except httpx.HTTPError as exc:
            return IngestError(url, f"unreachable: {exc.__class__.__name__}: {exc}")
        if not body:
            return IngestError(url, "empty response")
        name = name_for_url(final_url, content_type)
        return Blob(
            source=url,
            data=bytes(body),
            name=name,
            content_type=content_type,
            url=final_url,
            hints=hints,
        )


def name_for_url(url: str, content_type: str) -> str:
    """A file name whose extension tells the parser what the response holds."""
    path = httpx.URL(url).path.lower()
    base = path.rsplit("/", 1)[-1] or "index"
    for marker, ext in (
        ("rss", ".rss"),
        ("atom", ".atom"),
        ("json", ".json"),
        ("html", ".html"),
        ("xml", ".xml"),
        ("text/plain", ".txt"),
    ):
        if marker in content_type:
            return base if base.endswith(ext) else base + ext
    return base


def iter_blobs(
    refs: list[InputRef], settings: Settings, fetcher: Fetcher | None
) -> Iterator[Blob | IngestError]:
    for ref in refs:
        if is_url(ref.location):
            if fetcher is None:
                yield IngestError(ref.location, "fetching URLs is disabled")
            else:
                yield fetcher.fetch(ref.location, ref.hints)
        else:
            yield read_path(ref, settings)
