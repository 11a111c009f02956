"""The resident's sharing choice with the exchange in My Plan (docs/security.md,
"Sharing with the health information exchange"): the signed-in resident only; staff
are refused, anonymous people sent to sign in. Posted empty, the form answers with
its error (400) and changes nothing."""

from __future__ import annotations

from tests.permission_table import Rule, only

PAGE = "/my-plan/health-information-exchange/"

RULES = [
    Rule("hie_my_plan:sharing", PAGE, only(("resident",))),
    Rule("hie_my_plan:sharing", PAGE, only(("resident",), 400), method="POST"),
]
