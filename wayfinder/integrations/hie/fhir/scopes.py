"""SMART scopes for backend clients (docs/exchange.md, "Authentication").

A backend client asks for ``system/<Type>.<access>`` scopes. Both notations are read:
SMART v1 (``.read``, ``.write``, ``.*``) and v2 (``.cruds`` letters, e.g. ``.rs``,
``.cud``). ``read`` access is the v2 ``r`` or ``s`` letter; ``write`` is ``c`` or
``u``; ``delete`` is ``d`` (v1 ``.write`` includes it; only Subscriptions can be
deleted). A v2 scope's search constraint (``?category=...``) is not supported: such a
scope is ignored rather than widened to the whole type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCOPE = re.compile(r"^system/(?P<type>\*|[A-Z][A-Za-z]+)\.(?P<access>read|write|\*|c?r?u?d?s?)$")
_V1 = {"read": frozenset("rs"), "write": frozenset("cud"), "*": frozenset("cruds")}
ACCESS_LETTERS = {"read": frozenset("rs"), "write": frozenset("cu"), "delete": frozenset("d")}


@dataclass(frozen=True)
class Scope:
    resource_type: str  # "*" for every type
    letters: frozenset[str]


def parse(scope: str) -> Scope | None:
    """The scope's resource type and v2 letters, or None for anything else."""
    match = _SCOPE.match(scope)
    if match is None or not match["access"]:
        return None
    access = match["access"]
    letters = _V1.get(access, frozenset(access))
    return Scope(match["type"], letters)


def allows(scopes: frozenset[str], resource_type: str, access: str) -> bool:
    """Whether any of ``scopes`` grants ``access`` ("read", "write" or "delete") on ``resource_type``."""
    wanted = ACCESS_LETTERS[access]
    for raw in scopes:
        scope = parse(raw)
        if scope and scope.resource_type in ("*", resource_type) and scope.letters & wanted:
            return True
    return False


def covers(broad: Scope, narrow: Scope) -> bool:
    return broad.resource_type in ("*", narrow.resource_type) and narrow.letters <= broad.letters


def intersect(requested: str, allowed: frozenset[str]) -> list[str]:
    """The scopes to grant: each requested scope an allowed scope covers, as asked;
    a requested scope broader than what is allowed is cut down to the allowed
    scopes inside it (``system/*.read`` with only Observation.read allowed grants
    that). Unknown scopes are dropped."""
    allowed_parsed = [(raw, parse(raw)) for raw in sorted(allowed)]
    granted: list[str] = []
    for raw in requested.split():
        wanted = parse(raw)
        if wanted is None:
            continue
        if any(scope and covers(scope, wanted) for _, scope in allowed_parsed):
            granted.append(raw)
            continue
        for allowed_raw, scope in allowed_parsed:
            if scope is None or wanted.resource_type not in ("*", scope.resource_type):
                continue
            letters = scope.letters & wanted.letters
            if letters:
                granted.append(allowed_raw if letters == scope.letters else _format(scope.resource_type, letters))
    return sorted(dict.fromkeys(granted))


def _format(resource_type: str, letters: frozenset[str]) -> str:
    return f"system/{resource_type}." + "".join(ch for ch in "cruds" if ch in letters)
