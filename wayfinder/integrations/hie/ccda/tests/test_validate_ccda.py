"""``manage.py validate_ccda``: valid, invalid (each rule reported) and hostile files."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from wayfinder.integrations.hie.ccda.document import build_ccd
from wayfinder.integrations.hie.ccda.tests.test_ccd_document import _grant

EXAMPLES = Path(__file__).resolve().parents[5] / ".." / "shared" / "standards" / "ccda" / "examples"


def _run(path: Path, capsys) -> tuple[int, str]:
    code = 0
    try:
        call_command("validate_ccda", str(path))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.mark.django_db
def test_it_passes_a_generated_ccd_and_reports_each_broken_rule(amy, tmp_path, capsys):
    good = tmp_path / "ccd.xml"
    good.write_bytes(build_ccd(amy, _grant()))
    assert _run(good, capsys) == (0, f"{good}: valid (CDA schema and C-CDA R2.1 schematron)\n")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(good.read_bytes().replace(b'code="29762-2"', b'code="00000-0"'))
    code, out = _run(broken, capsys)
    assert code == 1 and "schematron a-1198-" in out and "INVALID" in out


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="shared examples not present")
def test_it_reads_the_shared_examples_fragments_as_not_a_document(capsys):
    for example in sorted(EXAMPLES.glob("*.xml")):
        code, out = _run(example, capsys)
        # Fragments (a section or an entry), not a ClinicalDocument; some use an undeclared xsi prefix.
        assert (code, "schema xsd" in out) == (1, True) or (code, "not well-formed" in out) == (2, True), out


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3">&lol3;</ClinicalDocument>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<ClinicalDocument xmlns="urn:hl7-org:v3">&xxe;</ClinicalDocument>',
        b"this is not XML at all",
        b"<ClinicalDocument",
    ],
    ids=["billion-laughs", "external-entity", "not-xml", "truncated"],
)
def test_it_refuses_hostile_or_unreadable_files(content, tmp_path, capsys):
    path = tmp_path / "hostile.xml"
    path.write_bytes(content)
    code, out = _run(path, capsys)
    assert code == 2 and "unreadable" in out and "root:" not in out


def test_it_refuses_a_huge_file_before_parsing(tmp_path, capsys):
    path = tmp_path / "huge.xml"
    path.write_bytes(b"<a>" + b" " * (21 * 1024 * 1024) + b"</a>")
    code, out = _run(path, capsys)
    assert code == 2 and "limit" in out
