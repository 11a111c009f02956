"""``{% my_plan_links request as links %}``: the menu links other features add to My
Plan (``residents.extension_points.MY_PLAN_LINKS``), for the signed-in resident."""

from __future__ import annotations

from typing import Any

from django import template

from wayfinder.residents.extension_points import my_plan_links as links_for

register = template.Library()


@register.simple_tag
def my_plan_links(request: Any) -> list[dict[str, str]]:
    resident = getattr(getattr(request, "user", None), "resident", None)
    return links_for(resident) if resident is not None else []
