"""``{{ number|us_phone }}``: a phone number as people write it, "(859) 555-0142"."""

from django import template

from wayfinder.lib.phones import format_us

register = template.Library()


@register.filter
def us_phone(value) -> str:
    return format_us(str(value or ""))
