"""My list (kept in the session), sharing by email/text/link, print and PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from . import sharing
from .forms import ShareForm


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@require_POST
def list_add(request: HttpRequest) -> HttpResponse:
    sharing.add_to_list(request, request.POST.get("service", ""))
    messages.success(request, _("Added to My list."))
    return _back(request, "directory:my_list")


@require_POST
def list_remove(request: HttpRequest) -> HttpResponse:
    sharing.remove_from_list(request, request.POST.get("service", ""))
    messages.success(request, _("Removed from My list."))
    return _back(request, "directory:my_list")


@require_safe
def my_list(request: HttpRequest) -> HttpResponse:
    ids = sharing.my_list_ids(request)
    return _share_page(request, ids, mine=True)


@require_safe
def shared_list(request: HttpRequest) -> HttpResponse:
    """The page a shared link opens: the services in the link, readable by anyone."""
    return _share_page(request, sharing.ids_from_query(request.GET.get("s", "")), mine=False)


def _share_page(
    request: HttpRequest, ids: list[str], *, mine: bool, form: ShareForm | None = None, status: int = 200
) -> HttpResponse:
    services = sharing.load_services(ids)
    ids = [str(s.pk) for s in services]
    return render(
        request,
        "directory/my_list.html",
        {
            "items": sharing.summaries(services),
            "ids": ",".join(ids),
            "mine": mine,
            "link": sharing.share_link(ids) if ids else "",
            "form": form or ShareForm(allow_note=sharing.may_add_note(request.user)),
        },
        status=status,
    )


@require_POST
def share(request: HttpRequest) -> HttpResponse:
    ids = sharing.ids_from_query(request.POST.get("s", ""))
    services = sharing.load_services(ids)
    form = ShareForm(request.POST, allow_note=sharing.may_add_note(request.user))
    mine = request.POST.get("mine") == "1"
    if not services:
        messages.error(request, _("There is nothing to share yet."))
        return _share_page(request, [], mine=mine, form=form, status=400)
    if not form.is_valid():
        return _share_page(request, ids, mine=mine, form=form, status=400)
    data = form.cleaned_data
    if not sharing.may_send(request, email=data["email"], phone=data["phone"]):
        messages.error(request, _("Too many messages were sent. Please try again later."))
        return _share_page(request, ids, mine=mine, form=form, status=429)
    sharing.send(
        services=services,
        ids=[str(s.pk) for s in services],
        email=data["email"],
        phone=data["phone"],
        note=data.get("note", ""),
    )
    messages.success(request, _("Sent. It may take a minute to arrive."))
    if mine:
        return redirect("directory:my_list")
    return redirect(reverse("directory:shared_list") + "?s=" + ",".join(str(s.pk) for s in services))


@require_safe
def print_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/print.html", _print_context(request))


@require_safe
def pdf_list(request: HttpRequest) -> HttpResponse:
    html = render_to_string("directory/print.html", {**_print_context(request), "pdf": True}, request=request)
    response = HttpResponse(sharing.pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="wayfinder-services.pdf"'
    return response


def _print_context(request: HttpRequest) -> dict:
    ids = sharing.ids_from_query(request.GET.get("s", "")) or sharing.my_list_ids(request)
    services = sharing.load_services(ids)
    return {"items": sharing.summaries(services), "ids": ",".join(str(s.pk) for s in services)}
