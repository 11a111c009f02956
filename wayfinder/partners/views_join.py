"""Public pages: join as a community partner, find and claim an organization,
or ask for one to be added."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .forms import OrganizationSearchForm, SiteRequestForm
from .selectors import claim_state, organization_cities, organization_to_claim, search_organizations, submitted_request
from .services.claims import ClaimError, submit_claim, submit_new_organization

PAGE_SIZE = 20
# Public forms: at most this many requests per address per hour (spam stays out of the queue).
REQUESTS_PER_HOUR = 10
MAX_SHOWN = 500
_SUBMITTED_KEY = "wf_partner_request"


def support_email() -> str:
    return getattr(settings, "PARTNER_SUPPORT_EMAIL", "partners@wayfinder.example")


def _over_request_limit(request: HttpRequest) -> bool:
    from django.core.cache import cache

    from wayfinder.lib import request_context

    ctx = request_context.current()
    key = f"partners:requests:{ctx.ip_address if ctx else request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) > REQUESTS_PER_HOUR
    except ValueError:  # the key expired between add and incr
        return False


@require_safe
def join(request: HttpRequest) -> HttpResponse:
    return render(request, "partners/join.html", {"support_email": support_email()})


@require_safe
def claim_search(request: HttpRequest) -> HttpResponse:
    """Search by name or city. "Load more" is a plain link that asks for more rows
    (``shown``), so it works without JavaScript; the anchor keeps the reader's place."""
    form = OrganizationSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    try:
        shown = min(max(int(request.GET.get("shown", PAGE_SIZE)), PAGE_SIZE), MAX_SHOWN)
    except ValueError:
        shown = PAGE_SIZE
    results: list = []
    more = False
    if query:
        rows = list(search_organizations(query)[: shown + 1])
        more = len(rows) > shown
        results = rows[:shown]
        cities = organization_cities([org.pk for org in results])
        for org in results:
            org.city = cities.get(str(org.pk), "")
            org.claimed = org.has_admin or org.has_approved_claim or org.onboarded
            org.claim_pending = not org.claimed and org.has_pending_claim
    context = {
        "form": form,
        "query": query,
        "results": results,
        "more": more,
        "shown": shown,
        "next_shown": shown + PAGE_SIZE,
        "first_new": shown + 1,
        "support_email": support_email(),
    }
    return render(request, "partners/claim_search.html", context)


@require_http_methods(["GET", "POST"])
def claim_form(request: HttpRequest, organization_id) -> HttpResponse:
    organization = organization_to_claim(organization_id)
    context = {"organization": organization, "support_email": support_email()}
    state = claim_state(organization.pk)
    # A claim waiting for review is shown, not offered again; a form opened before
    # it arrived may still be sent (the reviewer then sees both claims).
    if state == "claimed" or (state == "pending" and request.method == "GET"):
        return render(request, "partners/claim_form.html", {**context, "claimed": state})
    form = SiteRequestForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        if _over_request_limit(request):
            messages.error(request, _("Too many requests from your network. Please try again in an hour."))
            return render(request, "partners/claim_form.html", {**context, "form": form}, status=429)
        try:
            site_request = submit_claim(organization, form.cleaned_data, actor=request.user)
        except ClaimError as error:
            messages.error(request, str(error))
        else:
            request.session[_SUBMITTED_KEY] = site_request.pk
            return redirect("partners:request_submitted")
    return render(request, "partners/claim_form.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
def new_organization(request: HttpRequest) -> HttpResponse:
    """ "I can't find my organization": the 2-1-1 route, or send the details for a reviewer to add."""
    initial = {"organization_name": request.GET.get("name", "")[:200]}
    form = SiteRequestForm(request.POST or None, new_organization=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _over_request_limit(request):
            messages.error(request, _("Too many requests from your network. Please try again in an hour."))
            context = {"form": form, "support_email": support_email()}
            return render(request, "partners/new_organization.html", context, status=429)
        try:
            site_request = submit_new_organization(form.cleaned_data, actor=request.user)
        except ClaimError as error:
            messages.error(request, str(error))
        else:
            request.session[_SUBMITTED_KEY] = site_request.pk
            return redirect("partners:request_submitted")
    return render(request, "partners/new_organization.html", {"form": form, "support_email": support_email()})


@require_safe
def request_submitted(request: HttpRequest) -> HttpResponse:
    site_request = submitted_request(request.session.get(_SUBMITTED_KEY))
    return render(
        request, "partners/request_submitted.html", {"site_request": site_request, "support_email": support_email()}
    )
