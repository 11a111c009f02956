"""Where a feed's bytes come from: one reader for a folder, a zip or a single file.

A folder and a zip are the same thing here: a set of named members (top-level files of the folder;
files anywhere in the zip, matched by name). Each member's encoding is found before it is parsed
(UTF-8 with or without a byte-order mark, UTF-16 with one, else cp1252, said in the report), which
also gives the exact line of the first byte that is not UTF-8. A zip is refused before anything
in it is read when its members would expand past ``HSDS_MAX_UNZIPPED_BYTES``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

csv.field_size_limit(50_000_000)
CHUNK = 1 << 20
MAX_MEMBERS = 10_000
TABULAR, JSON = "tabular", "json"


class FeedError(Exception):
    """The feed as a whole cannot be read (bad JSON document, broken CSV, empty, too big)."""


@dataclass
class Member:
    name: str  # the file name, as reports show it
    size: int
    opener: Callable[[], IO[bytes]]

    def open(self) -> IO[bytes]:
        return self.opener()


@dataclass
class Encoding:
    name: str  # a Python codec
    note: str = ""  # what the report should say about it ("" for plain UTF-8)
    first_bad_line: int = 0  # the line of the first byte that is not UTF-8
    has_nul: bool = False


@dataclass
class Feed:
    path: Path
    kind: str  # TABULAR or JSON
    members: dict[str, Member] = field(default_factory=dict)  # lower-case file name -> member
    datapackage: dict[str, Any] | None = None
    archive: zipfile.ZipFile | None = None

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()


def max_unzipped() -> int:
    return int(getattr(settings, "HSDS_MAX_UNZIPPED_BYTES", 2 * 1000**3))


def _ignored(name: str) -> bool:
    parts = Path(name).parts
    return not parts or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def open_feed(path: Path) -> Feed:
    """The feed at ``path``: a folder, a zip, a CSV table file, or a JSON/NDJSON file."""
    if not path.exists():
        raise FeedError(f"{path}: no such file or directory")
    if path.is_dir():
        feed = Feed(path, TABULAR)
        for p in sorted(path.iterdir()):
            if p.is_file() and not _ignored(p.name):
                feed.members[p.name.lower()] = Member(p.name, p.stat().st_size, lambda p=p: p.open("rb"))
    elif path.suffix.lower() == ".zip" or (zipfile.is_zipfile(path) and path.suffix.lower() not in (".json", ".csv")):
        feed = _zip(path)
    elif path.suffix.lower() == ".csv":
        feed = Feed(path, TABULAR)
        feed.members[path.name.lower()] = Member(path.name, path.stat().st_size, lambda: path.open("rb"))
    else:
        feed = Feed(path, JSON)
        feed.members[path.name.lower()] = Member(path.name, path.stat().st_size, lambda: path.open("rb"))
    if not feed.members:
        raise FeedError(f"{path.name}: no files in the feed")
    if feed.kind == TABULAR:
        if not any(name.endswith(".csv") for name in feed.members):
            jsons = [m for name, m in feed.members.items() if name.endswith((".json", ".ndjson", ".jsonl"))]
            jsons = [m for m in jsons if m.name.lower() != "datapackage.json"]
            if len(jsons) == 1:  # a zip or folder holding one JSON feed
                feed.kind, feed.members = JSON, {jsons[0].name.lower(): jsons[0]}
            else:
                raise FeedError(f"{path.name}: no HSDS CSV files found")
        package = feed.members.get("datapackage.json")
        if package is not None and feed.kind == TABULAR:
            feed.datapackage = _datapackage(package)
    for member in feed.members.values():
        if member.size == 0 and feed.kind == JSON:
            raise FeedError(f"{member.name}: the file is empty")
    return feed


def _zip(path: Path) -> Feed:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FeedError(f"{path.name}: not a zip file") from None
    infos = [i for i in archive.infolist() if not i.is_dir() and not _ignored(i.filename)]
    if len(infos) > MAX_MEMBERS:
        archive.close()
        raise FeedError(f"{path.name}: {len(infos):,} files in the zip, more than {MAX_MEMBERS:,}")
    total, limit = sum(i.file_size for i in infos), max_unzipped()
    if total > limit:  # the sizes the zip declares; reading stops at them, so they bound what is read
        archive.close()
        raise FeedError(
            f"{path.name}: the zip expands to {total:,} bytes, more than the limit of {limit:,} "
            "(HSDS_MAX_UNZIPPED_BYTES)"
        )
    feed = Feed(path, TABULAR, archive=archive)
    for info in sorted(infos, key=lambda i: (i.filename.count("/"), i.filename)):
        name = Path(info.filename).name
        if name.lower() not in feed.members:  # the shallowest copy of a name wins
            feed.members[name.lower()] = Member(name, info.file_size, lambda info=info: archive.open(info))
    return feed


def _datapackage(member: Member) -> dict[str, Any] | None:
    try:
        with member.open() as fh:
            value = json.loads(fh.read(10 << 20).decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def detect_encoding(member: Member) -> Encoding:
    """Read the member once: UTF-8 unless a byte says otherwise (then cp1252, or Latin-1 for the five
    bytes cp1252 leaves undefined), UTF-16 only with its byte-order mark. NUL bytes are noted."""
    with member.open() as fh:
        head = fh.read(CHUNK)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return Encoding("utf-16", "UTF-16 text (byte-order mark)")
        name = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
        utf8 = codecs.getincrementaldecoder("utf-8")()
        cp1252 = codecs.getincrementaldecoder("cp1252")()
        lines, chunk, bad_line, cp_ok, nul = 0, head, 0, True, False
        while chunk:
            nul = nul or b"\x00" in chunk
            if not bad_line:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad_line = lines + chunk[: exc.start].count(b"\n") + 1
            if cp_ok:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    cp_ok = False
            lines += chunk.count(b"\n")
            if bad_line and not cp_ok:
                break
            chunk = fh.read(CHUNK)
        if not bad_line:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                bad_line = lines + 1
    if not bad_line:
        return Encoding(name, has_nul=nul)
    if cp_ok:
        return Encoding("cp1252", "not UTF-8: read as Windows-1252 (cp1252)", bad_line, nul)
    return Encoding("latin-1", "neither UTF-8 nor Windows-1252: read as Latin-1", bad_line, nul)


def text_stream(member: Member, encoding: Encoding) -> io.TextIOWrapper:
    return io.TextIOWrapper(member.open(), encoding=encoding.name, newline="")


def csv_records(
    member: Member, encoding: Encoding, blank_lines: list[int] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """(physical line the record starts on, cells) for every record, the header first. Broken
    quoting is a ``FeedError`` (the rest of the file cannot be trusted).

    A record whose every cell is blank (the empty rows a spreadsheet leaves, ``,,,,``) holds nothing
    to import or reject: it is left out, and its line appended to ``blank_lines`` for the report.
    The test costs one ``strip`` for a record whose first cell (its id) is filled."""
    with text_stream(member, encoding) as text:
        reader = csv.reader(text, strict=True)
        line = 0
        try:
            for cells in reader:
                start, line = line + 1, reader.line_num
                if not cells:
                    continue
                if not cells[0].strip() and not "".join(cells).strip():
                    if blank_lines is not None:
                        blank_lines.append(start)
                    continue
                yield start, cells
        except csv.Error as exc:
            raise FeedError(f"{member.name}:{line + 1}: broken CSV ({exc})") from None
