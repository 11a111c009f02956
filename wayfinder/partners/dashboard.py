"""The organization dashboard's sections, filled in by the features that own them.

Staff start on their organization's dashboard (seeds: "Upon log in, kynect
resources users begin on their Organization's Dashboard. The Referral Inbox is
like an email inbox"). The referral inbox, and later the metrics (product 7.1),
live in apps above this one, so they register a section here from their
``AppConfig.ready()`` instead of being imported by name; the system check below
fails start-up when an expected section is missing, so a rename cannot silently
empty the dashboard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.checks import Error, register
from django.http import HttpRequest

# A section provider returns {"template": ..., "context": {...}}, or None to show nothing.
SectionProvider = Callable[[HttpRequest, object], "dict | None"]

# Sections the product requires on every dashboard (product 5.3, seeds).
REQUIRED_SECTIONS = ("referrals.inbox",)


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    provider: SectionProvider


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, provider: SectionProvider, *, order: int = 100) -> None:
    """Add (or replace, on a reload) the dashboard section ``key``; lower ``order`` shows first."""
    _SECTIONS[key] = Section(key, order, provider)


def sections_for(request: HttpRequest, organization) -> list[dict]:
    """The rendered-context of every section that has something to show, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        content = section.provider(request, organization)
        if content is not None:
            shown.append({"key": section.key, **content})
    return shown


@register()
def check_required_sections(app_configs, **kwargs) -> list[Error]:
    return [
        Error(
            f"The organization dashboard has no '{key}' section.",
            hint="The app that provides it registers it with partners.dashboard.register_section() in ready().",
            id="partners.E001",
        )
        for key in REQUIRED_SECTIONS
        if key not in _SECTIONS
    ]
