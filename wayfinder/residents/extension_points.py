"""What other apps plug into the resident's pages (wayfinder.lib.extension_points).

A section is ``{"template": ..., "context": {...}}`` or None (nothing to show); the
provider's key names the place on the page ("referrals", "assessments")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

Section = dict[str, Any] | None

# (resident, access) -> Section: the staff record page, cut to what ``access`` allows.
RECORD_SECTIONS: ExtensionPoint[Callable[[Any, Any], Section]] = ExtensionPoint(
    "residents.record_sections",
    "Sections of the resident record page that other features own (referrals, assessments).",
    required={"referrals": "docs/product.md 4.1: the record page lists the resident's referrals"},
)

# (resident) -> Section: My Plan and its printed history, the resident's own view.
MY_PLAN_SECTIONS: ExtensionPoint[Callable[[Any], Section]] = ExtensionPoint(
    "residents.my_plan_sections",
    "Sections of My Plan (and its printed history) that other features own.",
    required={"referrals": "docs/product.md 4.6: My Plan shows the resident's referrals and their outcomes"},
)


def record_sections(resident: Any, access: Any) -> dict[str, Section]:
    return {provider.key: provider.function(resident, access) for provider in RECORD_SECTIONS.providers()}


def my_plan_sections(resident: Any) -> dict[str, Section]:
    return {provider.key: provider.function(resident) for provider in MY_PLAN_SECTIONS.providers()}


# A link in My Plan's menu: ``{"url": ..., "label": ...}`` or None (not for this resident).
Link = dict[str, str] | None

# (resident) -> Link: pages of My Plan that other features own (the exchange's sharing
# choice, docs/security.md "Sharing with the health information exchange").
MY_PLAN_LINKS: ExtensionPoint[Callable[[Any], Link]] = ExtensionPoint(
    "residents.my_plan_links",
    "Links in My Plan's menu to the resident's own pages that other features own.",
)


def my_plan_links(resident: Any) -> list[dict[str, str]]:
    """The menu links other features add for ``resident``, in the providers' order."""
    links = (provider.function(resident) for provider in MY_PLAN_LINKS.providers())
    return [link for link in links if link]


# (resident) -> None: the resident's name changed; bring copies of it up to date. Called
# by ``Resident.save`` inside the transaction that saves the new name.
NAME_CHANGED: ExtensionPoint[Callable[[Any], None]] = ExtensionPoint(
    "residents.name_changed",
    "Copies of a resident's name kept by other features, brought up to date when the name changes.",
    required={"referrals": "docs/product.md 5.3: the inbox finds a client by their current name"},
)


def name_changed(resident: Any) -> None:
    for function in NAME_CHANGED:
        function(resident)
