"""Clients, consent and My Plan (issue #6).

Amy Brand's record (a state eligibility record) is visible to staff of every
onboarded organization: in full to the food bank (org_staff / org_admin, which hold
her consent), limited to the family center (other_org_staff, no consent). Notes of
a record without consent do not exist for that organization (404). Revocation and
Part 2 cases need extra setup: wayfinder/consent/tests/test_access_table.py.
"""

from __future__ import annotations

from tests.permission_table import Rule, everyone, only

AMY = "5a1d0c0e-0000-4000-8000-000000000001"
WORKERS = ("org_staff", "org_admin", "other_org_staff")
RESIDENT_ONLY = only(("resident",))

RULES = [
    Rule(
        "residents:client_search",
        "/clients/?first_name=Amy&last_name=Brand&date_of_birth=1988-04-12",
        only(WORKERS),
        reads_resident=True,
    ),
    Rule("residents:create", "/clients/new/", only(WORKERS)),
    Rule("residents:detail", f"/clients/{AMY}/", only(WORKERS), reads_resident=True),
    Rule(
        "residents:add_note",
        f"/clients/{AMY}/notes/",
        {**only(WORKERS, 302), "other_org_staff": 404},
        method="POST",
        data={"body": "Called about the pantry schedule."},
    ),
    Rule(
        "residents:access_log_export",
        f"/clients/access-log/?resident={AMY}",
        only(("system_admin",)),
        reads_resident=True,
    ),
    Rule("consent:request", f"/consent/request/{AMY}/", only(WORKERS), reads_resident=True),
    Rule("consent:add_contact", f"/consent/contact/{AMY}/", only(WORKERS), reads_resident=True),
    Rule(
        "consent:add_contact",
        f"/consent/contact/{AMY}/",
        only(WORKERS, 400),
        method="POST",
        data={"kind": "email", "value": "not an address"},
    ),
    Rule("consent:verbal", f"/consent/verbal/{AMY}/", only(WORKERS), reads_resident=True),
    # Links with a token that does not exist: nothing protected is refused.
    Rule("consent:respond", "/consent/r/not-a-real-token/", everyone(404), audited_404=False),
    Rule(
        "consent:respond",
        "/consent/r/not-a-real-token/",
        everyone(404),
        method="POST",
        data={"decision": "grant"},
        audited_404=False,
    ),
    Rule("consent:verify_contact", "/consent/v/not-a-real-token/", everyone(404), audited_404=False),
    Rule(
        "consent:verify_contact",
        "/consent/v/not-a-real-token/",
        everyone(404),
        method="POST",
        data={"decision": "mine"},
        audited_404=False,
    ),
    Rule("consent:revoke_link", "/consent/x/not-a-real-token/", everyone(404), audited_404=False),
    Rule("consent:revoke_link", "/consent/x/not-a-real-token/", everyone(404), method="POST", audited_404=False),
    Rule("my_plan:home", "/my-plan/", RESIDENT_ONLY),
    # Amy is connected already: the connect page sends her to My Plan.
    Rule("my_plan:link", "/my-plan/connect/", only(("resident",), 302)),
    Rule("my_plan:consents", "/my-plan/consents/", RESIDENT_ONLY),
    Rule("my_plan:grant", "/my-plan/consents/grant/", only(("resident",), 400), method="POST"),
    Rule(
        "my_plan:revoke",
        "/my-plan/consents/00000000-0000-4000-8000-000000000000/revoke/",
        only(("resident",), 404),
        method="POST",
    ),
    Rule("my_plan:access_log", "/my-plan/who-viewed/", RESIDENT_ONLY),
    Rule("my_plan:privacy", "/my-plan/privacy/", RESIDENT_ONLY),
    Rule("my_plan:print", "/my-plan/history.pdf", RESIDENT_ONLY),
    # --- a row per method (issue #15): the forms posted empty show their errors ---------
    Rule("residents:create", "/clients/new/", only(WORKERS), method="POST"),
    Rule("consent:request", f"/consent/request/{AMY}/", only(WORKERS), method="POST"),
    Rule("consent:verbal", f"/consent/verbal/{AMY}/", only(WORKERS), method="POST"),
    Rule("my_plan:link", "/my-plan/connect/", only(("resident",), 302), method="POST"),
    Rule("my_plan:privacy", "/my-plan/privacy/", RESIDENT_ONLY, method="POST"),
]
