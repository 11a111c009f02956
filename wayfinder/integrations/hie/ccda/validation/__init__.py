"""Checking a C-CDA document: the CDA schema (with the SDTC extensions), then the
official C-CDA R2.1 schematron.

The files beside this module are copies of HL7's own (docs/exchange.md, "C-CDA"):
``infrastructure/`` and ``processable/`` the CDA R2 schema with SDTC extensions,
``ccda-r2.1.sch`` the schematron, ``voc.xml`` the value sets its rules read through
``document('voc.xml')`` (written here for the codes Wayfinder emits). Nothing is read
from the network: the schematron is compiled to XSLT with the ISO skeleton that
lxml ships, and the XSLT may open exactly one file, ``voc.xml``.

A document someone hands us may be hostile: it is refused (``Unreadable``) when it is
larger than the limit, carries a DOCTYPE (entity definitions are how "billion laughs"
and external-entity attacks work, and a CDA document never needs one), or is not XML.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree, isoschematron

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "infrastructure" / "cda" / "CDA_SDTC.xsd"
SCHEMATRON = HERE / "ccda-r2.1.sch"
VOCABULARY = HERE / "voc.xml"
MAX_BYTES = 20 * 1024 * 1024  # a summary CCD is kilobytes; 20 MB is far beyond any we would accept
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


class Unreadable(ValueError):
    """Not a document we will look at: too large, a DOCTYPE, not XML."""


@dataclass(frozen=True)
class Failure:
    stage: str  # "schema" | "schematron"
    rule: str  # the schematron assert id (a-1198-8450), or "xsd" with the line
    context: str  # where: an XPath location, or "line N"
    message: str


@dataclass
class Report:
    failures: list[Failure] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.failures


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def parse(data: bytes, *, max_bytes: int = MAX_BYTES) -> etree._ElementTree:
    """Parse untrusted bytes, refusing what could hurt the parser or reach outside."""
    if len(data) > max_bytes:
        raise Unreadable(f"the file is {len(data):,} bytes; the limit is {max_bytes:,}")
    try:
        tree = etree.ElementTree(etree.fromstring(data, _safe_parser()))
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"not well-formed XML: {exc}") from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise Unreadable("the document has a DOCTYPE (entity definitions are refused; CDA uses none)")
    return tree


class _OnlyLocal(etree.Resolver):
    """Lets the schematron's XSLT open voc.xml and the schema its own files; nothing else."""

    def __init__(self, allowed: set[Path]) -> None:
        super().__init__()
        self.allowed = allowed

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        path = Path(str(system_url).removeprefix("file://")).resolve()
        if path in self.allowed:
            return self.resolve_filename(str(path), context)
        raise Unreadable(f"the validator may not open {system_url}")


@functools.cache
def _schema() -> etree.XMLSchema:
    parser = _safe_parser()
    parser.resolvers.add(_OnlyLocal({p.resolve() for p in HERE.rglob("*.xsd")}))
    return etree.XMLSchema(etree.parse(str(SCHEMA), parser))


@functools.cache
def _schematron() -> etree.XSLT:
    """The schematron's "errors" phase compiled to XSLT 1.0 by lxml's ISO skeleton.

    lxml's own RELAX NG check of the schematron is skipped: the file uses empty
    abstract rules, which ISO Schematron 2016 allows and the 2006 grammar lxml ships
    does not (the compiled rules are unaffected)."""
    compiled = isoschematron.Schematron(
        etree.parse(str(SCHEMATRON), _safe_parser()), phase="errors", store_xslt=True, validate_schema=False
    )
    parser = _safe_parser()
    parser.resolvers.add(_OnlyLocal({VOCABULARY.resolve()}))
    xslt_doc = etree.fromstring(etree.tostring(compiled.validator_xslt), parser, base_url=str(HERE / "ccda-r2.1.xsl"))
    access = etree.XSLTAccessControl(
        read_file=True, write_file=False, create_dir=False, read_network=False, write_network=False
    )
    return etree.XSLT(xslt_doc, access_control=access)


def check_schema(tree: etree._ElementTree) -> list[Failure]:
    schema = _schema()
    if schema.validate(tree):
        return []
    return [Failure("schema", "xsd", f"line {e.line}", e.message) for e in schema.error_log]


def check_schematron(tree: etree._ElementTree) -> list[Failure]:
    svrl = _schematron()(tree)
    failures, context = [], ""
    for node in svrl.getroot():
        if node.tag == SVRL + "fired-rule":
            context = node.get("context", "")
        elif node.tag == SVRL + "failed-assert":
            text = " ".join("".join(node.itertext()).split())
            failures.append(
                Failure("schematron", node.get("id", "") or node.get("test", ""), node.get("location") or context, text)
            )
    return failures


def validate(tree: etree._ElementTree) -> Report:
    """Schema first (the schematron assumes a schema-valid document), then schematron."""
    failures = check_schema(tree)
    failures += check_schematron(tree)
    return Report(failures)


def validate_bytes(data: bytes, *, max_bytes: int = MAX_BYTES) -> Report:
    return validate(parse(data, max_bytes=max_bytes))
