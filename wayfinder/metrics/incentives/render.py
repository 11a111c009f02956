"""The report as files: a CSV for United Way's payments and a printable PDF.

Both are drawn from the stored snapshot alone, so a past month prints exactly as
it was paid. The CSV is always in English (it is read by a payments system, and
a reprint must be byte-identical whatever the reader's language).
"""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils import translation

from wayfinder.lib import csv_safe

from ..models import IncentiveReport
from .eligibility import REASONS

CSV_COLUMNS = (
    "month", "version", "report_sha256", "organization_id", "organization", "ein", "mailing_address", "eligible",
    "exclusion_reason", "onboarding", "closed_referrals", "assessments", "released_closed_referrals",
    "released_assessments", "held_for_review", "amount_usd",
)  # fmt: skip


def dollars(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def csv_bytes(report: IncentiveReport) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv_safe.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    with translation.override("en"):
        for row in report.rows:
            writer.writerow(
                [
                    f"{report.month:%Y-%m}", report.version, report.sha256, row["organization_id"], row["name"],
                    row["ein"], row["mailing_address"], "yes" if row["eligible"] else "no",
                    str(REASONS.get(row["exclusion"], row["exclusion"])) if row["exclusion"] else "",
                    row["onboarding"], row["closures"], row["assessments"], row["released_closures"],
                    row["released_assessments"], row["held"], dollars(row["amount_cents"]),
                ]
            )  # fmt: skip
    return buffer.getvalue().encode("utf-8")


def statement_context(report: IncentiveReport) -> dict:
    rows = [
        dict(row, amount=dollars(row["amount_cents"]), reason=str(REASONS.get(row["exclusion"], "")))
        for row in report.rows
    ]
    return {
        "report": report,
        "rows": rows,
        "paid": [row for row in rows if row["eligible"] and (row["amount_cents"] or row["held"])],
        "excluded": [row for row in rows if not row["eligible"]],
        "total": dollars(report.total_cents),
        "rules": report.rules,
        "onboarding_amount": dollars(report.rules["onboarding_cents"]),
        "referral_amount": dollars(report.rules["closed_referral_cents"]),
        "assessment_amount": dollars(report.rules["assessment_cents"]),
    }


def pdf_bytes(report: IncentiveReport) -> bytes:
    """Per-organization statements, one page each, after a summary page."""
    from weasyprint import HTML

    html = render_to_string("metrics/incentives/statements.html", statement_context(report))
    return HTML(string=html).write_pdf()
