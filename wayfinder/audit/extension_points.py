"""What the accounts app plugs into the audit log (wayfinder.lib.extension_points).

The audit log sits below every app that writes (accounts included), so it learns
an actor's organization and role through this point instead of importing accounts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

# user -> (organization id, role) for the audit row's actor columns.
ACTOR_ROLE: ExtensionPoint[Callable[[Any], tuple[str, str]]] = ExtensionPoint(
    "audit.actor_role",
    "The organization and role an audit entry records for its actor.",
    required={"accounts": "docs/security.md, Audit log: every audit entry names the actor's organization and role"},
)


def actor_role(user: Any) -> tuple[str, str]:
    for function in ACTOR_ROLE:
        return function(user)
    return "", ""
