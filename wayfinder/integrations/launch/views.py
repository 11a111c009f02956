"""Launch from the exchange's clinician portal: thin views over ``flow``.

/launch              the exchange opens it with iss and launch (public; refuses without valid ones)
/launch/callback     the exchange's authorization answers here (public; refuses without a valid state)
/launch/sign-in      "Welcome to <state sign-in>": one button, no password typed when the
                     state's session exists (the seeds' KOG welcome screen)
/launch/notice       the system-use notice, "Next" to proceed (the seeds' warning screen)
/launch/landing      "No Individual ID Found" / "Multiple individuals found"
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from wayfinder.accounts import sso
from wayfinder.accounts.middleware import resident_data

from . import flow
from .landing import MULTIPLE, NOT_FOUND, PatientContext, is_onboarded, is_same_person, search_prefill
from .smart import LaunchRefused

# reason -> (HTTP status, title, what to do). One page for every refusal.
REFUSALS = {
    "bad_request": (
        400,
        gettext_lazy("This launch link is incomplete"),
        gettext_lazy("The link has no exchange or launch value. Open Wayfinder again from the exchange's portal."),
    ),
    "unlisted_exchange": (
        403,
        gettext_lazy("This exchange may not open Wayfinder"),
        gettext_lazy(
            "Wayfinder accepts launches only from the health information exchanges it is set up for. "
            "Nothing was opened. If you expected this to work, tell your Wayfinder administrator."
        ),
    ),
    "reused": (
        409,
        gettext_lazy("This launch was already used"),
        gettext_lazy("Each launch works once. Go back to the exchange's portal and open Wayfinder from there again."),
    ),
    "expired": (
        410,
        gettext_lazy("This launch has expired"),
        gettext_lazy("Too much time passed since the exchange opened Wayfinder. Open it from the portal again."),
    ),
    "state": (
        400,
        gettext_lazy("This launch could not be verified"),
        gettext_lazy(
            "The answer from the exchange does not belong to a launch started in this browser, or it was changed "
            "on the way. Nothing was opened. Open Wayfinder from the exchange's portal again."
        ),
    ),
    "audience": (
        400,
        gettext_lazy("The exchange's sign-in was meant for another application"),
        gettext_lazy("Wayfinder cannot use a sign-in issued to another application. Nothing was opened."),
    ),
    "no_patient": (
        400,
        gettext_lazy("The exchange did not say which patient"),
        gettext_lazy("Open Wayfinder from a patient's page in the exchange's portal."),
    ),
    "no_identity": (
        400,
        gettext_lazy("The exchange did not say who you are"),
        gettext_lazy("Wayfinder needs the exchange to confirm who is launching it. Nothing was opened."),
    ),
    "bad_identity": (
        400,
        gettext_lazy("The exchange's confirmation of who you are could not be checked"),
        gettext_lazy("It was not signed by the exchange, or it has expired. Nothing was opened. Try again."),
    ),
    "exchange_refused": (
        400,
        gettext_lazy("The exchange stopped the launch"),
        gettext_lazy("Open Wayfinder from the exchange's portal again."),
    ),
    "exchange_error": (
        502,
        gettext_lazy("The exchange answered in a way Wayfinder cannot use"),
        gettext_lazy("Nothing was opened. Try again later; if it keeps happening, tell your Wayfinder administrator."),
    ),
    "exchange_unreachable": (
        502,
        gettext_lazy("The exchange could not be reached"),
        gettext_lazy("Nothing was opened. Try again in a few minutes."),
    ),
    "other_person": (
        403,
        gettext_lazy("You are signed in to Wayfinder as someone else"),
        gettext_lazy(
            "The exchange launched Wayfinder for another person than the one signed in here. Nothing was opened. "
            "Sign out, then open Wayfinder from the exchange's portal again."
        ),
    ),
    "no_launch": (
        400,
        gettext_lazy("No launch is in progress"),
        gettext_lazy("Open Wayfinder from a patient's page in the exchange's portal."),
    ),
}


def _refused(request: HttpRequest, reason: str, *, refusal: LaunchRefused | None = None) -> HttpResponse:
    flow.refuse(request, reason, launch=getattr(refusal, "launch", None), detail=refusal.detail if refusal else "")
    status, title, advice = REFUSALS[reason]
    detail = refusal.detail if (refusal is not None and reason == "exchange_refused") else ""
    return render(request, "launch/refused.html", {"title": title, "advice": advice, "detail": detail}, status=status)


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    try:
        url = flow.start(request, request.GET.get("iss", "").strip(), request.GET.get("launch", "").strip())
    except LaunchRefused as refusal:
        return _refused(request, refusal.reason, refusal=refusal)
    return redirect(url)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        context, row = flow.authorize(request, request.GET.dict())
    except LaunchRefused as refusal:
        return _refused(request, refusal.reason, refusal=refusal)
    from .landing import clinician_account

    account = clinician_account(context["clinician"])
    if not is_onboarded(account):
        flow.deny_not_onboarded(request, row, context["clinician"])
        return render(request, "launch/access_denied.html", status=403)
    if request.user.is_authenticated and not is_same_person(request.user, context["clinician"]):
        return _refused(request, "other_person", refusal=_attach(LaunchRefused("other_person"), row))
    flow.keep_context(request, context)
    return redirect("launch:notice" if request.user.is_authenticated else "launch:sign_in")


def _attach(refusal: LaunchRefused, row) -> LaunchRefused:
    refusal.launch = row  # type: ignore[attr-defined]
    return refusal


@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    context = flow.current_context(request)
    if context is None:
        return _refused(request, "no_launch")
    if request.user.is_authenticated:
        return redirect("launch:notice")
    page = {
        "exchange": context["exchange"],
        "sso_enabled": sso.is_enabled(),
        "provider_name": sso.provider_name(),
        "sso_login_url": sso.login_path() if sso.is_enabled() else "",
        "next": reverse("launch:notice"),
    }
    return render(request, "launch/sign_in.html", page)


@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest) -> HttpResponse:
    context = flow.current_context(request)
    if context is None:
        return _refused(request, "no_launch")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("launch:sign_in"))
    if not is_same_person(request.user, context["clinician"]):
        request.session.pop(flow.CONTEXT_KEY, None)
        return _refused(
            request, "other_person", refusal=_attach(LaunchRefused("other_person"), flow.launch_row(context))
        )
    if not is_onboarded(request.user):
        return render(request, "launch/access_denied.html", status=403)
    if context.get("landing"):
        return redirect("launch:landing")  # "Next" was pressed already: no second arrival
    if request.method == "GET":
        return render(request, "launch/notice.html", {"exchange": context["exchange"]})
    landing = flow.land(request, context)
    if landing.resident is None:
        return redirect("launch:landing")
    request.session.pop(flow.CONTEXT_KEY, None)
    messages.info(request, _("Opened from %(exchange)s for this patient.") % {"exchange": context["exchange"]})
    return redirect("residents:detail", landing.resident.pk)


@resident_data
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    context = flow.current_context(request)
    if context is None or context.get("landing") not in (NOT_FOUND, MULTIPLE) or not request.user.is_authenticated:
        return _refused(request, "no_launch")
    if not is_same_person(request.user, context["clinician"]) or not is_onboarded(request.user):
        return _refused(request, "other_person")
    patient = PatientContext(**context["patient"])
    template = "launch/not_found.html" if context["landing"] == NOT_FOUND else "launch/multiple.html"
    return render(request, template, {"exchange": context["exchange"], "prefill": search_prefill(patient)})
