"""``POST /fhir/`` with a transaction or batch Bundle (docs/exchange.md, "Bundles").

Each entry is dispatched through the registry (``handler_for(type).create`` for
POST, ``.update`` for PUT ``Type/id``), so any registered type works inside a
bundle the way it works alone. Entries naming each other by ``fullUrl``
(``urn:uuid:...``, or an absolute URL) are resolved within the bundle: the
referenced entry is processed first (Patients, then authors, then the rest) and
references to it are rewritten to the id it was given here.

A **transaction** is all or nothing: the first entry refused rolls everything
back and the answer is that entry's OperationOutcome, its diagnostics and
expression naming ``Bundle.entry[i]`` and the rule. Its audit rows are appended
together at the end (``audit.log.appended_together``), in the same transaction. A
**batch** answers each entry on its own (a savepoint each), with its status and
OperationOutcome.

The entries share ``ctx.memo`` (the bundle's resources, and what handlers look up
again and again across entries: the rows they update, the patient a reference
names, the needs already locked); a batch entry that fails empties it, since what
it looked up or made inside its savepoint is gone.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.conf import settings
from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import appended_together, log_action

from .context import BUNDLE_RESOURCES, FhirContext
from .outcome import FhirError, issue, operation_outcome
from .registry import handler_for

MAX_ENTRIES_DEFAULT = 1000
# Referenced things first, so what refers to them can be rewritten to their ids.
ORDER = {"Patient": 0, "Organization": 1, "Practitioner": 1, "PractitionerRole": 2, "Location": 2}


class _Rollback(Exception):
    """Raised inside the transaction to undo it (carries the entry's refusal)."""

    def __init__(self, error: FhirError) -> None:
        super().__init__(error.diagnostics)
        self.error = error


def _entry_error(number: int, error: FhirError) -> FhirError:
    where = f"Bundle.entry[{number}]"
    expression = [
        f"{where}.resource.{path}" if not path.startswith("Bundle") else path for path in (error.expression or [])
    ]
    return FhirError(error.status, error.code, f"{where}: {error.diagnostics}", expression=expression or [where])


def _rewrite(value: Any, ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "reference" and isinstance(item, str) and item in ids:
                out[key] = ids[item]
            else:
                out[key] = _rewrite(item, ids)
        return out
    if isinstance(value, list):
        return [_rewrite(item, ids) for item in value]
    return value


def _entries(bundle: dict) -> list[tuple[int, dict]]:
    entries = bundle.get("entry")
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise FhirError(400, "structure", "Bundle.entry must be a list", expression=["Bundle.entry"])
    limit = getattr(settings, "FHIR_MAX_BUNDLE_ENTRIES", MAX_ENTRIES_DEFAULT)
    if len(entries) > limit:
        raise FhirError(413, "too-costly", f"a bundle may have at most {limit} entries ({len(entries)} sent)")
    checked = []
    for number, entry in enumerate(entries):
        where = f"Bundle.entry[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("resource"), dict):
            checked.append(
                (
                    number,
                    {
                        "_error": FhirError(
                            400, "required", f"{where}: a resource is required", expression=[f"{where}.resource"]
                        )
                    },
                )
            )
            continue
        checked.append((number, entry))
    return checked


def _one(ctx: FhirContext, number: int, entry: dict, ids: dict[str, str]) -> dict:
    """Process one entry; returns its response entry. Raises FhirError naming the entry."""
    if "_error" in entry:
        raise entry["_error"]
    where = f"Bundle.entry[{number}]"
    resource = _rewrite(entry["resource"], ids)
    kind = resource.get("resourceType")
    request: dict[str, Any] = entry["request"] if isinstance(entry.get("request"), dict) else {}
    method = str(request.get("method") or "POST").upper()
    url = str(request.get("url") or kind or "")
    try:
        handler = handler_for(str(kind))
        if method == "POST":
            if handler.create is None:
                raise FhirError(405, "not-supported", f"{kind} cannot be created here")
            stored = handler.create(ctx, resource)
        elif method == "PUT":
            target_type, _slash, resource_id = url.split("?")[0].rstrip("/").rpartition("/")
            if not resource_id or target_type.rpartition("/")[2] != kind:
                raise FhirError(
                    400, "invalid", f"request.url {url!r} must be {kind}/<id>", expression=["Bundle.entry.request.url"]
                )
            if handler.update is None:
                raise FhirError(405, "not-supported", f"{kind} cannot be updated here")
            if_match = str(request.get("ifMatch") or "")
            if if_match and handler.read is not None:
                current = handler.read(ctx, resource_id)
                version = str((current.get("meta") or {}).get("versionId", ""))
                if if_match.strip() not in (f'W/"{version}"', f'"{version}"', version):
                    raise FhirError(412, "conflict", f"version {version} is current, not {if_match}")
            stored = handler.update(ctx, resource_id, resource)
        else:
            raise FhirError(
                405,
                "not-supported",
                f"request.method {method} is not handled in bundles (POST and PUT are)",
                expression=["Bundle.entry.request.method"],
            )
    except FhirError as error:
        raise _entry_error(number, error) from None
    version = str((stored.get("meta") or {}).get("versionId", "1"))
    reference = f"{stored['resourceType']}/{stored['id']}"
    for alias in (entry.get("fullUrl"), f"{kind}/{resource.get('id')}" if resource.get("id") else None):
        if isinstance(alias, str) and alias:
            ids[alias] = reference
    response: dict[str, Any] = {
        "status": "201 Created" if version == "1" else "200 OK",
        "location": f"{reference}/_history/{version}",
        "etag": f'W/"{version}"',
    }
    if (stored.get("meta") or {}).get("lastUpdated"):
        response["lastModified"] = stored["meta"]["lastUpdated"]
    if ctx.warnings:
        response["outcome"] = operation_outcome(list(ctx.warnings))
    out: dict[str, Any] = {"response": response}
    if entry.get("fullUrl"):
        out["fullUrl"] = entry["fullUrl"]
    if "return=representation" in ctx.request.headers.get("Prefer", ""):
        out["resource"] = stored
    del where
    return out


def _ordered(entries: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    def key(item: tuple[int, dict]) -> tuple[int, int]:
        number, entry = item
        kind = (entry.get("resource") or {}).get("resourceType") if "_error" not in entry else None
        return (ORDER.get(str(kind), 3), number)

    return sorted(entries, key=key)


def process_bundle(ctx: FhirContext, bundle: dict) -> dict:
    """Answer a transaction or batch Bundle with its -response Bundle."""
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FhirError(400, "invalid", "POST /fhir/ takes a Bundle", expression=["resourceType"])
    kind = bundle.get("type")
    if kind not in ("transaction", "batch"):
        raise FhirError(
            400, "value", f"Bundle.type must be transaction or batch, not {kind!r}", expression=["Bundle.type"]
        )
    entries = _entries(bundle)
    resources = [entry["resource"] for _number, entry in entries if "_error" not in entry]
    ctx.memo[BUNDLE_RESOURCES] = resources
    ids: dict[str, str] = {}
    answers: dict[int, dict] = {}
    if kind == "transaction":
        try:
            with transaction.atomic(), appended_together():
                for number, entry in _ordered(entries):
                    answers[number] = _one(dataclasses.replace(ctx, warnings=[]), number, entry, ids)
                _audit(ctx, kind, len(entries), len(entries))
        except FhirError as error:
            raise error from None
    else:
        stored = 0
        for number, entry in _ordered(entries):
            try:
                with transaction.atomic():
                    answers[number] = _one(dataclasses.replace(ctx, warnings=[]), number, entry, ids)
                    stored += 1
            except FhirError as error:
                ctx.memo.clear()
                ctx.memo[BUNDLE_RESOURCES] = resources
                answers[number] = {
                    "response": {
                        "status": str(error.status),
                        "outcome": operation_outcome(
                            [issue(error.severity, error.code, error.diagnostics, error.expression)]
                        ),
                    }
                }
        with transaction.atomic():
            _audit(ctx, kind, len(entries), stored)
    return {
        "resourceType": "Bundle",
        "type": f"{kind}-response",
        "entry": [answers[number] for number, _entry in entries],
    }


def _audit(ctx: FhirContext, kind: str, entries: int, stored: int) -> None:
    client = ctx.grant.client
    log_action(
        None,
        names.HIE_BUNDLE_RECEIVED,
        client,
        actor_label=client.name,
        data={"client": client.client_id, "type": kind, "entries": entries, "stored": stored},
    )
