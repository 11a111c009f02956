"""Sharing services: "My list" kept in the session, messages through the outbox, print and PDF.

Anyone may share without signing in, so sending is throttled per session and per
recipient, and the message carries only public directory information.
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

from .models import Service, ServiceStatus

SESSION_KEY = "directory_my_list"
MAX_LIST = 50
MAX_SENDS_PER_HOUR = 10


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


def may_send(request: HttpRequest, recipient: str) -> bool:
    """At most MAX_SENDS_PER_HOUR messages per session and per recipient."""
    if not request.session.session_key:
        request.session.save()
    keys = [f"share:s:{request.session.session_key}", f"share:r:{recipient.lower()}"]
    for key in keys:
        cache.add(key, 0, 3600)
        if cache.incr(key) > MAX_SENDS_PER_HOUR:
            return False
    return True


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
