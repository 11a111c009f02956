"""``manage.py load_questionnaire``: any FHIR R4 Questionnaire loads as a versioned
questionnaire (the SDOH Clinical Care Hunger Vital Sign and PRAPARE files); a bad
file is refused with the reason and changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from wayfinder.assessments.actions import score
from wayfinder.assessments.models import Questionnaire
from wayfinder.audit.models import AuditEvent

from .conftest import SHARED

pytestmark = pytest.mark.django_db
EXAMPLES = Path(SHARED)
HVS = EXAMPLES / "Questionnaire-SDOHCC-QuestionnaireHungerVitalSign.json"
PRAPARE = EXAMPLES / "Questionnaire-SDOHCC-QuestionnairePRAPARE.json"


def load(path, *args):
    from io import StringIO

    out = StringIO()
    call_command("load_questionnaire", str(path), *args, stdout=out)
    return out.getvalue()


def refused(path, *args) -> str:
    before = (Questionnaire.objects.count(), AuditEvent.objects.filter(action="questionnaire.loaded").count())
    with pytest.raises(CommandError) as error:
        load(path, *args)
    assert (Questionnaire.objects.count(), AuditEvent.objects.filter(action="questionnaire.loaded").count()) == before
    assert "nothing changed" in str(error.value)
    return str(error.value)


def test_it_loads_the_hunger_vital_sign_with_the_rules_wayfinder_ships():
    out = load(HVS)
    assert "Loaded SDOHCC Questionnaire Hunger Vital Sign 2.3.0 as 'hunger-vital-sign' (1 scored domains)" in out
    questionnaire = Questionnaire.objects.get(key="hunger-vital-sign")
    assert questionnaire.url.endswith("SDOHCC-QuestionnaireHungerVitalSign") and questionnaire.audience == "staff"
    at_risk = score(questionnaire, {"/88122-7": {"v": ["LA28397-0"]}, "/88123-5": {"v": ["LA28398-8"]}})
    assert [d.category for d in at_risk.positive] == ["food"]
    assert at_risk.calculated == {"/88124-3": "LA19952-3"}
    no_risk = score(questionnaire, {"/88122-7": {"v": ["LA28398-8"]}, "/88123-5": {"v": ["LA15775-2"]}})
    assert no_risk.positive == [] and no_risk.calculated == {"/88124-3": "LA19983-8"}
    assert AuditEvent.objects.filter(action="questionnaire.loaded", object_id=str(questionnaire.pk)).exists()


def test_it_loads_prapare_and_scores_its_example_response():
    load(PRAPARE)
    questionnaire = Questionnaire.objects.get(key="prapare")
    from wayfinder.assessments.form import form_of
    from wayfinder.assessments.response import answers_from

    example = json.loads(
        (EXAMPLES / "QuestionnaireResponse-SDOHCC-QuestionnaireResponsePRAPAREExample.json").read_text()
    )
    answers = answers_from(form_of(questionnaire), example)
    assert len(answers) == 21  # every answered question of the example maps onto the loaded ones
    result = score(questionnaire, answers)
    # By hand from the example: no housing (LA30190-5), worried about losing it declined
    # (LA30122-8), less than high school, unemployed, Medicaid, unable to get clothing
    # and child care, transportation kept them from both kinds of appointment, sees
    # people 1-2 times a week, stress "somewhat", not safe where they live.
    positive = {d.key: d.sdohcc for d in result.positive}
    assert positive == {
        "housing": ["homelessness"],
        "material-needs": ["material-hardship"],
        "child-care": ["sdoh-category-unspecified"],
        "transportation": ["transportation-insecurity"],
        "employment": ["employment-status"],
        "education": ["educational-attainment"],
        "social-connection": ["social-connection"],
        "safety": ["sdoh-category-unspecified"],
    }
    negative = {d.key for d in result.domains if d.status == "negative"}
    assert negative == {"food", "utilities", "health-care", "stress", "incarceration", "veterans"}


def test_the_hunger_vital_sign_example_response_is_at_risk():
    load(HVS)
    questionnaire = Questionnaire.objects.get(key="hunger-vital-sign")
    from wayfinder.assessments.form import form_of
    from wayfinder.assessments.response import answers_from

    example = json.loads(
        (EXAMPLES / "QuestionnaireResponse-SDOHCC-QuestionnaireResponseHungerVitalSignExample.json").read_text()
    )
    answers = answers_from(form_of(questionnaire), example)
    result = score(questionnaire, answers)  # the example's own 88124-3 is recomputed, not trusted
    assert result.calculated == {"/88124-3": "LA19952-3"}
    assert [(d.category, d.sdohcc) for d in result.positive] == [("food", ["food-insecurity"])]


def test_loading_the_same_version_again_changes_nothing():
    load(HVS)
    assert "already loaded with this content; nothing changed" in load(HVS)
    assert Questionnaire.objects.filter(key="hunger-vital-sign").count() == 1


def test_a_new_version_retires_the_old_one(tmp_path):
    load(HVS)
    resource = json.loads(HVS.read_text())
    resource["version"] = "2.4.0"
    path = tmp_path / "hvs-2.4.json"
    path.write_text(json.dumps(resource))
    assert "1 earlier version retired" in load(path)
    versions = dict(Questionnaire.objects.filter(key="hunger-vital-sign").values_list("version", "status"))
    assert versions == {"2.3.0": "retired", "2.4.0": "active"}


def test_the_same_version_with_other_content_is_refused(tmp_path):
    load(HVS)
    resource = json.loads(HVS.read_text())
    resource["item"][0]["text"] = "Changed words"
    path = tmp_path / "hvs.json"
    path.write_text(json.dumps(resource))
    assert "already loaded with other content; give the new text a new version" in refused(path)


def write(tmp_path, content, name="q.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else json.dumps(content).encode())
    return path


def minimal(**changes) -> dict:
    resource = {
        "resourceType": "Questionnaire",
        "url": "https://example.org/Questionnaire/q",
        "version": "1",
        "name": "Example",
        "title": "Example",
        "status": "active",
        "item": [
            {
                "linkId": "a",
                "type": "choice",
                "text": "A?",
                "answerOption": [{"valueCoding": {"system": "http://loinc.org", "code": "LA33-6", "display": "Yes"}}],
            }
        ],
    }
    resource.update(changes)
    return resource


BAD = [
    ("not JSON", b"{not json", "not JSON (line 1"),
    ("NUL bytes", b'{"resourceType": "Questionnaire"\x00}', "NUL bytes"),
    ("not UTF-8", b'{"title": "\xff\xfe"}', "not UTF-8"),
    ("deep nesting", b"[" * 5000 + b"]" * 5000, "nested more than 64 levels"),
    ("a Patient", {"resourceType": "Patient"}, "not 'Questionnaire'"),
    ("an unknown element", minimal(colour="red"), "colour: Extra inputs are not permitted"),
    ("no version", minimal(version=None), "version: a version is required"),
    ("no url", minimal(url=None), "url: a canonical URL is required"),
    ("retired", minimal(status="retired"), "only draft or active"),
    (
        "an attachment question",
        minimal(item=[{"linkId": "a", "type": "attachment", "text": "Upload"}]),
        "type 'attachment' cannot be asked",
    ),
    (
        "a duplicate linkId",
        minimal(item=[{"linkId": "a", "type": "string"}, {"linkId": "a", "type": "string"}]),
        "linkId used twice",
    ),
    (
        "answerValueSet",
        minimal(item=[{"linkId": "a", "type": "choice", "answerValueSet": "http://x"}]),
        "answerValueSet",
    ),
    (
        "enableWhen on nothing",
        minimal(
            item=[
                {
                    "linkId": "a",
                    "type": "string",
                    "enableWhen": [{"question": "zz", "operator": "exists", "answerBoolean": True}],
                }
            ]
        ),
        "enableWhen names question 'zz'",
    ),
]


@pytest.mark.parametrize(("case", "content", "reason"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_file_is_refused_with_the_reason(tmp_path, case, content, reason):
    if isinstance(content, dict):
        content = {k: v for k, v in content.items() if v is not None}
    assert reason in refused(write(tmp_path, content))


def test_rules_that_name_missing_answers_are_refused(tmp_path):
    path = write(tmp_path, minimal(), "q.json")
    rules = {
        "format": "wayfinder-sdoh-rules/1",
        "domains": [
            {
                "key": "x",
                "category": "food",
                "label": {"en": "X"},
                "positive_if": [{"item": "a", "answer_in": ["LA9-9"]}],
            }
        ],
    }
    (tmp_path / "q.rules.json").write_text(json.dumps(rules))
    assert "'LA9-9' is not an answer of 'a'" in refused(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.seek(3 * 1024 * 1024)
        handle.write(b"}")
    assert "larger than 2 MB" in refused(path)
