"""Property (issue #16, deliver 2): whatever messy values a feed carries, what the import stores
exports valid: every JSON export document against the compiled schema (with strict uri and email
checks), and the CSV export with frictionless."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import run_import
from .feeds import compiled_validator, frictionless_report

pytestmark = pytest.mark.django_db

spaces = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])


def padded(values) -> st.SearchStrategy[str]:
    return st.tuples(spaces, values, spaces).map("".join)


def cased(words: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(words).flatmap(
        lambda w: st.sampled_from([w, w.upper(), w.title(), w.replace(" ", "_"), w.replace(" ", "-")])
    )


text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
times = st.tuples(st.integers(0, 23), st.integers(0, 59)).flatmap(
    lambda hm: st.sampled_from(
        [
            f"{hm[0]}:{hm[1]:02d}",
            f"{hm[0]:02d}:{hm[1]:02d}:00",
            f"{(hm[0] % 12) or 12}:{hm[1]:02d} {'PM' if hm[0] >= 12 else 'am'}",
            f"{hm[0]:02d}{hm[1]:02d}",
        ]
    )
)
dates = st.dates(min_value=__import__("datetime").date(1990, 1, 1)).flatmap(
    lambda d: st.sampled_from([d.isoformat(), f"{d.month}/{d.day}/{d.year}", f"{d.year}-{d.month}-{d.day}"])
)
urls = st.sampled_from(
    [
        "www.example.org",
        "example.org/a path",
        "https://example.org/x?q=a b",
        "HTTP://Example.org",
        "not a url",
        "example/counselling",
        "mailto:a@b.org",
        "https://exa mple.org",
        "https://bücher.example/straße",
    ]
)
emails = st.sampled_from(
    ["a@example.org", " Info@Example.org ", "mailto:x@y.org", "a@b", "not an email", "a@example.org; b@example.org"]
)
numbers = st.one_of(
    st.integers(-5, 200),
    st.floats(0, 200, allow_nan=False),
    st.sampled_from(["12", " 7 ", "1,200", "$5", "NaN", "ten"]),
)
nulls = st.sampled_from([None, "", "NULL", "null", "   "])


@st.composite
def messy_service(draw) -> dict:
    sid = str(uuid.UUID(int=draw(st.integers(1, 2**64)), version=4))
    doc = {
        "id": sid,
        "name": draw(padded(st.sampled_from(["Food Pantry", "Shelter", "Clinic"]))),
        "status": draw(padded(cased(["active", "inactive", "temporarily closed"]))),
        "description": draw(st.one_of(text, nulls)),
        "url": draw(st.one_of(urls, nulls)),
        "email": draw(st.one_of(emails, nulls)),
        "minimum_age": draw(st.one_of(numbers, nulls)),
        "assured_date": draw(st.one_of(dates, nulls)),
        "organization": {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, sid)),
            "name": draw(padded(st.just("Org"))),
            "description": "An organization",
            "website": draw(st.one_of(urls, nulls)),
        },
        "schedules": [
            {
                "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, sid)),
                "freq": draw(cased(["weekly", "monthly", "daily"])),
                "byday": "MO,TU",
                "opens_at": draw(times),
                "closes_at": draw(times),
                "valid_from": draw(st.one_of(dates, nulls)),
            }
        ],
    }
    return doc


def test_whatever_lands_exports_valid(tmp_path):
    validator = compiled_validator()
    counter = iter(range(10**6))

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(messy_service(), min_size=1, max_size=4))
    def import_and_export(docs):
        n = next(counter)
        path = tmp_path / f"feed-{n}.ndjson"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        run_import(path, report=tmp_path / f"r-{n}.csv")
        out = tmp_path / f"export-{n}.json"
        call_command("export_hsds", str(out), "--format", "json", stdout=StringIO())
        for doc in json.loads(out.read_text(encoding="utf-8")):
            problems = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
            assert not problems, problems

    import_and_export()
    package = tmp_path / "package"
    call_command("export_hsds", str(package), "--format", "csv", stdout=StringIO())
    report = frictionless_report(package)
    assert report["valid"], report["problems"][:10]
