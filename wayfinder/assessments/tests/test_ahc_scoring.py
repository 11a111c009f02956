"""The AHC HRSN positive-screen rules, one row per CMS definition (standards.md
sections 3 and 8), scored by the shipped questionnaire's own rules file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wayfinder.assessments.answers import check_all
from wayfinder.assessments.form import parse
from wayfinder.assessments.scoring import evaluate

from .conftest import ahc

FOLDER = Path(__file__).resolve().parent.parent / "questionnaires"
FORM = parse(json.loads((FOLDER / "ahc-hrsn-screening.json").read_text()))
RULES = json.loads((FOLDER / "ahc-hrsn-screening.rules.json").read_text())
NEVER, RARELY, SOMETIMES, FAIRLY, FREQUENTLY = "LA6270-8", "LA10066-1", "LA10082-8", "LA16644-9", "LA6482-9"
OFTEN_T, SOMETIMES_T, NEVER_T = "LA28397-0", "LA6729-3", "LA28398-8"


def score(answers):
    return evaluate(FORM, RULES, check_all(FORM, answers))


def domain(result, key):
    return next(d for d in result.domains if d.key == key)


def safety(*answers):
    return dict(zip(["q95618_5", "q95617_7", "q95616_9", "q95615_1"], answers, strict=True))


CASES = [
    # (case, answers, domain, status, SDOHCC codes)
    ("steady, no problems", ahc(), "housing-instability", "negative", []),
    ("worried about losing it", ahc(q71802_3="LA31994-9"), "housing-instability", "positive", ["housing-instability"]),
    ("no steady place", ahc(q71802_3="LA31995-6"), "housing-instability", "positive", ["homelessness"]),
    ("pests", ahc(q96778_6="LA31996-4"), "housing-instability", "positive", ["inadequate-housing"]),
    (
        "mold and leaks",
        ahc(q96778_6=["LA28580-1", "LA32001-2"]),
        "housing-instability",
        "positive",
        ["inadequate-housing"],
    ),
    ("each listed problem: lead", ahc(q96778_6="LA31997-2"), "housing-instability", "positive", ["inadequate-housing"]),
    ("each listed problem: heat", ahc(q96778_6="LA31998-0"), "housing-instability", "positive", ["inadequate-housing"]),
    (
        "each listed problem: stove",
        ahc(q96778_6="LA31999-8"),
        "housing-instability",
        "positive",
        ["inadequate-housing"],
    ),
    (
        "each listed problem: smoke",
        ahc(q96778_6="LA32000-4"),
        "housing-instability",
        "positive",
        ["inadequate-housing"],
    ),
    (
        "worried and mold",
        ahc(q71802_3="LA31994-9", q96778_6="LA28580-1"),
        "housing-instability",
        "positive",
        ["housing-instability", "inadequate-housing"],
    ),
    ("steady, problems declined", ahc(q96778_6="declined"), "housing-instability", "incomplete", []),
    (
        "situation declined, mold",
        ahc(q71802_3="declined", q96778_6="LA28580-1"),
        "housing-instability",
        "positive",
        ["inadequate-housing"],
    ),
    ("never, never", ahc(), "food-insecurity", "negative", []),
    ("often, never", ahc(q88122_7=OFTEN_T), "food-insecurity", "positive", ["food-insecurity"]),
    ("never, sometimes", ahc(q88123_5=SOMETIMES_T), "food-insecurity", "positive", ["food-insecurity"]),
    (
        "sometimes, often",
        ahc(q88122_7=SOMETIMES_T, q88123_5=OFTEN_T),
        "food-insecurity",
        "positive",
        ["food-insecurity"],
    ),
    ("never, declined: not a no", ahc(q88123_5="declined"), "food-insecurity", "incomplete", []),
    ("often, declined", ahc(q88122_7=OFTEN_T, q88123_5="declined"), "food-insecurity", "positive", ["food-insecurity"]),
    ("transportation yes", ahc(q93030_5="LA33-6"), "transportation", "positive", ["transportation-insecurity"]),
    ("transportation no", ahc(), "transportation", "negative", []),
    ("transportation declined", ahc(q93030_5="declined"), "transportation", "incomplete", []),
    ("utilities threatened", ahc(q96779_4="LA33-6"), "utilities", "positive", ["utility-insecurity"]),
    ("utilities already shut off", ahc(q96779_4="LA32002-0"), "utilities", "positive", ["utility-insecurity"]),
    ("utilities no", ahc(), "utilities", "negative", []),
    ("utilities declined", ahc(q96779_4="declined"), "utilities", "incomplete", []),
    ("safety all never: 4", ahc(), "interpersonal-safety", "negative", []),
    (
        "safety 10 is not positive",
        ahc(**safety(SOMETIMES, SOMETIMES, RARELY, RARELY)),
        "interpersonal-safety",
        "negative",
        [],
    ),
    (
        "safety 11 is positive",
        ahc(**safety(SOMETIMES, SOMETIMES, SOMETIMES, RARELY)),
        "interpersonal-safety",
        "positive",
        ["sdoh-category-unspecified"],
    ),
    ("safety 20", ahc(**safety(*[FREQUENTLY] * 4)), "interpersonal-safety", "positive", ["sdoh-category-unspecified"]),
    (
        "never hurt, the rest frequent: 16",
        ahc(**safety(NEVER, FREQUENTLY, FREQUENTLY, FREQUENTLY)),
        "interpersonal-safety",
        "positive",
        ["sdoh-category-unspecified"],
    ),
    (
        "one declined: not scored even at 15",
        ahc(**safety("declined", FREQUENTLY, FREQUENTLY, FREQUENTLY)),
        "interpersonal-safety",
        "incomplete",
        [],
    ),
    (
        "fairly often x2, never x2: 10",
        ahc(**safety(FAIRLY, FAIRLY, NEVER, NEVER)),
        "interpersonal-safety",
        "negative",
        [],
    ),
    ("supplemental not asked", ahc(), "financial-strain", "not_asked", []),
]


@pytest.mark.parametrize(("case", "answers", "key", "status", "codes"), CASES, ids=[c[0] for c in CASES])
def test_cms_rule(case, answers, key, status, codes):
    result = domain(score(answers), key)
    assert (result.status, result.sdohcc) == (status, codes)


SAFETY_TOTALS = [
    ((NEVER, NEVER, NEVER, NEVER), 4),
    ((RARELY, SOMETIMES, FAIRLY, FREQUENTLY), 14),
    ((FREQUENTLY, NEVER, NEVER, NEVER), 8),
    ((SOMETIMES, SOMETIMES, SOMETIMES, RARELY), 11),
]


@pytest.mark.parametrize(("answers", "total"), SAFETY_TOTALS)
def test_the_safety_total_95614_4_is_the_sum_of_the_four_items_scored_1_to_5(answers, total):
    assert score(ahc(**safety(*answers))).calculated["95614-4"] == total


def test_the_safety_total_is_left_out_when_an_item_was_declined():
    assert "95614-4" not in score(ahc(**safety(FREQUENTLY, "declined", FREQUENTLY, FREQUENTLY))).calculated


FOLLOW_UP = [
    (RARELY, True),
    (SOMETIMES, True),
    (FAIRLY, True),
    (FREQUENTLY, True),
    (NEVER, False),
    ("declined", False),
]


@pytest.mark.parametrize(("hurt", "flagged"), FOLLOW_UP)
def test_any_answer_but_never_to_95618_5_flags_staff_follow_up_whatever_the_total(hurt, flagged):
    result = score(ahc(q95618_5=hurt))  # the other three "never": the total stays under 11
    assert domain(result, "interpersonal-safety").status in ("negative", "incomplete")
    assert [f["key"] for f in result.flags] == (["physical-harm-follow-up"] if flagged else [])


def supplemental(**answers):
    base = {
        "q76513_1": "LA31980-8",
        "q96780_2": "LA31983-2",
        "q96781_0": "LA31976-6",
        "q93159_2": NEVER,
        "q97027_7": "LA32-8",
        "q96782_8": "LA32-8",
        "q89555_7": 5,
        "q68516_4": 30,
        "q68517_2": NEVER,
        "q96842_0": NEVER,
        "q95530_2": NEVER,
        "q68524_8": NEVER,
        "q44250_9": "LA6568-5",
        "q44255_8": "LA6568-5",
        "q93038_8": "LA6568-5",
        "q69858_9": "LA32-8",
        "q69861_3": "LA32-8",
    }
    base.update(answers)
    return ahc(ask_supplemental=True, **base)


SUPPLEMENTAL = [
    ("nothing", supplemental(), {}),
    ("very hard to pay", supplemental(q76513_1="LA15832-1"), {"financial-strain": ["financial-insecurity"]}),
    ("somewhat hard to pay", supplemental(q76513_1="LA22683-9"), {"financial-strain": ["financial-insecurity"]}),
    ("help finding work", supplemental(q96780_2="LA31981-6"), {"employment": ["employment-status"]}),
    ("help keeping work", supplemental(q96780_2="LA31982-4"), {"employment": ["employment-status"]}),
    (
        "a lot more help",
        supplemental(q96781_0="LA31979-0"),
        {"family-community-support": ["sdoh-category-unspecified"]},
    ),
    ("often lonely", supplemental(q93159_2="LA10044-8"), {"family-community-support": ["social-connection"]}),
    ("sometimes lonely", supplemental(q93159_2=SOMETIMES), {}),
    ("help with school", supplemental(q96782_8="LA33-6"), {"education": ["educational-attainment"]}),
    ("no exercise days", supplemental(q89555_7=0, q68516_4=None), {"physical-activity": ["sdoh-category-unspecified"]}),
    (
        "2 x 60 = 120 minutes",
        supplemental(q89555_7=2, q68516_4=60),
        {"physical-activity": ["sdoh-category-unspecified"]},
    ),
    ("3 x 50 = 150 minutes", supplemental(q89555_7=3, q68516_4=50), {}),
    ("tobacco once or twice", supplemental(q96842_0="LA26460-8"), {"substance-use": ["sdoh-category-unspecified"]}),
    ("drugs weekly", supplemental(q68524_8="LA18891-4"), {"substance-use": ["sdoh-category-unspecified"]}),
    (
        "PHQ-2 1+2 = 3",
        supplemental(q44250_9="LA6569-3", q44255_8="LA6570-1"),
        {"mental-health": ["sdoh-category-unspecified"]},
    ),
    ("PHQ-2 1+1 = 2", supplemental(q44250_9="LA6569-3", q44255_8="LA6569-3"), {}),
    ("stress quite a bit", supplemental(q93038_8="LA13902-4"), {"mental-health": ["stress"]}),
    ("difficulty with errands", supplemental(q69861_3="LA33-6"), {"disabilities": ["sdoh-category-unspecified"]}),
]


@pytest.mark.parametrize(("case", "answers", "expected"), SUPPLEMENTAL, ids=[c[0] for c in SUPPLEMENTAL])
def test_supplemental_rule(case, answers, expected):
    result = score(answers)
    supplemental_keys = {
        "financial-strain", "employment", "family-community-support", "education",
        "physical-activity", "substance-use", "mental-health", "disabilities",
    }  # fmt: skip
    found = {d.key: d.sdohcc for d in result.positive if d.key in supplemental_keys}
    assert found == expected
    assert all(d.status != "not_asked" for d in result.domains)
