"""What other apps plug into the access layer (wayfinder.lib.extension_points)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

# user -> the URL of a step they must complete before any staff page, or None.
STAFF_GATES: ExtensionPoint[Callable[[Any], str | None]] = ExtensionPoint(
    "accounts.staff_gates",
    "Steps a staff member must complete before any staff page (the partners app's onboarding).",
    required={
        "partners": "security.md: people who joined through an invitation accept the user agreement and "
        "finish the trainings before any client, consent or referral page"
    },
)
