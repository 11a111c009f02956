"""The menus a signed-in person sees, built from the same rules as the access checks.

Each entry names the predicate its page's decorator asks, so a link is shown
exactly when the page would open for this person: a staff member never sees
"Staff" (admins only), staff of an organization that has not onboarded never see
the referral inbox, a resident never sees the workspace. The pages themselves
still check; this only keeps the menu honest (issue #14: links that answered with
a bare "403 Forbidden").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wayfinder.accounts import access, roles
from wayfinder.accounts.models import GlobalRole, Membership


def _workspace(request: HttpRequest) -> bool:
    """Partner pages (``access.partner_member_required``): an acting membership."""
    return access.acting_membership(request.user) is not None


def _workspace_admin(request: HttpRequest) -> bool:
    """Partner admin pages (``access.partner_admin_required``)."""
    membership = access.acting_membership(request.user)
    return membership is not None and membership.role == Membership.Role.ADMIN


def _client_tools(request: HttpRequest) -> bool:
    """Referrals and clients (``access.staff_required``): staff of an onboarded organization."""
    return access.onboarded_organization(request.user) is not None


def _statewide_metrics(request: HttpRequest) -> bool:
    from wayfinder.metrics.rules import may_see_statewide

    return may_see_statewide(request.user)


def _incentive_reports(request: HttpRequest) -> bool:
    from wayfinder.metrics.rules import may_see_incentives

    return may_see_incentives(request.user)


def _reviewer(request: HttpRequest) -> bool:
    return access.holds_global_role(request.user, GlobalRole.Role.REVIEWER)


def _specialist(request: HttpRequest) -> bool:
    return access.holds_global_role(request.user, GlobalRole.Role.SPECIALIST)


def _system_admin(request: HttpRequest) -> bool:
    return access.holds_global_role(request.user, GlobalRole.Role.SYSTEM_ADMIN)


def _django_admin(request: HttpRequest) -> bool:
    from django.contrib import admin

    return admin.site.has_permission(request)


def _resident(request: HttpRequest) -> bool:
    return roles.is_resident_user(request.user)


def _signed_in(request: HttpRequest) -> bool:
    return request.user.is_authenticated


def _everyone(request: HttpRequest) -> bool:
    return True


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    allowed: Callable[[HttpRequest], bool]


WORKSPACE_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("partners:dashboard", _("Dashboard"), _workspace),
    MenuEntry("referrals:inbox", _("Referral inbox"), _client_tools),
    MenuEntry("referrals:outbox", _("Referrals sent"), _client_tools),
    MenuEntry("residents:client_search", _("Clients"), _client_tools),
    MenuEntry("partners:favorites", _("Favorites"), _workspace),
    MenuEntry("partners:organization", _("Organization"), _workspace),
    MenuEntry("partners:staff", _("Staff"), _workspace_admin),
    MenuEntry("referrals:notification_settings", _("Referral notifications"), _workspace_admin),
    # metrics: partner_member_required, the workspace's rule.
    MenuEntry("metrics:organization", _("Referral dashboard"), _workspace),
    MenuEntry("metrics:statewide", _("Statewide metrics"), _statewide_metrics),
    MenuEntry("metrics:incentive_reports", _("Incentive reports"), _incentive_reports),
    MenuEntry("partners:review_queue", _("Site claims to review"), _reviewer),
    MenuEntry("partners:change_history", _("Partner edits"), _reviewer),
    MenuEntry("referrals:specialist_queue", _("Referral follow-ups"), _specialist),
    MenuEntry("residents:access_log_export", _("Resident access logs"), _system_admin),
)

ACCOUNT_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("directory:my_list", _("My list"), _everyone),
    MenuEntry("my_plan:home", _("My Plan"), _resident),
    MenuEntry("accounts:home", _("My account"), _signed_in),
    MenuEntry("admin:index", _("Administration"), _django_admin),
)


@dataclass(frozen=True)
class MenuLink:
    url: str
    label: str
    current: bool


def links(request: HttpRequest, entries: tuple[MenuEntry, ...]) -> list[MenuLink]:
    """The entries this person may open, with the current page marked."""
    if not request.user.is_authenticated:
        return [MenuLink(reverse(e.url_name), e.label, False) for e in entries if e.allowed is _everyone]
    result = []
    for entry in entries:
        if entry.allowed(request):
            url = reverse(entry.url_name)
            result.append(MenuLink(url, entry.label, request.path == url))
    return result


class Menus:
    """``workspace`` and ``account``, each computed when a template first reads it:
    the error page for 500 reads neither, and a page of the public layout (a
    resident's) only the account menu, so the workspace's fifteen checks (a
    millisecond on "Resources suggested for me") are not made for it."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request

    @cached_property
    def workspace(self) -> list[MenuLink]:
        return links(self._request, WORKSPACE_MENU)

    @cached_property
    def account(self) -> list[MenuLink]:
        return links(self._request, ACCOUNT_MENU)


def menu(request: HttpRequest) -> dict:
    """Context processor: ``wf_menu.workspace`` and ``wf_menu.account`` (``Menus``)."""
    return {"wf_menu": Menus(request)}
