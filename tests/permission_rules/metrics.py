"""Metrics (issue #18): dashboards, statewide and public figures, the incentive report.

An organization's dashboard takes its organization from the membership (no id in
the URL), so every member sees only their own; statewide figures are for state
agency staff (tested in wayfinder/metrics/tests/test_pages.py, no such role
here), United Way and system administrators; the incentive report for reviewers
and system administrators; the public page for anyone.
"""

from __future__ import annotations

from tests.permission_table import Rule, everyone, only

MEMBERS = ("org_staff", "org_admin", "other_org_staff")
STATEWIDE = ("reviewer", "specialist", "system_admin")
INCENTIVES = ("reviewer", "system_admin")


def public_figures_exist(personas: dict) -> None:
    from wayfinder.metrics.public import compute_snapshot

    compute_snapshot()


RULES = [
    Rule("metrics:organization", "/metrics/", only(MEMBERS)),
    Rule("metrics:organization_csv", "/metrics/table/outcomes.csv", only(MEMBERS)),
    Rule("metrics:statewide", "/metrics/statewide/", only(STATEWIDE)),
    Rule("metrics:statewide_csv", "/metrics/statewide/headline.csv", only(STATEWIDE)),
    Rule("metrics:public", "/metrics/public/", everyone(200)),
    Rule("metrics:public_csv", "/metrics/public/headline.csv", everyone(200), prepare=public_figures_exist),
    Rule("metrics:definitions", "/metrics/definitions/", everyone(200)),
    Rule("metrics:incentive_reports", "/metrics/incentives/", only(INCENTIVES)),
    Rule("metrics:held_items", "/metrics/incentives/held/", only(INCENTIVES)),
    # Nothing chosen: back to the list with a message.
    Rule("metrics:decide_held", "/metrics/incentives/held/decide/", only(INCENTIVES, 302), method="POST"),
    Rule("metrics:incentive_report", "/metrics/incentives/999999/", only(INCENTIVES, 404)),
    Rule("metrics:incentive_csv", "/metrics/incentives/999999/payments.csv", only(INCENTIVES, 404)),
    Rule("metrics:incentive_pdf", "/metrics/incentives/999999/statements.pdf", only(INCENTIVES, 404)),
]
