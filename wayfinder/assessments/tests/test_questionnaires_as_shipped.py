"""The questionnaires Wayfinder ships, checked against what issue #17 and
``../shared/docs/standards.md`` ask of them: the needs assessment has one screen
per SDoH domain of our categories; every question, answer and note is in English
and Spanish; the AHC HRSN core questions carry exactly the LOINC question and
answer codes of standards.md section 3 (read from its table), and the
supplemental panel 97023-6 asks the questions that section lists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from wayfinder.assessments.domains import is_category
from wayfinder.assessments.form import parse

from .test_score_held_out_ahc import STANDARDS, TABLE

FOLDER = Path(__file__).resolve().parent.parent / "questionnaires"
SHIPPED = ["ahc-hrsn-screening", "wayfinder-needs-assessment"]
ISSUE_DOMAINS = [
    "food", "housing", "utilities", "transportation", "health-care", "mental-health", "substance-use",
    "employment", "education", "income", "child-care", "legal", "safety", "social-connection", "disability",
    "veterans",
]  # fmt: skip


def shipped(stem: str) -> tuple[dict, dict]:
    return (
        json.loads((FOLDER / f"{stem}.json").read_text(encoding="utf-8")),
        json.loads((FOLDER / f"{stem}.rules.json").read_text(encoding="utf-8")),
    )


def test_the_needs_assessment_has_one_screen_per_domain_of_our_categories():
    resource, rules = shipped("wayfinder-needs-assessment")
    form = parse(resource)
    screens = [screen.item.link_id for screen in form.screens]
    assert all(domain in screens for domain in ISSUE_DOMAINS), set(ISSUE_DOMAINS) - set(screens)
    assert len(screens) == len(set(screens))  # no domain asked twice
    scored = {d["key"]: d["category"] for d in rules["domains"]}
    assert all(is_category(category) for category in scored.values())
    # Every screen is scored as the domain it is, so a positive answer files a need there.
    assert {s: scored.get(s) for s in screens} == {s: s for s in screens}


@pytest.mark.parametrize("stem", SHIPPED)
def test_every_question_answer_and_note_is_in_english_and_spanish(stem):
    resource, rules = shipped(stem)
    form = parse(resource)
    untranslated = [i.link_id for i in form.by_id.values() if i.text and not i.text_es]
    untranslated += [f"{i.link_id}/{o.key}" for i in form.by_id.values() for o in i.options if not o.display_es]
    untranslated += [i.link_id for i in form.by_id.values() if i.help and not i.help_es]
    assert untranslated == []
    assert resource["title"] and resource["_title"]  # the questionnaire's own title too
    labels = [d["label"] for d in rules["domains"]] + [f["label"] for f in rules.get("flags", [])]
    assert all(label.get("en") and label.get("es") for label in labels)


def test_the_ahc_core_questions_are_coded_exactly_as_standards_md_lists():
    form = parse(shipped("ahc-hrsn-screening")[0])
    for number, row in TABLE.items():
        item = form.by_id[row["loinc"]]
        assert item.code == row["loinc"] and item.required, number
        assert [o.key for o in item.options] == row["answers"], number
        assert all(o.value["system"] == "http://loinc.org" for o in item.options), number
    assert form.by_id["96778-6"].repeats  # "check all"
    safety = [form.by_id[TABLE[n]["loinc"]] for n in (7, 8, 9, 10)]
    assert all({o.key: o.ordinal for o in item.options} == TABLE[7]["score"] for item in safety)


def test_the_supplemental_panel_asks_the_questions_standards_md_lists():
    resource = shipped("ahc-hrsn-screening")[0]
    assert resource["code"][0]["code"] == "96777-8"
    form = parse(resource)
    section = STANDARDS.read_text(encoding="utf-8").split("**Supplemental domains**")[1].split("\n---")[0]
    listed = sorted(set(re.findall(r"\b(\d{5}-\d)\b", section)))
    supplemental = form.by_id["supplemental"]
    assert supplemental.codes[0]["code"] == "97023-6"

    def codes_under(item) -> set[str]:
        return {item.code} | {code for child in item.children for code in codes_under(child)}

    assert sorted(set(listed) - codes_under(supplemental)) == []
