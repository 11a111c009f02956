"""Template helpers for the public directory pages."""

from __future__ import annotations

import html

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def select_options(choices: list[tuple[str, str]], selected: object) -> SafeString:
    """A ``<select>``'s options, the one equal to ``selected`` marked selected.

    Built in Python because it runs on every results page: as a ``{% for %}`` loop the
    filter form's two lists (16 options) cost more than the search itself at 12,000
    services. Every label and value is escaped; labels are translated here, on render.
    """
    e = html.escape
    chosen = None if selected is None else str(selected)
    return mark_safe(  # every value and label is escaped above
        "".join(
            f'<option value="{e(str(value))}"{" selected" if str(value) == chosen else ""}>{e(str(name))}</option>'
            for value, name in choices
        )
    )


@register.simple_tag
def print_details(items: list) -> dict:
    """Eligibility and hours for the print and PDF sheet's services (``service_page.print_details``),
    read in one go for the whole sheet: {service id: PrintDetails}."""
    from wayfinder.directory.service_page import print_details as details

    return details([item.service for item in items])


@register.filter
def get_item(mapping: dict, key: object):
    return mapping.get(str(key))


@register.simple_tag
def service_availability(service: object):
    """``{% service_availability service as availability %}``: the service's
    availability as shown (directory.availability), for short lists of services
    (one query each; search results read it from the index instead)."""
    from wayfinder.directory import availability

    return availability.of_service(service)
