"""The directory's own writes from its public pages (each atomic and audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from .models import ProblemReport, Service


@transaction.atomic
def report_problem(
    *, service: Service, actor: Any, kind: str, details: str = "", contact: str = "", language: str = ""
) -> ProblemReport:
    """A visitor says a service's information is wrong; a reviewer checks it. The
    audit entry records the kind only: details and contact are the visitor's words."""
    report = ProblemReport.objects.create(
        service=service, kind=kind, details=details, contact=contact, language=language[:8]
    )
    log_action(
        actor if getattr(actor, "is_authenticated", False) else None,
        names.DIRECTORY_PROBLEM_REPORTED,
        report,
        actor_label="" if getattr(actor, "is_authenticated", False) else "anonymous",
        data={"service": str(service.pk), "kind": kind},
    )
    return report
