"""The demo's last step: index the demo directory so search works right after ``make run``."""

from __future__ import annotations

from wayfinder.directory.search.indexing import rebuild


def load_demo_index(stdout) -> None:
    report = rebuild()
    stdout.write(f"Search index: {report.documents} documents in {report.seconds:.1f} s\n")
