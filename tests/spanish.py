"""Shared by the test_spanish_*.py files: read the Spanish catalogue, and look at a
page the way a Spanish reader gets it.

The catalogue is read with the standard library only (no polib): a .po file is a
list of entries separated by blank lines, each with ``msgid``/``msgstr`` (or
``msgstr[n]`` for plurals) keywords followed by quoted strings, and ``#,`` flags.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

SPANISH_PO = Path(__file__).resolve().parent.parent / "wayfinder" / "locale" / "es" / "LC_MESSAGES" / "django.po"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def untranslated(self) -> bool:
        return not self.msgstr or any(not text for text in self.msgstr.values())

    def __str__(self) -> str:
        where = self.references[0] if self.references else f"django.po line {self.line}"
        return f"{self.msgid!r} ({where})"


def _unquote(quoted: str) -> str:
    # A PO string uses C escapes (\n, \t, \", \\), which Python's literal syntax reads the same way.
    return ast.literal_eval(quoted)


def read_catalogue(path: Path = SPANISH_PO) -> list[Entry]:
    """Every entry of the catalogue except the header (and obsolete ``#~`` entries)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if current is not None and (current.msgid or current.msgstr):
                entries.append(current)
            current, target = None, None
            continue
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#:"):
            current.references += line[2:].split()
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, quoted = match.groups()
            if keyword.startswith("msgstr"):
                target = ("msgstr", int(index or 0))
                current.msgstr[target[1]] = _unquote(quoted)
            else:
                target = (keyword, 0)
                setattr(current, keyword, _unquote(quoted))
        elif line.startswith('"') and target is not None:
            if target[0] == "msgstr":
                current.msgstr[target[1]] += _unquote(line)
            else:
                setattr(current, target[0], (getattr(current, target[0]) or "") + _unquote(line))
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    if current is not None and (current.msgid or current.msgstr):
        entries.append(current)
    return [entry for entry in entries if entry.msgid]


def in_spanish(client):
    """Choose Spanish the way a person does, with the language switch (it sets the
    language cookie, which survives signing in and out)."""
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    return client


def assert_spanish(response, present=(), absent=(), status: int = 200) -> str:
    """The page is served in Spanish: ``lang="es"``, the expected Spanish wording
    and none of the English wording it replaces."""
    html = response.content.decode()
    assert response.status_code == status, (response.status_code, html[:500])
    assert '<html lang="es">' in html
    missing = [text for text in present if text not in html]
    leftover = [text for text in absent if text in html]
    assert not missing, f"Spanish text missing: {missing}"
    assert not leftover, f"English text still shown: {leftover}"
    return html
