"""The exchange's link in My Plan's menu (``residents.extension_points.MY_PLAN_LINKS``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def my_plan_link(resident: Any) -> dict[str, str]:
    """Every resident with a record may decide whether the exchange is given it."""
    return {"url": reverse("hie_my_plan:sharing"), "label": _("Sharing with my doctors")}
