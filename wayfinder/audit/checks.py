"""``check --deploy``: the application's PostgreSQL role must not be able to rewrite the audit trail."""

from __future__ import annotations

from django.core.checks import Error, Tags, register
from django.db import DatabaseError, connection

from .roles import role_problems


@register(Tags.security, deploy=True)
def application_database_role(app_configs=None, **kwargs) -> list[Error]:
    if connection.vendor != "postgresql":
        return []
    try:
        problems = role_problems(connection)
    except DatabaseError:  # no database reachable: other checks and /healthz say so
        return []
    return [
        Error(
            problem,
            hint="Connect as a role that owns nothing (docs/operations.md, PostgreSQL roles); "
            "run migrations as the owner, then `manage.py grant_app_role ROLE`.",
            id="audit.E001",
        )
        for problem in problems
    ]
