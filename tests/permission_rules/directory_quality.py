"""Directory freshness and problem reports (issue #21 item 3). The service pages'
"this did not work" is open to everyone; the organization's "still correct" and its
problem reports are its admins'; the reviewers' page is theirs. Objects that do not
exist are a 404 for those who may act at all. The reminder email's signed "still
correct" link works for whoever holds it, signed in or not (it acts as the admin it
was sent to); a guessed token is a 404 for everyone. Behaviour:
wayfinder/directory/tests/test_freshness.py, wayfinder/partners/tests/test_still_correct_link.py."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.permission_rules.directory import SERVICE, service_exists
from tests.permission_table import Rule, everyone, only

MISSING = "00000000-0000-4000-8000-000000000000"
REVIEWERS = ("reviewer", "system_admin")
ADMIN = ("org_admin",)


def _still_correct_path() -> str:
    from wayfinder.demo.personas import PERSONAS
    from wayfinder.partners.still_correct import make_token

    [admin] = [p.email for p in PERSONAS if p.key == "food_bank_admin"]
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)  # the same in every worker
    return f"/partners/still-correct/{make_token(SERVICE, admin, issued_at=today)}/"


STILL_CORRECT = _still_correct_path()
GUESSED = "/partners/still-correct/not-a-real-token/"

RULES = [
    Rule("partners:still_correct", STILL_CORRECT, everyone(200), prepare=service_exists),
    Rule("partners:still_correct", STILL_CORRECT, everyone(200), method="POST", prepare=service_exists),
    Rule("partners:still_correct", GUESSED, everyone(404), audited_404=False),
    Rule("partners:still_correct", GUESSED, everyone(404), method="POST", audited_404=False),
    Rule("directory:did_not_work", f"/services/{SERVICE}/did-not-work/", everyone(302), method="POST",
         data={"reason": "no_answer"}, prepare=service_exists),
    Rule("partners:service_verify", f"/partners/workspace/organization/services/{MISSING}/verify/",
         only(ADMIN, 404), method="POST"),
    Rule("partners:organization_problem_update", f"/partners/workspace/organization/problems/{MISSING}/",
         only(ADMIN, 404), method="POST", data={"status": "fixed"}),
    Rule("partners:directory_quality", "/partners/review/directory/", only(REVIEWERS)),
    Rule("partners:reviewer_problem_update", f"/partners/review/problems/{MISSING}/", only(REVIEWERS, 404),
         method="POST", data={"status": "fixed"}),
    Rule("partners:reviewer_verify", f"/partners/review/services/{MISSING}/verify/", only(REVIEWERS, 404),
         method="POST"),
]  # fmt: skip
