"""What other apps plug into the consent rules (wayfinder.lib.extension_points)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

# (organization, resident) -> bool: a link between them that lets the organization
# see the limited record without consent. The provider's ``label`` is the legal
# basis written to the audit log ("referral").
LIMITED_ACCESS_LINKS: ExtensionPoint[Callable[[Any, Any], bool]] = ExtensionPoint(
    "consent.limited_access_links",
    "Links between an organization and a resident that give the organization the limited record.",
    required={
        "referrals": "docs/product.md 4.3: a referral lets the sending and the receiving organization see the limited "
        "record of the resident it is about (referrals never need consent)",
    },
)
