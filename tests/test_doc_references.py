"""Every reference to the project's documents points inside the repository, at a
file and a section that exist (issue #15 item 7).

Code, templates and docs cite the specification as ``docs/product.md 4.3`` (a
numbered section) or ``docs/security.md, "Audit log"`` (a heading, matched from its
start). Outside the tests nothing may point at the shared specification the project
started from (``../shared``), or name ``product.md``, ``security.md`` and the like
without the ``docs/`` that says where they are: a person who clones the project
could not read them.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = (".py", ".md", ".html", ".txt", ".json", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".sh", ".j2")
SPEC_NAMES = r"(?:product|security|performance|engineering|standards|architecture|decisions|operations)"

DOC_REF = re.compile(r"(?<![\w/.])docs/([\w./-]+?\.md)\b")
# docs/product.md 4.3, `docs/product.md` 4.3, docs/product.md, 4.3
PRODUCT_SECTION = re.compile(r"docs/product\.md`?,? (\d+(?:\.\d+)?)\b")
# docs/security.md, "Audit log" / `docs/security.md`, "Audit log" / docs/security.md "Audit log"
HEADING_REF = re.compile(r"docs/([\w./-]+?\.md)`?,? \"([^\"\n]+)\"")
BARE_NAME = re.compile(r"(?<![\w/.-])" + SPEC_NAMES + r"\.md\b")
BARE_PRODUCT_SECTION = re.compile(r"(?<![\w/.])[Pp]roduct \d+\.\d+\b")
SHARED = re.compile(r"\.\./(?:shared|seeds)\b")
SELF = "tests/test_doc_references.py"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def tracked_text_files() -> list[str]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return sorted(n for n in names if n.endswith(TEXT_SUFFIXES) or Path(n).name == "Makefile")


def is_test(path: str) -> bool:
    """Tests (and their fixtures) may read the shared specification."""
    parts = Path(path).parts
    return parts[0] == "tests" or "tests" in parts or Path(path).name == "conftest.py"


def headings(text: str) -> list[str]:
    return [re.sub(r"[`*]", "", line.lstrip("#").strip()) for line in text.splitlines() if line.startswith("#")]


def product_sections(text: str) -> set[str]:
    """``## 4. Residents and consent`` gives 4; a paragraph opening ``4.3 **...**`` gives 4.3."""
    found = {m.group(1) for m in re.finditer(r"^## (\d+)\.", text, re.M)}
    found |= {m.group(1) for m in re.finditer(r"^(\d+\.\d+) ", text, re.M)}
    return found


def problems_in(path: str, text: str, read_doc) -> list[Problem]:
    """The broken references in one file. ``read_doc(name)`` returns the text of
    ``docs/<name>`` or None when it does not exist."""
    out: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in DOC_REF.finditer(line):
            if read_doc(match.group(1)) is None:
                out.append(Problem(path, number, f"docs/{match.group(1)} does not exist"))
        for match in PRODUCT_SECTION.finditer(line):
            product = read_doc("product.md") or ""
            if match.group(1) not in product_sections(product):
                out.append(Problem(path, number, f"docs/product.md has no section {match.group(1)}"))
        for match in HEADING_REF.finditer(line):
            doc = read_doc(match.group(1))
            wanted = match.group(2).strip()
            if doc is not None and not any(h.startswith(wanted) for h in headings(doc)):
                out.append(Problem(path, number, f'docs/{match.group(1)} has no heading "{wanted}"'))
        if is_test(path):
            continue
        if SHARED.search(line):
            out.append(Problem(path, number, "points outside the repository (../shared, ../seeds)"))
        for match in BARE_NAME.finditer(line):
            out.append(Problem(path, number, f"{match.group(0)} without docs/ (where is it?)"))
        for match in BARE_PRODUCT_SECTION.finditer(line):
            if not line[: match.start()].rstrip().endswith(("docs/product.md", "docs/product.md`", "docs/product.md,")):
                section = match.group(0).split()[1]
                out.append(Problem(path, number, f"'{match.group(0)}': cite it as docs/product.md {section}"))
    return out


def read_repository_doc(name: str) -> str | None:
    path = ROOT / "docs" / name
    return path.read_text(encoding="utf-8") if path.is_file() else None


def test_the_specification_is_in_the_repository():
    for name in ("product.md", "security.md", "performance.md", "architecture.md"):
        assert read_repository_doc(name), f"docs/{name} is missing"
    assert len(product_sections(read_repository_doc("product.md") or "")) > 40


def test_every_reference_to_the_docs_points_at_a_file_and_section_that_exist():
    problems: list[Problem] = []
    files = tracked_text_files()
    assert len(files) > 300
    for path in files:
        if path == SELF:  # its examples below are broken on purpose
            continue
        text = (ROOT / path).read_text(encoding="utf-8", errors="replace")
        problems.extend(problems_in(path, text, read_repository_doc))
    assert not problems, "\n".join(map(str, problems))


DOCS = {
    "product.md": "# Product\n\n## 4. Residents\n\n4.3 **What an organization sees.**\n",
    "security.md": "# Security\n\n## Audit log\n\n## Access control\n",
}


def fake_doc(name: str) -> str | None:
    return DOCS.get(name)


@pytest.mark.parametrize(
    "text,complaint",
    [
        ("see docs/privacy.md", "docs/privacy.md does not exist"),
        ("see docs/formats/missing.md", "docs/formats/missing.md does not exist"),
        ("(docs/product.md 4.4)", "no section 4.4"),
        ("(`docs/product.md` 9.1)", "no section 9.1"),
        ('(docs/security.md, "Audit trail")', 'no heading "Audit trail"'),
        ("(security.md)", "security.md without docs/"),
        ("the personas of engineering.md", "engineering.md without docs/"),
        ("limited record (product 4.3)", "cite it as docs/product.md 4.3"),
        ('SPEC = "../shared/docs/product.md"', "points outside the repository"),
    ],
)
def test_the_check_catches_a_broken_reference(text, complaint):
    found = problems_in("wayfinder/app/module.py", text, fake_doc)
    assert any(complaint in p.what for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        "(docs/product.md 4.3)",
        "(`docs/product.md` 4.3)",
        "docs/product.md 4",
        '(docs/security.md, "Audit log")',
        '(`docs/security.md`, "Access control")',
        "see docs/security.md",
    ],
)
def test_the_check_accepts_good_references(text):
    assert problems_in("wayfinder/app/module.py", text, fake_doc) == []


def test_tests_may_read_the_shared_specification_but_not_cite_missing_docs():
    assert problems_in("wayfinder/app/tests/test_x.py", 'SPEC = "../shared/docs/standards.md"', fake_doc) == []
    assert problems_in("tests/test_x.py", "(docs/nothing.md)", fake_doc)
