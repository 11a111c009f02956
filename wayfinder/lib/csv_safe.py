"""The one CSV writer the project uses: cells cannot become spreadsheet formulas.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
run as a formula by Excel, LibreOffice and Google Sheets when someone opens the
file ("CSV injection", OWASP). A resident who signs up as ``=cmd|'/c calc'!A0``
would otherwise reach the access-log export a system administrator opens. Every
such text cell is prefixed with a single quote, which spreadsheets show as text.

Plain numbers (``-84.49``, ``+1``, ``-3e5``) are left alone: they cannot run, and
HSDS exports need their coordinates and amounts intact. ``unneutralize`` undoes
the prefix, so our own importers read back exactly what was exported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralize(value: Any) -> Any:
    """The cell as it may safely be written: text that a spreadsheet would run gets
    a leading ``'``; numbers and everything else are returned unchanged."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def unneutralize(value: str) -> str:
    """Undo ``neutralize`` for a cell read back from one of our files."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through ``neutralize``."""

    def __init__(self, handle: IO[str], **kwargs: Any) -> None:
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralize(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(handle: IO[str], **kwargs: Any) -> SafeWriter:
    """The project's ``csv.writer``: use it for every CSV the system writes."""
    return SafeWriter(handle, **kwargs)
