"""Which Task changes a Subscription is told about: its topic filters (docs/exchange.md,
"Referrals as Task").

A subscriber says what it wants in either of the two forms clients send:

- classic R4: ``criteria`` is a Task search, ``Task?owner=Organization/<id>&status=completed``
  (or just ``Task`` for every change);
- the R4 Subscriptions backport: ``criteria`` is the SDOHCC Task topic's canonical URL and
  each ``_criteria`` ``backport-filter-criteria`` extension is such a search.

The filters are the topic's (``code``, ``owner``, ``requester``, ``status``) plus ``_id``,
``patient`` and ``focus``, read exactly as Task search reads them (handlers.filter_tasks),
so a subscription is told of the changes to the Tasks its criteria would find by
polling. Anything else (another resource type, an unknown parameter, a modifier such as
``status:not``, an empty value, a status that is not a TaskStatus code) is refused with a
422 OperationOutcome naming the parameter: a filter silently ignored would notify about
everything the subscriber asked not to hear about.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from ..fhir.outcome import FhirError
from .handlers import filter_tasks
from .models import TaskRecord
from .status import TASK_STATUSES

TASK_TOPIC = "http://hl7.org/fhir/us/sdoh-clinicalcare/SubscriptionTopic/Task"
FILTER_EXTENSION = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria"
SUPPORTED = ("_id", "code", "focus", "owner", "patient", "requester", "status")
EXPRESSION = ["Subscription.criteria"]


def _refuse(text: str) -> FhirError:
    return FhirError(422, "not-supported", f"Subscription.criteria: {text}", expression=EXPRESSION)


def _searches(resource: dict[str, Any]) -> list[str]:
    """The Task searches in ``resource``'s criteria (either form)."""
    criteria = resource.get("criteria")
    if not isinstance(criteria, str) or not criteria.strip():
        raise _refuse(f"required: a Task search (Task?owner=...) or the topic {TASK_TOPIC}")
    criteria = criteria.strip()
    if criteria == TASK_TOPIC:
        found = []
        for ext in (resource.get("_criteria") or {}).get("extension") or []:
            if isinstance(ext, dict) and ext.get("url") == FILTER_EXTENSION:
                value = ext.get("valueString")
                if not isinstance(value, str):
                    raise _refuse("a backport-filter-criteria extension needs a valueString")
                found.append(value.strip())
        return found
    return [criteria]


def parse(resource: dict[str, Any]) -> list[str]:
    """The Subscription's filters as ``name=value`` strings (empty: every Task change).
    Refuses (422) criteria this server cannot honour, naming the parameter."""
    filters: list[str] = []
    for search in _searches(resource):
        kind, _sep, query = search.partition("?")
        if kind.rstrip("/").split("/")[-1] != "Task":
            raise _refuse(f"only Task changes can be subscribed to, not {kind!r}")
        for name, value in parse_qsl(query, keep_blank_values=True):
            base, has_modifier, _modifier = name.partition(":")
            if base not in SUPPORTED:
                raise _refuse(f"the parameter {name!r} is not supported; supported: {', '.join(SUPPORTED)}")
            if has_modifier:
                raise _refuse(f"the modifier in {name!r} is not supported")
            if not value.strip():
                raise _refuse(f"the parameter {name!r} has no value")
            if base == "status":
                unknown = [v for v in value.split(",") if v.strip() not in TASK_STATUSES]
                if unknown:
                    raise _refuse(f"status {unknown[0]!r} is not a Task status")
            try:
                filter_tasks(TaskRecord.objects.none(), base, value)
            except FhirError as error:
                raise _refuse(f"the parameter {name!r}: {error.diagnostics}") from None
            filters.append(f"{base}={value}")
    return filters


def matches(filters: list[str], record: TaskRecord) -> bool:
    """Whether the Task passes every filter (the same query Task search would run)."""
    if not filters:
        return True
    qs = TaskRecord.objects.filter(pk=record.pk)
    for item in filters:
        name, _sep, value = item.partition("=")
        qs = filter_tasks(qs, name, value)
    return qs.exists()
