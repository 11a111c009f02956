"""Sharing services: "My list" kept in the session, messages through the outbox, print and PDF.

Anyone may share without signing in, which made the form a relay: 30 posts from
fresh sessions queued 30 emails and 30 texts with a free-text phishing link
(issue #13). So: an anonymous share carries no free text (only public directory
information and our own links), and sending is limited per IP address and per
destination in the shared cache (every server process sees the same counts; a new
session changes nothing). A number gets at most a few texts a day, whoever sends
them (SMS pumping bills per text).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from wayfinder.lib.request_context import client_ip, hash_identifier

from .models import Service, ServiceStatus

SESSION_KEY = "directory_my_list"
MAX_LIST = 50
HOUR, DAY = 3600, 86400
# (scope, limit, window seconds). An IP address can be a library or a shelter
# where many people share, so its limit is looser than a destination's.
IP_LIMITS = ((20, HOUR), (60, DAY))
EMAIL_LIMITS = ((5, DAY),)
SMS_LIMITS = ((3, DAY),)


def _valid_ids(values) -> list[str]:
    out: list[str] = []
    for value in values:
        try:
            sid = str(uuid.UUID(str(value).strip()))
        except ValueError:
            continue
        if sid not in out:
            out.append(sid)
    return out[:MAX_LIST]


def my_list_ids(request: HttpRequest) -> list[str]:
    return _valid_ids(request.session.get(SESSION_KEY, []))


def add_to_list(request: HttpRequest, service_id: str) -> None:
    request.session[SESSION_KEY] = _valid_ids([*my_list_ids(request), service_id])


def remove_from_list(request: HttpRequest, service_id: str) -> None:
    request.session[SESSION_KEY] = [s for s in my_list_ids(request) if s != service_id]


def ids_from_query(value: str) -> list[str]:
    """A shared link carries its services as comma-separated ids."""
    return _valid_ids(value.split(",")) if value else []


def load_services(ids: list[str]) -> list[Service]:
    """Active services in the given order, with what a shared summary shows."""
    found = {
        str(s.pk): s
        for s in Service.objects.filter(pk__in=ids, status=ServiceStatus.ACTIVE)
        .select_related("organization")
        .prefetch_related("phones", "service_at_locations__location__addresses")
    }
    return [found[i] for i in ids if i in found]


@dataclass
class Summary:
    service: Service
    url: str
    phone: str
    address: str


def summaries(services: list[Service]) -> list[Summary]:
    out = []
    for service in services:
        phones = [p.number for p in service.phones.all()]
        address = ""
        for sal in service.service_at_locations.all():
            for a in sal.location.addresses.all():
                address = f"{a.address_1}, {a.city}, {a.state_province} {a.postal_code}"
                break
            if address:
                break
        url = settings.SITE_URL + reverse("directory:service", args=[service.pk])
        out.append(Summary(service, url, phones[0] if phones else "", address))
    return out


def share_link(ids: list[str]) -> str:
    return settings.SITE_URL + reverse("directory:shared_list") + "?s=" + ",".join(ids)


def _counter_keys(request: HttpRequest, email: str, phone: str) -> list[tuple[str, int, int]]:
    """(cache key, limit, window) for every limit this share counts against.
    Destinations are hashed: no address is written to the cache."""
    keys = []
    ip = client_ip(request) or "unknown"
    for limit, window in IP_LIMITS:
        keys.append((f"share:ip:{window}:{hash_identifier(ip)}", limit, window))
    if email:
        for limit, window in EMAIL_LIMITS:
            keys.append((f"share:email:{window}:{hash_identifier(email.strip().lower())}", limit, window))
    if phone:
        for limit, window in SMS_LIMITS:
            keys.append((f"share:sms:{window}:{hash_identifier(phone)}", limit, window))
    return keys


def may_send(request: HttpRequest, *, email: str = "", phone: str = "") -> bool:
    """Whether this share stays within every limit; counts it when it does. A
    refused share counts against nothing, so a flood does not lock a destination
    out for longer than its window."""
    keys = _counter_keys(request, email, phone)
    if any((cache.get(key) or 0) >= limit for key, limit, _window in keys):
        return False
    for key, _limit, window in keys:
        if cache.add(key, 1, window):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, window)
    return True


def may_add_note(user) -> bool:
    """Only signed-in staff (MFA, accountable) may add free text to a share."""
    from wayfinder.accounts.roles import requires_mfa

    return requires_mfa(user)


def send(*, services: list[Service], ids: list[str], email: str, phone: str, note: str) -> None:
    """Queue the email and/or text (the outbox sends after commit and retries)."""
    from wayfinder.notifications.services import queue_email, queue_sms

    items = summaries(services)
    link = share_link(ids)
    context = {"items": items, "link": link, "note": note}
    if email:
        subject = (
            _("Services shared with you: %(name)s") % {"name": items[0].service.name}
            if len(items) == 1
            else _("%(count)d services shared with you") % {"count": len(items)}
        )
        queue_email(
            to=email,
            subject=subject,
            body=render_to_string("directory/share_email.txt", context),
            html=render_to_string("directory/share_email.html", context),
            kind="directory.share",
        )
    if phone:
        queue_sms(
            to=phone, body=render_to_string("directory/share_sms.txt", context).strip()[:600], kind="directory.share"
        )


def pdf_bytes(html: str) -> bytes:
    """Render the print page to PDF with WeasyPrint, reading only our own static CSS (no network)."""
    from weasyprint import CSS, HTML

    sheets = [
        CSS(filename=path) for path in (finders.find("css/wayfinder.css"), finders.find("css/directory.css")) if path
    ]

    def no_fetch(url: str, *args, **kwargs):
        raise ValueError(f"not fetched: {url}")

    return HTML(string=html, url_fetcher=no_fetch, base_url=settings.SITE_URL).write_pdf(stylesheets=sheets)
