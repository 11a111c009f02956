"""Every message a person can see has a checked Spanish translation, with its
placeholders intact, and the committed .mo is compiled from the .po."""

from __future__ import annotations

import gettext
import re
from collections import Counter

from tests.spanish import SPANISH_PO, read_catalogue

# %(name)s and %s / %d (Python), {name} (str.format), HTML tags: all must survive translation.
_PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}|<[^>]+>")


def _newlines_at_ends(text: str) -> tuple[int, int]:
    return len(text) - len(text.lstrip("\n")), len(text) - len(text.rstrip("\n"))


def test_it_has_read_the_whole_catalogue():
    entries = read_catalogue()
    assert len(entries) > 800
    folders = {reference.split("/")[1] for entry in entries for reference in entry.references}
    for app in ("accounts", "consent", "directory", "partners", "referrals", "residents", "templates"):
        assert app in folders, app


def test_every_message_has_a_spanish_translation():
    problems = []
    for entry in read_catalogue():
        if entry.fuzzy or entry.untranslated:
            problems.append(f"{'fuzzy' if entry.fuzzy else 'empty'}: {entry}")
    assert not problems, "Translate these in wayfinder/locale/es/LC_MESSAGES/django.po:\n" + "\n".join(problems)


def test_translations_keep_placeholders_markup_and_line_breaks():
    problems = []
    for entry in read_catalogue():
        sources = [entry.msgid, entry.msgid_plural or entry.msgid]
        for index, text in entry.msgstr.items():
            source = sources[0] if index == 0 else sources[1]
            if not text:
                continue
            if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(text)):
                problems.append(f"placeholders differ: {entry} -> {text!r}")
            if _newlines_at_ends(source) != _newlines_at_ends(text):
                problems.append(f"leading or trailing line breaks differ: {entry} -> {text!r}")
    assert not problems, "\n".join(problems)


def test_the_committed_mo_file_is_compiled_from_the_po_file():
    """compilemessages was run after the last change to the .po (the .mo is what Django reads)."""
    with open(SPANISH_PO.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in read_catalogue():
        if entry.untranslated or entry.fuzzy:
            continue  # reported by the test above; msgfmt leaves these out
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            expected = entry.msgstr[0]
        else:
            got = (
                compiled.ngettext(entry.msgid, entry.msgid_plural, 1),
                compiled.ngettext(entry.msgid, entry.msgid_plural, 2),
            )
            expected = entry.msgstr[0], entry.msgstr[2]
        if got != expected:
            stale.append(str(entry))
    assert not stale, "Run `manage.py compilemessages -l es`; the .mo differs for:\n" + "\n".join(stale)
