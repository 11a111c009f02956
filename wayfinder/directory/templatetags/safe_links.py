"""``{% load safe_links %}``: the only way a URL, email address or phone number
from data becomes a link (``wayfinder.lib.links``). An empty result means "show
the text, not a link"."""

from __future__ import annotations

from django import template

from wayfinder.lib import links

register = template.Library()


@register.filter
def web_href(value: object) -> str:
    return links.web_href(value)


@register.filter
def mailto_href(value: object) -> str:
    return links.mailto_href(value)


@register.filter
def tel_href(value: object) -> str:
    return links.tel_href(value)
