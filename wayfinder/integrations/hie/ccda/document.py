"""The summary CCD (C-CDA R2.1) for one resident, built with lxml.

Only what the sharing rule allows goes in (``hie/sharing.py``: privacy setting,
Part 2 only with a Part 2 consent naming the exchange). The Social History section
carries one SDOH Social History Observation per need (with each visible source),
and the AHC results as Assessment Scale Observations with one supporting
observation per answered question; the Problems section carries each need as an
SDOH Problem Observation (ICD-10-CM translation) in a Problem Concern Act. The other
sections a CCD must have are present and say "No information" (R2.1 allows a
section with ``nullFlavor="NI"``). See docs/exchange.md, "C-CDA".
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from lxml import etree

from wayfinder.assessments.form import form_of
from wayfinder.integrations.hie.fhir.auth import ClientGrant
from wayfinder.integrations.hie.outbound.condition import CODES, UNSPECIFIED
from wayfinder.integrations.hie.sharing import part2_allowed, shareable_assessments, shareable_needs
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

V3 = "urn:hl7-org:v3"
SDTC = "urn:hl7-org:sdtc"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
NS = {None: V3, "sdtc": SDTC, "xsi": XSI}
LOINC, SNOMED, ICD10 = "2.16.840.1.113883.6.1", "2.16.840.1.113883.6.96", "2.16.840.1.113883.6.90"
WAYFINDER_OID = "2.16.840.1.113883.3.9999.1"  # Wayfinder's own identifiers (document, entry ids)
RESIDENT_ID_ROOT = WAYFINDER_OID + ".1"
AHC_PANELS = {"96777-8", "97023-6", "88121-9", "93025-5"}
SOURCE_LABELS = {
    SdohNeed.SourceKind.ASSESSMENT: "Needs assessment",
    SdohNeed.SourceKind.HIE: "Health information exchange",
    SdohNeed.SourceKind.MEDICAID_CLAIMS: "Medicaid claims",
    SdohNeed.SourceKind.STAFF: "Staff",
}
EMPTY_SECTIONS = [  # (template root, extension, LOINC, title): the CCD's other required sections
    ("2.16.840.1.113883.10.20.22.2.6.1", "2015-08-01", "48765-2", "Allergies and adverse reactions"),
    ("2.16.840.1.113883.10.20.22.2.1.1", "2014-06-09", "10160-0", "Medications"),
    ("2.16.840.1.113883.10.20.22.2.3.1", "2015-08-01", "30954-2", "Results"),
    ("2.16.840.1.113883.10.20.22.2.4.1", "2015-08-01", "8716-3", "Vital signs"),
]


def _el(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    node = etree.SubElement(parent, f"{{{V3}}}{tag}" if ":" not in tag else tag)
    for key, value in attrs.items():
        if key == "xsi_type":
            node.set(f"{{{XSI}}}type", value)
        else:
            node.set(key, value)
    if text is not None:
        node.text = text
    return node


def _ts(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        return timezone.localtime(moment).strftime("%Y%m%d%H%M%S%z")
    return moment.strftime("%Y%m%d")


def _templates(parent: Any, root: str, *extensions: str) -> None:
    _el(parent, "templateId", root=root)
    for extension in extensions:
        _el(parent, "templateId", root=root, extension=extension)


def _wayfinder_author(parent: Any, moment: dt.datetime, name: str = "Wayfinder") -> None:
    """Wayfinder as a software device, for the organization that speaks for it."""
    author = _el(parent, "author")
    _el(author, "time", value=_ts(moment))
    assigned = _el(author, "assignedAuthor")
    _el(assigned, "id", root=WAYFINDER_OID)
    _el(assigned, "addr", nullFlavor="NI")
    _el(assigned, "telecom", nullFlavor="NI")
    device = _el(assigned, "assignedAuthoringDevice")
    _el(device, "manufacturerModelName", "Wayfinder")
    _el(device, "softwareName", name)
    org = _el(assigned, "representedOrganization")
    _el(org, "id", root=WAYFINDER_OID)
    _el(org, "name", "Wayfinder")
    _el(org, "telecom", nullFlavor="NI")
    _el(org, "addr", nullFlavor="NI")


def _entry_author(parent: Any, moment: dt.datetime, source: str) -> None:
    """Author Participation: time and who reported it (the source, in words)."""
    author = _el(parent, "author")
    _templates(author, "2.16.840.1.113883.10.20.22.4.119")
    _el(author, "time", value=_ts(moment))
    assigned = _el(author, "assignedAuthor")
    _el(assigned, "id", root=WAYFINDER_OID, extension=source[:64] or "wayfinder")
    org = _el(assigned, "representedOrganization")
    _el(org, "name", source or "Wayfinder")


def _header(doc: Any, resident: Resident, now: dt.datetime) -> None:
    _el(doc, "realmCode", code="US")
    _el(doc, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    _templates(doc, "2.16.840.1.113883.10.20.22.1.1", "2015-08-01")
    _templates(doc, "2.16.840.1.113883.10.20.22.1.2", "2015-08-01")
    _el(doc, "id", root=str(uuid.uuid4()))
    _el(doc, "code", code="34133-9", codeSystem=LOINC, codeSystemName="LOINC", displayName="Summary of episode note")
    _el(doc, "title", "Social history summary from Wayfinder")
    _el(doc, "effectiveTime", value=_ts(now))
    _el(doc, "confidentialityCode", code="N", codeSystem="2.16.840.1.113883.5.25")
    _el(doc, "languageCode", code="en-US")
    target = _el(_el(doc, "recordTarget"), "patientRole")
    _el(target, "id", root=RESIDENT_ID_ROOT, extension=str(resident.pk))
    addr = _el(target, "addr", use="HP")
    if resident.city and resident.state:
        _el(addr, "streetAddressLine", nullFlavor="NI")
        _el(addr, "city", resident.city)
        _el(addr, "state", resident.state)
        if resident.zip_code:
            _el(addr, "postalCode", resident.zip_code)
        _el(addr, "country", "US")
    else:
        addr.set("nullFlavor", "NI")
    _el(target, "telecom", nullFlavor="NI")
    patient = _el(target, "patient")
    name = _el(patient, "name", use="L")
    _el(name, "given", resident.first_name)
    _el(name, "family", resident.last_name)
    sex = {"female": "F", "male": "M", "f": "F", "m": "M"}.get((resident.sex or "").lower())
    if sex:
        _el(patient, "administrativeGenderCode", code=sex, codeSystem="2.16.840.1.113883.5.1")
    else:
        _el(patient, "administrativeGenderCode", nullFlavor="UNK")
    _el(patient, "birthTime", value=_ts(resident.date_of_birth))
    _el(patient, "raceCode", nullFlavor="UNK")
    _el(patient, "ethnicGroupCode", nullFlavor="UNK")
    language = _el(patient, "languageCommunication")
    _el(language, "languageCode", code=resident.preferred_language or "en")
    _wayfinder_author(doc, now)
    custodian = _el(_el(_el(doc, "custodian"), "assignedCustodian"), "representedCustodianOrganization")
    _el(custodian, "id", root=WAYFINDER_OID)
    _el(custodian, "name", "Wayfinder")
    _el(custodian, "telecom", nullFlavor="NI")
    _el(custodian, "addr", nullFlavor="NI")
    event = _el(_el(doc, "documentationOf"), "serviceEvent", classCode="PCPR")
    period = _el(event, "effectiveTime")
    _el(period, "low", value=_ts(resident.created_at))
    _el(period, "high", value=_ts(now))


def _section(body: Any, root: str, extension: str, code: str, title: str) -> Any:
    section = _el(_el(body, "component"), "section")
    _templates(section, root, extension)
    _el(section, "code", code=code, codeSystem=LOINC, codeSystemName="LOINC")
    _el(section, "title", title)
    return section


def _no_information(section: Any) -> None:
    section.set("nullFlavor", "NI")
    _el(section, "text", "No information")


def _table(section: Any, headers: list[str], rows: list[tuple[str, list[str]]]) -> None:
    text = _el(section, "text")
    table = _el(text, "table", border="1")
    head = _el(_el(table, "thead"), "tr")
    for header in headers:
        _el(head, "th", header)
    body = _el(table, "tbody")
    for row_id, cells in rows:
        tr = _el(body, "tr", ID=row_id)
        for cell in cells:
            _el(tr, "td", cell)


def _sources_text(sources: list[NeedSource]) -> str:
    return "; ".join(
        f"{SOURCE_LABELS.get(s.kind, s.kind)}{': ' + s.detail if s.detail else ''} ({s.observed_at:%Y-%m-%d})"
        for s in sources
    )


def _need_code(need: SdohNeed) -> tuple[str, str]:
    sdohcc = next((c for c in need.sdohcc_codes if c in CODES), None)
    icd, display, _snomed, _snomed_display = CODES.get(sdohcc or "", UNSPECIFIED)
    return icd, display


def _social_observation(section: Any, need: SdohNeed, sources: list[NeedSource], ref: str) -> None:
    observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    _templates(observation, "2.16.840.1.113883.10.20.22.4.38", "2015-08-01", "2022-06-01")
    _el(observation, "id", root=WAYFINDER_OID + ".2", extension=f"need-{need.pk}")
    code = _el(
        observation,
        "code",
        code="160476009",
        codeSystem=SNOMED,
        codeSystemName="SNOMED CT",
        displayName="Social / personal history observable (observable entity)",
    )
    _el(
        code,
        "translation",
        code="8689-2",
        codeSystem=LOINC,
        codeSystemName="LOINC",
        displayName="History of Social function",
    )
    _el(_el(observation, "text"), "reference", value=f"#{ref}")
    _el(observation, "statusCode", code="completed")
    _el(observation, "effectiveTime", value=_ts(need.observed_at))
    icd, display = _need_code(need)
    value = _el(
        observation, "value", xsi_type="CD", code=icd, codeSystem=ICD10, codeSystemName="ICD-10-CM", displayName=display
    )
    _el(_el(value, "originalText"), "reference", value=f"#{ref}")
    for source in sources:
        _entry_author(
            observation,
            source.observed_at,
            f"{SOURCE_LABELS.get(source.kind, source.kind)}: {source.detail}".strip(": "),
        )


def _problem_act(section: Any, need: SdohNeed, sources: list[NeedSource], ref: str) -> None:
    act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="EVN")
    _templates(act, "2.16.840.1.113883.10.20.22.4.3", "2015-08-01")
    _el(act, "id", root=WAYFINDER_OID + ".3", extension=f"concern-{need.pk}")
    _el(act, "code", code="CONC", codeSystem="2.16.840.1.113883.5.6", displayName="Concern")
    _el(act, "statusCode", code="active" if need.status == SdohNeed.Status.OPEN else "completed")
    period = _el(act, "effectiveTime")
    _el(period, "low", value=_ts(need.observed_at))
    if need.status != SdohNeed.Status.OPEN:
        _el(period, "high", value=_ts(need.status_changed_at))
    observation = _el(_el(act, "entryRelationship", typeCode="SUBJ"), "observation", classCode="OBS", moodCode="EVN")
    _templates(observation, "2.16.840.1.113883.10.20.22.4.4", "2015-08-01", "2022-06-01")
    _el(observation, "id", root=WAYFINDER_OID + ".4", extension=f"problem-{need.pk}")
    code = _el(
        observation, "code", code="55607006", codeSystem=SNOMED, codeSystemName="SNOMED CT", displayName="Problem"
    )
    _el(code, "translation", code="75326-9", codeSystem=LOINC, codeSystemName="LOINC", displayName="Problem")
    _el(_el(observation, "text"), "reference", value=f"#{ref}")
    _el(observation, "statusCode", code="completed")
    _el(_el(observation, "effectiveTime"), "low", value=_ts(need.observed_at))
    icd, display = _need_code(need)
    value = _el(observation, "value", xsi_type="CD", nullFlavor="OTH", codeSystem=SNOMED)
    _el(_el(value, "originalText"), "reference", value=f"#{ref}")
    _el(value, "translation", code=icd, codeSystem=ICD10, codeSystemName="ICD-10-CM", displayName=display)
    for source in sources:
        _entry_author(
            observation,
            source.observed_at,
            f"{SOURCE_LABELS.get(source.kind, source.kind)}: {source.detail}".strip(": "),
        )


def _assessment_observation(section: Any, assessment: Any, ref: str) -> list[tuple[str, str]]:
    """One Assessment Scale Observation (the panel) with a supporting observation per answer."""
    form = form_of(assessment.questionnaire)
    observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    _el(observation, "templateId", root="2.16.840.1.113883.10.20.22.4.69", extension="2022-06-01")
    _el(observation, "id", root=WAYFINDER_OID + ".5", extension=f"assessment-{assessment.pk}")
    _el(
        observation,
        "code",
        code=assessment.questionnaire.code,
        codeSystem=LOINC,
        codeSystemName="LOINC",
        displayName=assessment.questionnaire.title,
    )
    _el(_el(observation, "text"), "reference", value=f"#{ref}")
    _el(observation, "statusCode", code="completed")
    _el(observation, "effectiveTime", value=_ts(assessment.completed_at))
    _el(observation, "value", xsi_type="INT", value=str(assessment.positive_domains))
    _entry_author(observation, assessment.completed_at, f"Needs assessment: {assessment.questionnaire.label}")
    answered: list[tuple[str, str]] = []
    for item in _answered(assessment.response.get("item", [])):
        question = form.by_id.get(item["linkId"])
        if question is None or not question.code:
            continue
        for answer in item.get("answer", []):
            coding = answer.get("valueCoding")
            support = _el(
                _el(observation, "entryRelationship", typeCode="COMP"), "observation", classCode="OBS", moodCode="EVN"
            )
            _el(support, "templateId", root="2.16.840.1.113883.10.20.22.4.86", extension="2022-06-01")
            _el(support, "id", root=str(uuid.uuid4()))
            _el(
                support,
                "code",
                code=question.code,
                codeSystem=LOINC,
                codeSystemName="LOINC",
                displayName=question.text[:200],
            )
            _el(support, "statusCode", code="completed")
            if coding:
                _el(
                    support,
                    "value",
                    xsi_type="CD",
                    code=coding.get("code", ""),
                    codeSystem=LOINC,
                    displayName=coding.get("display", ""),
                )
                answered.append((question.text, coding.get("display", coding.get("code", ""))))
            elif "valueInteger" in answer:
                _el(support, "value", xsi_type="INT", value=str(answer["valueInteger"]))
                answered.append((question.text, str(answer["valueInteger"])))
            else:
                etree.SubElement(support, f"{{{V3}}}value").set(f"{{{XSI}}}type", "ST")
                support[-1].text = str(next(iter(answer.values()), ""))[:200]
                answered.append((question.text, support[-1].text))
    return answered


def _answered(items: list[dict]) -> list[dict]:
    out = []
    for item in items:
        if item.get("answer"):
            out.append(item)
        out.extend(_answered(item.get("item", [])))
    return out


def _visible_sources(resident: Resident, grant: ClientGrant, needs: list[SdohNeed]) -> dict[int, list[NeedSource]]:
    """``shareable_sources`` for every need in one query (Part 2 sources only with Part 2
    consent, decided once): 50 needs would otherwise be 100 queries."""
    rows = NeedSource.objects.filter(need__in=needs)
    if not part2_allowed(resident, grant):
        rows = rows.filter(part2=False)
    out: dict[int, list[NeedSource]] = {need.pk: [] for need in needs}
    for source in rows:
        out[source.need_id].append(source)
    return out


def build_ccd(resident: Resident, grant: ClientGrant, *, now: dt.datetime | None = None) -> bytes:
    """The CCD as UTF-8 XML bytes; what goes in is what the sharing rule allows for ``grant``."""
    now = now or timezone.now()
    needs = list(shareable_needs(resident, grant))
    sources = _visible_sources(resident, grant, needs)
    assessments = [
        a
        for a in shareable_assessments(resident, grant).select_related("questionnaire")
        if a.questionnaire.code in AHC_PANELS
    ]
    doc = etree.Element(f"{{{V3}}}ClinicalDocument", nsmap=NS)  # type: ignore[dict-item]
    _header(doc, resident, now)
    body = _el(_el(doc, "component"), "structuredBody")
    for root, extension, code, title in EMPTY_SECTIONS:
        _no_information(_section(body, root, extension, code, title))
    problems = _section(body, "2.16.840.1.113883.10.20.22.2.5.1", "2015-08-01", "11450-4", "Problems")
    if needs:
        _table(
            problems,
            ["Problem", "ICD-10-CM", "Status", "Since", "Source"],
            [
                (
                    f"problem-{n.pk}",
                    [
                        _need_code(n)[1],
                        _need_code(n)[0],
                        n.get_status_display(),
                        f"{n.observed_at:%Y-%m-%d}",
                        _sources_text(sources[n.pk]),
                    ],
                )
                for n in needs
            ],
        )
        for need in needs:
            _problem_act(problems, need, sources[need.pk], f"problem-{need.pk}")
    else:
        _no_information(problems)
    social = _section(body, "2.16.840.1.113883.10.20.22.2.17", "2015-08-01", "29762-2", "Social history")
    if not needs and not assessments:
        _el(social, "text", "No information")
        return etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
    rows = [
        (f"need-{n.pk}", ["Social need", _need_code(n)[1], f"{n.observed_at:%Y-%m-%d}", _sources_text(sources[n.pk])])
        for n in needs
    ]
    rows += [
        (
            f"assessment-{a.pk}",
            [
                a.questionnaire.title,
                f"{a.positive_domains} positive domains",
                f"{a.completed_at:%Y-%m-%d}",
                f"Needs assessment: {a.questionnaire.label}",
            ],
        )
        for a in assessments
    ]
    _table(social, ["Observation", "Value", "Date", "Source"], rows)
    for need in needs:
        _social_observation(social, need, sources[need.pk], f"need-{need.pk}")
    for assessment in assessments:
        _assessment_observation(social, assessment, f"assessment-{assessment.pk}")
    return etree.tostring(doc, xml_declaration=True, encoding="UTF-8")
