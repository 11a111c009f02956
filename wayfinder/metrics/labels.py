"""Human names for the codes the tallies hold, in the reader's language."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .definitions import SELF_REFERRAL, UNKNOWN, WITHDRAWN
from .models import Closer


def outcome(code: str) -> str:
    from wayfinder.referrals.models import NotProvidedReason

    if code == "provided":
        return _("Resource provided")
    if code == WITHDRAWN:
        return _("Withdrawn by the sender")
    labels = dict(NotProvidedReason.choices)
    return str(labels.get(code, code))


def closer(code: str) -> str:
    return str(dict(Closer.choices).get(code, code))


def category(slug: str) -> str:
    from wayfinder.directory.categories import CATEGORY_BY_SLUG

    found = CATEGORY_BY_SLUG.get(slug)
    if found is None:
        return _("Not categorized")
    return found.es if (get_language() or "en").startswith("es") else found.en


def organization_kind(code: str) -> str:
    from wayfinder.partners.models import Partner

    if code == SELF_REFERRAL:
        return _("Residents referring themselves")
    if code == UNKNOWN:
        return _("Not a registered partner")
    return str(dict(Partner.Kind.choices).get(code, code))


def language(code: str) -> str:
    from django.conf.locale import LANG_INFO

    if code == UNKNOWN or not code:
        return _("Not recorded")
    info = LANG_INFO.get(code)
    if info is None:
        return code
    return info.get("name_local") if (get_language() or "en").startswith(code) else str(_(info["name"]))


def county(name: str) -> str:
    return _("Not recorded") if name == UNKNOWN else name


def age_band(key: str) -> str:
    return {
        "0-7": _("0–7 days"),  # noqa: RUF001 - an en dash between numbers
        "8-14": _("8–14 days"),  # noqa: RUF001
        "15-30": _("15–30 days"),  # noqa: RUF001
        "over-30": _("Over 30 days"),
    }[key]


BY_DIMENSION = {
    "category": category,
    "county": county,
    "language": language,
    "receiving_kind": organization_kind,
    "sending_kind": organization_kind,
}
