"""Held-out AHC HRSN answer sets, scored by ``manage.py score_response``, against the
CMS rules as ``../shared/docs/standards.md`` states them (sections 3 and 8).

The expectations are not taken from our rules file: the positive answers are read
from the table in standards.md section 3 (the bold LA codes, CMS's underlined
answers), the safety scale from its "Never(1) ... Frequently(5)" column, and the
positive-screen rules are written out below from the text of sections 3 and 8.
The answer sets are drawn at random (fixed seed) in the shape another system
writes them (questions named by a path under the panel, declined items coded
``asked-declined``), a folder of files scored in one run."""

from __future__ import annotations

import json
import random
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from wayfinder.assessments.models import Assessment, Questionnaire
from wayfinder.residents.models import SdohNeed

pytestmark = pytest.mark.django_db
STANDARDS = Path("../shared/docs/standards.md")
LOINC = "http://loinc.org"
ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
DOMAIN_OF_QUESTION = {
    1: "housing-instability", 2: "housing-instability", 3: "food-insecurity", 4: "food-insecurity",
    5: "transportation", 6: "utilities", 7: "interpersonal-safety", 8: "interpersonal-safety",
    9: "interpersonal-safety", 10: "interpersonal-safety",
}  # fmt: skip


def cms_table() -> dict[int, dict]:
    """Section 3's core-question table: {number: {loinc, answers: [codes], positive: {codes}, score: {code: n}}}."""
    section = STANDARDS.read_text(encoding="utf-8").split("## 3. AHC HRSN screening tool (CMS)")[1].split("\n## ")[0]
    table: dict[int, dict] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].isdigit():
            continue
        number, answers_cell = int(cells[0]), cells[3]
        if answers_cell.startswith("same"):
            row = dict(table[number - 1])
        else:
            codes = re.findall(r"`(LA[\d-]+)`", answers_cell)
            bold = {c for chunk in re.findall(r"\*\*(.+?)\*\*", answers_cell) for c in re.findall(r"LA[\d-]+", chunk)}
            score = {code: int(n) for n, code in re.findall(r"\((\d)\) `(LA[\d-]+)`", answers_cell)}
            row = {"answers": codes, "positive": bold, "score": score}
        row["loinc"] = re.match(r"(\d+-\d)", cells[2]).group(1)
        table[number] = row
    assert sorted(table) == list(range(1, 11)), "standards.md section 3 table not found"
    return table


TABLE = cms_table()


def test_the_table_read_from_standards_is_the_one_section_8_repeats():
    """Guard the oracle itself: what was read matches section 8's restatement."""
    assert TABLE[1]["positive"] == {"LA31994-9", "LA31995-6"} and TABLE[1]["loinc"] == "71802-3"
    assert "LA9-3" in TABLE[2]["answers"] and TABLE[2]["positive"] == set(TABLE[2]["answers"]) - {"LA9-3"}
    assert TABLE[3]["positive"] == TABLE[4]["positive"] == {"LA28397-0", "LA6729-3"}
    assert TABLE[5]["positive"] == {"LA33-6"} and TABLE[6]["positive"] == {"LA33-6", "LA32002-0"}
    assert TABLE[7]["score"] == TABLE[10]["score"] == {
        "LA6270-8": 1, "LA10066-1": 2, "LA10082-8": 3, "LA16644-9": 4, "LA6482-9": 5,
    }  # fmt: skip


def draw(rng: random.Random) -> dict[int, list[str] | str]:
    """One answer set: each question answered at random, sometimes declined."""
    answers: dict[int, list[str] | str] = {}
    for number, row in TABLE.items():
        if rng.random() < 0.12:
            answers[number] = "declined"
        elif number == 2:
            problems = [c for c in row["answers"] if c != "LA9-3"]
            answers[number] = ["LA9-3"] if rng.random() < 0.5 else rng.sample(problems, rng.randint(1, 3))
        else:
            weights = [3 if c not in row["positive"] and row["positive"] else 1 for c in row["answers"]]
            answers[number] = [rng.choices(row["answers"], weights)[0]]
    return answers


def cms_expected(answers: dict[int, list[str] | str]) -> tuple[dict[str, str], int | None, bool]:
    """The CMS rules, written from the text: a domain is positive when any of its
    questions has a positive answer (housing: Q1 bold or any Q2 problem; food: Q3
    or Q4 often/sometimes; transportation yes; utilities yes or already shut off);
    negative when every question is answered and none is; a declined answer is
    neither (so the domain is incomplete unless another answer makes it positive).
    Safety: the sum of Q7-10 (1-5 each), positive when greater than 10, scored only
    when all four are answered. Follow-up: any answer to Q7 other than Never."""
    status: dict[str, str] = {}
    for domain in ("housing-instability", "food-insecurity", "transportation", "utilities"):
        numbers = [n for n, d in DOMAIN_OF_QUESTION.items() if d == domain]
        found = [
            None if answers[n] == "declined" else any(a in TABLE[n]["positive"] for a in answers[n]) for n in numbers
        ]
        status[domain] = (
            "positive" if True in found else ("negative" if all(f is False for f in found) else "incomplete")
        )
    safety = [answers[n] for n in (7, 8, 9, 10)]
    total = None if "declined" in safety else sum(TABLE[7]["score"][a[0]] for a in safety)
    status["interpersonal-safety"] = "incomplete" if total is None else ("positive" if total > 10 else "negative")
    follow_up = answers[7] != "declined" and answers[7][0] != "LA6270-8"
    return status, total, follow_up


def as_foreign_document(answers: dict[int, list[str] | str], number: int) -> dict:
    items = []
    for n, value in answers.items():
        loinc = TABLE[n]["loinc"]
        if value == "declined":
            answer = [{"valueCoding": {"system": ABSENT, "code": "asked-declined"}}]
        else:
            answer = [{"valueCoding": {"system": LOINC, "code": code}} for code in value]
        items.append({"linkId": f"/96777-8/{loinc}", "answer": answer})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"held-out-{number}",
        "status": "completed",
        "questionnaire": "http://shinny.org/us/ny/hrsn/Questionnaire/NYScreeningQuestionnaire",
        "item": [{"linkId": "/100698-0", "item": [{"linkId": "/96777-8", "item": items}]}],
    }


def test_held_out_answer_sets_score_as_the_cms_rules_say(tmp_path):
    rng = random.Random(17)
    drawn = [draw(rng) for _ in range(120)]
    for number, answers in enumerate(drawn):
        (tmp_path / f"set-{number:03}.json").write_text(json.dumps(as_foreign_document(answers, number)))
    before = (Questionnaire.objects.count(), Assessment.objects.count(), SdohNeed.objects.count())
    out = StringIO()
    call_command("score_response", str(tmp_path), "--questionnaire", "ahc-hrsn", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["not_scored"] == [] and len(report["responses"]) == len(drawn)
    seen = {"positive": 0, "negative": 0, "incomplete": 0}
    for answers, result in zip(drawn, sorted(report["responses"], key=lambda r: r["source"]), strict=True):
        status, total, follow_up = cms_expected(answers)
        got = {d["key"]: d["status"] for d in result["domains"] if d["key"] in status}
        assert got == status, (result["source"], answers)
        assert result["calculated"].get("95614-4") == total, result["source"]
        assert ("physical-harm-follow-up" in result["flags"]) is follow_up, result["source"]
        needs = {n["category"] for n in result["needs"]}
        assert needs == {d["category"] for d in result["domains"] if d["status"] == "positive"}
        for value in status.values():
            seen[value] += 1
    # The draw exercised every outcome often enough to mean something.
    assert min(seen.values()) >= 40, seen
    assert (Questionnaire.objects.count(), Assessment.objects.count(), SdohNeed.objects.count()) == before


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_every_answer_of_every_question_alone(tmp_path, number):
    """One question varied over its whole answer list, the others answered with no
    need: the domain is positive exactly for the answers standards.md puts in bold."""
    baseline = {n: [next(c for c in row["answers"] if c not in row["positive"])] for n, row in TABLE.items()}
    assert cms_expected(baseline)[0] == dict.fromkeys(cms_expected(baseline)[0], "negative")
    for code in TABLE[number]["answers"]:
        path = tmp_path / f"{code}.json"
        path.write_text(json.dumps(as_foreign_document({**baseline, number: [code]}, 0)))
        out = StringIO()
        call_command("score_response", str(path), "--questionnaire", "ahc-hrsn", "--format", "json", stdout=out)
        result = json.loads(out.getvalue())["responses"][0]
        expected = "positive" if code in TABLE[number]["positive"] else "negative"
        assert {d["key"]: d["status"] for d in result["domains"]}[DOMAIN_OF_QUESTION[number]] == expected, code
