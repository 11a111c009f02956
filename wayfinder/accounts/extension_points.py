"""What other apps plug into the account flows (wayfinder.lib.extension_points)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

# user -> URL of the person's next required step, or None. "Continue" at the end
# of MFA set-up goes there first (accounts.next_steps), and every staff page sends
# the person there until it is done (accounts.access).
NEXT_REQUIRED_STEP: ExtensionPoint[Callable[[Any], str | None]] = ExtensionPoint(
    "accounts.next_required_step",
    "Where a person must go next once MFA set-up is done, before any staff page.",
    required={
        "partners": "docs/product.md 3.2: after MFA enrolment a new partner goes on to the user agreement and the "
        "three trainings, and finishes them before any client, consent or referral page",
    },
)
