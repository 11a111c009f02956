"""``manage.py score_response``: AHC HRSN answer sets from another system (a file, a
Bundle, a folder), scored by the shipped rules (standards.md sections 3 and 8),
with what was assumed and the needs a submit would create, as text and as JSON;
nothing stored; a file that cannot be scored is refused with the reason while the
others are still scored. (test_score_held_out_ahc checks the rules themselves.)"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wayfinder.assessments.models import Assessment, Questionnaire
from wayfinder.audit.models import AuditEvent
from wayfinder.residents.models import SdohNeed

from .conftest import SHARED
from .test_needs_and_sources import complete_ahc

pytestmark = pytest.mark.django_db
LOINC = "http://loinc.org"
DECLINED = {
    "valueCoding": {"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "asked-declined"}
}


def run(path, *args) -> str:
    out = StringIO()
    call_command("score_response", str(path), *args, stdout=out)
    return out.getvalue()


def scored(tmp_path, document, *args) -> dict:
    """The JSON result of scoring one document (the only response in the file)."""
    path = tmp_path / "response.json"
    path.write_text(json.dumps(document))
    report = json.loads(run(path, "--format", "json", *args))
    assert report["not_scored"] == [] and len(report["responses"]) == 1
    return report["responses"][0]


def unchanged() -> tuple[int, ...]:
    return (
        Questionnaire.objects.count(),
        Assessment.objects.count(),
        SdohNeed.objects.count(),
        AuditEvent.objects.count(),
    )


def elsewhere(**answers) -> dict:
    """A QuestionnaireResponse the way a state HIE profile writes one: questions named
    by a path under the panel, answers as codings, the total sent along."""
    items = []
    for code, value in answers.items():
        code = code[1:].replace("_", "-")
        values = value if isinstance(value, list) else [value]
        answer = [DECLINED] if value == "declined" else [{"valueCoding": {"system": LOINC, "code": v}} for v in values]
        items.append({"linkId": f"/96777-8/{code}", "answer": answer})
    items.append({"linkId": "/96777-8/95614-4", "answer": [{"valueInteger": 3}]})
    items.append({"linkId": "/96777-8/local-note", "answer": [{"valueString": "seen in ED"}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://shinny.org/us/ny/hrsn/Questionnaire/NYScreeningQuestionnaire",
        "item": [{"linkId": "/96777-8", "item": items}],
    }


CORE_NO_NEED = {
    "q71802_3": "LA31993-1", "q96778_6": "LA9-3", "q88122_7": "LA28398-8", "q88123_5": "LA28398-8",
    "q93030_5": "LA32-8", "q96779_4": "LA32-8", "q95618_5": "LA6270-8", "q95617_7": "LA6270-8",
    "q95616_9": "LA6270-8", "q95615_1": "LA6270-8",
}  # fmt: skip


def status(result) -> dict:
    return {d["key"]: (d["status"], d["sdohcc"]) for d in result["domains"] if d["status"] != "not_asked"}


def test_an_answer_set_from_another_system_is_scored_by_the_cms_rules(tmp_path):
    answers = {
        **CORE_NO_NEED,
        "q71802_3": "LA31995-6",
        "q96778_6": ["LA31998-0", "LA32001-2"],
        "q88123_5": "declined",
        "q93030_5": "LA33-6",
        "q96779_4": "LA32002-0",
        "q95618_5": "LA10066-1",
        "q95617_7": "LA16644-9",
        "q95616_9": "LA16644-9",
        "q95615_1": "LA16644-9",
    }
    result = scored(tmp_path, elsewhere(**answers), "--questionnaire", "ahc-hrsn")
    assert status(result) == {
        "housing-instability": ("positive", ["homelessness", "inadequate-housing"]),
        "food-insecurity": ("incomplete", []),  # never true, then declined: neither a need nor a no
        "transportation": ("positive", ["transportation-insecurity"]),
        "utilities": ("positive", ["utility-insecurity"]),  # already shut off
        "interpersonal-safety": ("positive", ["sdoh-category-unspecified"]),  # 2 + 4 + 4 + 4 = 14
    }
    assert result["calculated"]["95614-4"] == 14 and result["flags"] == ["physical-harm-follow-up"]
    assert result["needs"] == [
        {"category": "housing", "label": "Housing", "sdohcc": ["homelessness", "inadequate-housing"],
         "from": ["housing-instability"]},
        {"category": "transportation", "label": "Transportation", "sdohcc": ["transportation-insecurity"],
         "from": ["transportation"]},
        {"category": "utilities", "label": "Utilities", "sdohcc": ["utility-insecurity"], "from": ["utilities"]},
        {"category": "safety", "label": "Safety and violence", "sdohcc": ["sdoh-category-unspecified"],
         "from": ["interpersonal-safety"]},
    ]  # fmt: skip
    assert "/96777-8/71802-3: read as question 71802-3" in result["assumed"]
    assert "95614-4: the file says 3; recomputed from the answers: 14" in result["assumed"]
    assert any("/96777-8/local-note" in note for note in result["assumed"])
    assert result["unanswered_required"] == ["ask-supplemental"]  # our own question, not in their form


def test_the_text_report_says_the_same_and_nothing_is_stored(tmp_path):
    before = unchanged()
    answers = {**CORE_NO_NEED, "q88122_7": "LA6729-3", "q93030_5": "declined", "q95618_5": "LA10066-1"}
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(elsewhere(**answers)))
    lines = run(path, "--questionnaire", "ahc-hrsn").splitlines()
    assert lines[0] == "visit.json: AHC HRSN screening 1.0.0"
    assert "  Positive: food-insecurity [food-insecurity]" in lines
    assert "  Incomplete (declined or unanswered: neither a need nor a no): transportation" in lines
    assert "  Negative: housing-instability; utilities; interpersonal-safety" in lines
    assert any(line.startswith("  ") and line.endswith("(95614-4): 5") for line in lines)
    assert any(
        line.startswith("  Staff follow-up: physical-harm-follow-up: Reported being physically hurt") for line in lines
    )
    assert "  Needs it would open or confirm: Food (food-insecurity)" in lines
    assert lines[-1] == "Scored 1 of 1 responses; nothing was stored."
    assert unchanged() == before


SAFETY_SETS = [
    # (the four answers, total, positive, follow-up)
    (("LA6270-8", "LA6482-9", "LA6482-9", "LA6270-8"), 12, True, False),
    (("LA10066-1", "LA10082-8", "LA10082-8", "LA10066-1"), 10, False, True),
    (("LA10082-8", "LA10082-8", "LA10082-8", "LA10066-1"), 11, True, True),
    (("LA6270-8", "LA6270-8", "LA6270-8", "LA6270-8"), 4, False, False),
]


@pytest.mark.parametrize(("safety", "total", "positive", "follow_up"), SAFETY_SETS)
def test_the_safety_total_and_the_follow_up_flag(tmp_path, safety, total, positive, follow_up):
    answers = {**CORE_NO_NEED, **dict(zip(["q95618_5", "q95617_7", "q95616_9", "q95615_1"], safety, strict=True))}
    result = scored(tmp_path, elsewhere(**answers), "--questionnaire", "ahc-hrsn")
    assert result["calculated"]["95614-4"] == total
    assert ("interpersonal-safety" in result["positive"]) is positive
    assert (result["flags"] == ["physical-harm-follow-up"]) is follow_up


def test_a_declined_safety_item_leaves_the_total_unscored(tmp_path):
    answers = {**CORE_NO_NEED, "q95618_5": "LA6482-9", "q95617_7": "declined", "q95616_9": "LA6482-9"}
    result = scored(tmp_path, elsewhere(**answers), "--questionnaire", "ahc-hrsn")
    assert "95614-4" not in result["calculated"]
    assert status(result)["interpersonal-safety"] == ("incomplete", [])
    assert result["flags"] == ["physical-harm-follow-up"]  # "frequently" physically hurt: follow up anyway


def test_our_own_stored_response_scores_as_it_was_stored(tmp_path, amy, personas, hospital_with_consent):
    completed = complete_ahc(amy, personas["hospital_user"], hospital_with_consent, q71802_3="LA31994-9")
    before = unchanged()
    result = scored(tmp_path, completed.assessment.response)
    assert unchanged() == before
    stored = {d["key"]: (d["status"], d["sdohcc"]) for d in completed.assessment.results["domains"]}
    assert {d["key"]: (d["status"], d["sdohcc"]) for d in result["domains"]} == stored
    assert result["assumed"] == [] and result["questionnaire"].endswith("ahc-hrsn-screening|1.0.0")
    assert [n["category"] for n in result["needs"]] == ["housing"] and result["unanswered_required"] == []


def test_the_hunger_vital_sign_example_by_its_own_canonical(tmp_path):
    from pathlib import Path

    hvs = f"{SHARED}/Questionnaire-SDOHCC-QuestionnaireHungerVitalSign.json"
    call_command("load_questionnaire", hvs, stdout=StringIO())
    example = json.loads(
        Path(f"{SHARED}/QuestionnaireResponse-SDOHCC-QuestionnaireResponseHungerVitalSignExample.json").read_text()
    )
    result = scored(tmp_path, example)
    positive = [(d["category"], d["sdohcc"]) for d in result["domains"] if d["status"] == "positive"]
    assert positive == [("food", ["food-insecurity"])] and result["calculated"] == {"/88124-3": "LA19952-3"}


REFUSED = [
    ("a Patient", {"resourceType": "Patient"}, "not a QuestionnaireResponse"),
    ("an answer not among the options", elsewhere(**{**CORE_NO_NEED, "q93030_5": "LA9999-9"}), "“LA9999-9” is not one"),
    ("none of the above with a problem", elsewhere(**{**CORE_NO_NEED, "q96778_6": ["LA9-3", "LA31996-4"]}),
     "cannot be chosen with other answers"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "document", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_that_cannot_be_scored_is_refused_with_the_reason(tmp_path, case, document, reason):
    with pytest.raises(CommandError) as error:
        scored(tmp_path, document, "--questionnaire", "ahc-hrsn")
    assert reason in str(error.value) and "was not scored" in str(error.value)
    assert not Assessment.objects.exists()


def test_an_unknown_questionnaire_is_named(tmp_path):
    with pytest.raises(CommandError) as error:
        scored(tmp_path, elsewhere(**CORE_NO_NEED))
    assert "NYScreeningQuestionnaire" in str(error.value) and "--questionnaire" in str(error.value)


def test_a_bundle_and_a_folder_score_every_response_and_report_the_bad_one(tmp_path):
    """One EHR bundle (two screenings and an Observation), a file that is not JSON and
    a response with an answer that is not an option: the good ones are scored, each
    bad one is named with its reason, the command fails, nothing is stored."""
    before = unchanged()
    positive = elsewhere(**{**CORE_NO_NEED, "q93030_5": "LA33-6"})
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": elsewhere(**CORE_NO_NEED)},
            {"resource": {"resourceType": "Observation", "status": "final"}},
            {"resource": positive},
        ],
    }
    (tmp_path / "a-bundle.json").write_text(json.dumps(bundle))
    (tmp_path / "b-broken.json").write_text('{"resourceType": "QuestionnaireResponse", ')
    (tmp_path / "c-bad-answer.json").write_text(json.dumps(elsewhere(**{**CORE_NO_NEED, "q96779_4": "LA0-0"})))
    (tmp_path / "notes.txt").write_text("not read: not a .json file")
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("score_response", str(tmp_path), "--questionnaire", "ahc-hrsn", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert [(r["source"], r["positive"]) for r in report["responses"]] == [
        ("a-bundle.json entry 1", []),
        ("a-bundle.json entry 3", ["transportation"]),
    ]
    assert [r["source"] for r in report["not_scored"]] == ["b-broken.json", "c-bad-answer.json"]
    assert report["not_scored"][0]["reason"].startswith("not JSON (line 1")
    assert "a-bundle.json: 1 other resources in the bundle were not read" in report["notes"]
    message = str(error.value)
    assert "b-broken.json was not scored: not JSON" in message
    assert "c-bad-answer.json was not scored: " in message and "LA0-0" in message
    assert unchanged() == before


def test_a_questionnaire_this_database_has_not_loaded_is_read_from_the_shipped_file(tmp_path):
    """A fresh database: the shipped AHC questionnaire scores the file without being
    loaded (loading is a change, audited; scoring changes nothing)."""
    Questionnaire.objects.filter(key="ahc-hrsn").delete()
    before = unchanged()
    path = tmp_path / "one.json"
    document = elsewhere(**{**CORE_NO_NEED, "q88123_5": "LA28397-0"})
    document["questionnaire"] = "https://wayfinder.example.org/fhir/Questionnaire/ahc-hrsn-screening|1.0.0"
    path.write_text(json.dumps(document))
    report = json.loads(run(path, "--format", "json"))
    assert report["responses"][0]["positive"] == ["food-insecurity"]
    assert any("is not loaded here; scored with the file the project ships" in n for n in report["notes"])
    assert unchanged() == before


HOSTILE = [
    ("NUL bytes", b'{"resourceType": "QuestionnaireResponse"}\x00', "contains NUL bytes"),
    ("not UTF-8", b'{"resourceType": "Questionnaire\xff"}', "not UTF-8"),
    ("nested deep", b"[" * 5000 + b"]" * 5000, "nested more than 64 levels"),
    ("a JSON list", b"[1, 2]", "not a QuestionnaireResponse"),
    ("an empty bundle", b'{"resourceType": "Bundle", "entry": []}', "a Bundle with no QuestionnaireResponse"),
]


@pytest.mark.parametrize(("case", "data", "reason"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_with_the_reason(tmp_path, case, data, reason):
    before = unchanged()
    path = tmp_path / "hostile.json"
    path.write_bytes(data)
    with pytest.raises(CommandError) as error:
        run(path, "--questionnaire", "ahc-hrsn")
    assert f"hostile.json was not scored: {reason}" in str(error.value)
    assert unchanged() == before


def test_a_file_larger_than_the_limit_is_not_read(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.truncate(17 * 1024 * 1024)  # sparse: takes no disk
    with pytest.raises(CommandError) as error:
        run(path, "--questionnaire", "ahc-hrsn")
    assert "huge.json was not scored: larger than 16 MB" in str(error.value)


def test_a_response_marked_in_error_or_answering_a_question_twice_is_refused(tmp_path):
    in_error = {**elsewhere(**CORE_NO_NEED), "status": "entered-in-error"}
    twice = elsewhere(**CORE_NO_NEED)
    twice["item"].append({"linkId": "93030-5", "answer": [{"valueCoding": {"system": LOINC, "code": "LA33-6"}}]})
    for document, reason in ((in_error, "marked entered-in-error"), (twice, "question 93030-5 is answered twice")):
        with pytest.raises(CommandError) as error:
            scored(tmp_path, document, "--questionnaire", "ahc-hrsn")
        assert reason in str(error.value)


def test_a_partial_response_is_scored_as_it_stands_and_says_what_is_missing(tmp_path):
    partial = {k: v for k, v in CORE_NO_NEED.items() if k not in ("q95616_9", "q95615_1")}
    document = {**elsewhere(**{**partial, "q71802_3": "LA31994-9"}), "status": "in-progress"}
    result = scored(tmp_path, document, "--questionnaire", "ahc-hrsn")
    assert result["positive"] == ["housing-instability"] and "95614-4" not in result["calculated"]
    assert result["unanswered_required"] == ["95616-9", "95615-1", "ask-supplemental"]
    assert "status is in-progress: scored as it stands" in result["assumed"]
    assert "95614-4: the file says 3; not computed here because a part is unanswered or declined" in result["assumed"]


def test_a_missing_path_an_empty_folder_and_an_unknown_key_are_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist; nothing was scored"):
        run(tmp_path / "nowhere.json")
    with pytest.raises(CommandError, match=r"holds no \.json files"):
        run(tmp_path)
    (tmp_path / "one.json").write_text(json.dumps(elsewhere(**CORE_NO_NEED)))
    with pytest.raises(CommandError, match="no active questionnaire has the key 'phq-9'"):
        run(tmp_path / "one.json", "--questionnaire", "phq-9")
