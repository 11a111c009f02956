"""The stored answers as a FHIR R4 QuestionnaireResponse (SDC).

The document mirrors the questionnaire's item tree (groups hold their questions),
answers are the options' own ``valueCoding`` (LOINC answer codes), calculated
totals are answered like any item (``valueInteger``), and a declined question is
an item with no answer carrying ``data-absent-reason`` = ``asked-declined``.
Publishing it (issue #19) is a serialization of this dict; fhir.resources checks
it in the tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .form import DATA_ABSENT_REASON, Form, Item

SDC_RESPONSE = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaireresponse"


def _answers(item: Item, entry: dict) -> list[dict]:
    out = []
    for value in entry.get("v", []):
        if item.type in ("choice", "open-choice"):
            option = item.option(str(value))
            if option is not None:
                out.append(option.answer())
            elif isinstance(value, str) and value.startswith("text:"):
                out.append({"valueString": value[5:]})
            continue
        key = {
            "boolean": "valueBoolean",
            "integer": "valueInteger",
            "decimal": "valueDecimal",
            "date": "valueDate",
            "dateTime": "valueDateTime",
            "time": "valueTime",
            "url": "valueUri",
        }.get(item.type, "valueString")
        out.append({key: value})
    return out


def _calculated_answer(item: Item, value: Any) -> list[dict]:
    option = item.option(str(value)) if item.options else None
    if option is not None:
        return [option.answer()]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    return [{"valueDecimal": value}]


def _node(item: Item, answers: dict[str, dict], calculated: dict[str, Any]) -> dict | None:
    if item.type == "display":
        return None
    node: dict[str, Any] = {"linkId": item.link_id}
    if item.text:
        node["text"] = item.text
    if item.type == "group":
        children = [n for n in (_node(c, answers, calculated) for c in item.children) if n]
        if not children:
            return None
        node["item"] = children
        return node
    if item.link_id in calculated:
        node["answer"] = _calculated_answer(item, calculated[item.link_id])
    elif item.link_id in answers:
        entry = answers[item.link_id]
        if entry.get("declined"):
            node["extension"] = [{"url": DATA_ABSENT_REASON, "valueCode": "asked-declined"}]
        else:
            node["answer"] = _answers(item, entry)
    else:
        return None
    children = [n for n in (_node(c, answers, calculated) for c in item.children) if n]
    if children and "answer" in node:
        node["answer"][0]["item"] = children  # FHIR: questions nested under a question hang from its answer
    return node


def build(
    form: Form,
    answers: dict[str, dict],
    calculated: dict[str, Any],
    *,
    response_id: str,
    resident_id: str,
    authored: dt.datetime,
    author: dict | None,
    language: str,
    by_resident: bool,
) -> dict:
    """The QuestionnaireResponse document for one completed assessment."""
    patient = {"reference": f"Patient/{resident_id}"}
    document: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": response_id,
        "meta": {"profile": [SDC_RESPONSE]},
        "language": language,
        "questionnaire": f"{form.url}|{form.version}",
        "status": "completed",
        "subject": patient,
        "authored": authored.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    if author:
        document["author"] = author
    document["source"] = patient if by_resident else (author or patient)
    document["item"] = [n for n in (_node(i, answers, calculated) for i in form.items) if n]
    return document


def answers_from(form: Form, document: dict) -> dict[str, dict]:
    """The answers dict of a stored QuestionnaireResponse (the inverse of ``build``
    for the questions asked; calculated items are left to the rules)."""
    out: dict[str, dict] = {}

    def walk(nodes: list) -> None:
        for node in nodes or []:
            item = form.by_id.get(node.get("linkId", ""))
            if item is not None and item.asks:
                if any(e.get("url") == DATA_ABSENT_REASON for e in node.get("extension", []) or []):
                    out[item.link_id] = {"declined": True}
                else:
                    values = [_value(item, a) for a in node.get("answer", []) or []]
                    if values:
                        out[item.link_id] = {"v": values}
            walk(node.get("item", []))
            for answer in node.get("answer", []) or []:
                walk(answer.get("item", []))

    walk(document.get("item", []))
    return out


def _value(item: Item, answer: dict) -> Any:
    for key, value in answer.items():
        if key == "item":
            continue
        if key == "valueCoding":
            return str(value.get("code", ""))
        if key == "valueString" and item.type == "open-choice" and item.option(value) is None:
            return "text:" + value
        return value
    return None
