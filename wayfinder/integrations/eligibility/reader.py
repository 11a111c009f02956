"""Read an eligibility feed file as numbered lines, whatever the file holds.

The file is read as bytes, a bounded line at a time: a line that is not UTF-8 or
is longer than ``MAX_LINE_BYTES`` is reported as that line's problem (and, when
too long, skipped to its end without being held in memory), so a binary file
gives per-line errors instead of a traceback and cannot exhaust memory. An
archive (ZIP, gzip, ...) is refused before anything is read from it: the feed is
JSON lines, and an archive would only produce a screenful of nonsense errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

# A record with a large household is a few kilobytes; a megabyte is not a record.
MAX_LINE_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

ARCHIVES = {
    b"PK\x03\x04": "a ZIP archive",
    b"PK\x05\x06": "a ZIP archive (empty)",
    b"\x1f\x8b": "a gzip file",
    b"BZh": "a bzip2 file",
    b"\xfd7zXZ\x00": "an xz file",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"\x28\xb5\x2f\xfd": "a zstd file",
}


class FeedRefused(ValueError):
    """The whole file is refused before anything is written (the reason says why)."""


def archive_kind(head: bytes) -> str:
    """ "a ZIP archive" (etc.) if the file starts like one, else ""."""
    return next((kind for magic, kind in ARCHIVES.items() if head.startswith(magic)), "")


def numbered_lines(handle: BinaryIO) -> Iterator[tuple[int, str, str]]:
    """(line number, text, problem) for every line; problem is "" for a readable line."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            _skip_rest_of_line(handle)
            yield number, "", f"line longer than {MAX_LINE_BYTES // 1024 // 1024} MB: not a record"
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # a UTF-8 byte order mark, as some exports write
        try:
            yield number, raw.decode("utf-8"), ""
        except UnicodeDecodeError as error:
            yield number, "", f"not valid UTF-8 (byte {error.start + 1} of the line): not a text record"


def text_lines(lines: Iterable[str]) -> Iterator[tuple[int, str, str]]:
    """Lines already in memory (tests, the demo) in the same shape."""
    for number, line in enumerate(lines, start=1):
        yield number, line, ""


def open_feed(path: Path) -> BinaryIO:
    """The file opened for reading, or ``FeedRefused`` if it is an archive."""
    handle = path.open("rb")
    kind = archive_kind(handle.read(8))
    if kind:
        handle.close()
        raise FeedRefused(f"{path.name} is {kind}, not a JSON lines file: unpack it and import the .jsonl file inside")
    handle.seek(0)
    return handle


def _skip_rest_of_line(handle: BinaryIO) -> None:
    while True:
        chunk = handle.readline(_CHUNK)
        if not chunk or chunk.endswith(b"\n"):
            return
