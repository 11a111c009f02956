"""Where the index lives on disk, and how several processes share it.

Layout under ``settings.SEARCH_INDEX_DIR``::

    CURRENT          name of the live generation (replaced atomically)
    gen-<stamp>/     one complete Tantivy index
    updates.log      service ids touched by incremental updates, one per line

A full rebuild writes a new generation beside the live one and then swaps
``CURRENT``; readers never see a half-built index. Readers in every process check
``CURRENT`` and the generation's ``meta.json`` (two ``stat`` calls) before each
search and reload only when one changed, so a commit by the single writer is
visible to every process on its next search. Tantivy's own lock file keeps a
second writer out; ``open_writer`` waits for it instead of failing.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import tantivy
from django.conf import settings

from .schema import SCHEMA_VERSION, build_schema, register_analyzers

_SCHEMA = build_schema()
_lock = threading.Lock()


def schema() -> tantivy.Schema:
    return _SCHEMA


def index_root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def current_generation(root: Path | None = None) -> Path | None:
    root = root or index_root()
    try:
        name = (root / "CURRENT").read_text().strip()
    except FileNotFoundError:
        return None
    path = root / name
    return path if (path / "meta.json").exists() else None


def new_generation(root: Path | None = None) -> Path:
    root = root or index_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"gen-v{SCHEMA_VERSION}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:8]}"
    path.mkdir()
    return path


def publish(generation: Path) -> None:
    """Make ``generation`` the live index (atomic rename), then delete the others.

    Deleting is safe for readers that still have an old generation open: Tantivy
    memory-maps its files, and an unlinked mapped file lives until unmapped.
    """
    root = generation.parent
    tmp = root / f"CURRENT.{uuid.uuid4().hex}"
    tmp.write_text(generation.name)
    os.replace(tmp, root / "CURRENT")
    for other in root.glob("gen-*"):
        if other != generation and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)


def ensure_generation() -> Path:
    """The live generation, creating an empty one when nothing was built yet."""
    with _lock:
        live = current_generation()
        if live is not None:
            return live
        generation = new_generation()
        open_index(generation).writer(15_000_000, 1).commit()
        publish(generation)
        return generation


def open_index(path: Path) -> tantivy.Index:
    index = tantivy.Index(_SCHEMA, str(path), reuse=True)
    register_analyzers(index)
    return index


def open_writer(index: tantivy.Index, *, heap: int = 50_000_000, threads: int = 1, wait: float = 60.0):
    """A writer on ``index``; waits while another process holds the writer lock."""
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return index.writer(heap, threads)
        except ValueError as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


@dataclass
class _Reader:
    generation: Path
    index: tantivy.Index
    meta_mtime: int


_readers: dict[Path, _Reader] = {}


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def searcher() -> tantivy.Searcher | None:
    """A searcher on the latest committed state, or None when no index exists yet."""
    root = index_root()
    generation = current_generation(root)
    if generation is None:
        return None
    meta = _mtime(generation / "meta.json")
    with _lock:
        reader = _readers.get(root)
        if reader is None or reader.generation != generation:
            index = open_index(generation)
            index.config_reader(reload_policy="Manual")
            reader = _Reader(generation, index, meta)
            _readers[root] = reader
        elif reader.meta_mtime != meta:
            reader.index.reload()
            reader.meta_mtime = meta
        return reader.index.searcher()


def journal_offset() -> int:
    return _mtime_size(index_root() / "updates.log")


def _mtime_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def journal_append(service_ids: list[str]) -> None:
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "updates.log", "a", encoding="utf-8") as handle:
        handle.write("".join(f"{sid}\n" for sid in service_ids))


def journal_since(offset: int) -> list[str]:
    """Service ids updated incrementally after ``offset`` (a rebuild replays them)."""
    path = index_root() / "updates.log"
    try:
        with open(path, encoding="utf-8") as handle:
            handle.seek(offset)
            return sorted({line.strip() for line in handle if line.strip()})
    except FileNotFoundError:
        return []


def journal_truncate() -> None:
    (index_root() / "updates.log").unlink(missing_ok=True)
