"""Rebuild the directory search index from the database (safe while the site runs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wayfinder.directory.search import rebuild


class Command(BaseCommand):
    help = "Rebuild the Tantivy search index from the database, then switch readers to it atomically."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--threads", type=int, default=2, help="indexing threads (default 2)")
        parser.add_argument("--workers", type=int, default=2, help="processes reading the database (default 2)")
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")

    def handle(self, *args, threads: int, workers: int, quiet_progress: bool, **options) -> None:
        progress = None
        if not quiet_progress and options.get("verbosity", 1) > 0:
            from tqdm import tqdm

            def progress(docs):
                return tqdm(docs, unit=" docs", mininterval=1.0, file=self.stderr._out)

        report = rebuild(threads=threads, workers=workers, progress=progress)
        self.stdout.write(
            f"Indexed {report.documents} documents in {report.seconds:.1f} s"
            + (f" ({report.replayed} updated services replayed)" if report.replayed else "")
        )
