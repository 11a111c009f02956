"""FHIR errors as OperationOutcome resources (docs/exchange.md, "Errors").

Everything under /fhir/ that refuses a request raises ``FhirError``; the views turn
it into an OperationOutcome with the HTTP status, so a client always gets a
machine-readable reason naming the rule and, where there is one, the element
(``expression``) that broke it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse

FHIR_JSON = "application/fhir+json"

# The IssueType codes the server uses (http://hl7.org/fhir/issue-type).
ISSUE_TYPES = frozenset(
    {
        "invalid",
        "structure",
        "required",
        "value",
        "invariant",
        "security",
        "login",
        "forbidden",
        "not-found",
        "conflict",
        "processing",
        "not-supported",
        "too-costly",
        "code-invalid",
        "business-rule",
        "duplicate",
        "informational",
        "exception",
    }
)


class FhirError(Exception):
    """A refusal: HTTP ``status``, an IssueType ``code`` and a sentence saying why."""

    def __init__(
        self,
        status: int,
        code: str,
        diagnostics: str,
        *,
        expression: list[str] | None = None,
        severity: str = "error",
        issues: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(diagnostics)
        self.status = status
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression
        self.severity = severity
        # Further issues reported with the first (e.g. every failed entry of a bundle).
        self.extra_issues = list(issues or [])

    def issues(self) -> list[dict[str, Any]]:
        return [issue(self.severity, self.code, self.diagnostics, self.expression), *self.extra_issues]


def issue(severity: str, code: str, diagnostics: str, expression: list[str] | None = None) -> dict[str, Any]:
    """One OperationOutcome.issue."""
    entry: dict[str, Any] = {"severity": severity, "code": code, "diagnostics": diagnostics}
    if expression:
        entry["expression"] = list(expression)
    return entry


def operation_outcome(issues: list[dict[str, Any]]) -> dict[str, Any]:
    """An OperationOutcome resource holding ``issues`` (at least one: FHIR requires it)."""
    if not issues:
        issues = [issue("information", "informational", "All OK")]
    return {"resourceType": "OperationOutcome", "issue": issues}


def fhir_response(
    body: dict[str, Any] | None, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    """A FHIR JSON response (``body`` None for an empty one, e.g. Prefer: return=minimal)."""
    content = b"" if body is None else json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(content, status=status, content_type=f"{FHIR_JSON}; charset=utf-8")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome_response(error: FhirError) -> HttpResponse:
    """The OperationOutcome for ``error``, with its status (and WWW-Authenticate on a 401)."""
    headers = {}
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="fhir", error="invalid_token"'
    return fhir_response(operation_outcome(error.issues()), status=error.status, headers=headers)
