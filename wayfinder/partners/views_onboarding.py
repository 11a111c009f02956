"""From the welcome link to the workspace: account (or role), agreement, trainings.

MFA enrolment sits between the account and the agreement: the accounts
middleware sends anyone with a membership and no TOTP to allauth's enrolment.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts import sso
from wayfinder.accounts.access import StaffRequest, onboarding_member_required
from wayfinder.audit.log import log_action
from wayfinder.audit.names import ACCOUNT_SIGNED_IN

from .content import AGREEMENT_POINTS, AGREEMENT_QUOTE, AGREEMENT_VERSION, TRAININGS, training
from .forms import AgreementForm, NewAccountForm
from .models import Invitation
from .services import onboarding
from .services.invitations import (
    InvitationError,
    accept_invitation,
    account_exists,
    create_account_from_invitation,
    find_invitation,
)


def _link_problem(request: HttpRequest, error: InvitationError) -> HttpResponse:
    if error.code == "unknown":
        raise Http404(str(error))
    return render(request, "partners/link_problem.html", {"message": str(error)}, status=410)


def _after_joining(user) -> str:
    return onboarding.next_step_url(user) or reverse("partners:dashboard")


@require_http_methods(["GET", "POST"])
def accept_new(request: HttpRequest, token: str) -> HttpResponse:
    """The link for people without an account: choose a name and password."""
    try:
        invitation = find_invitation(token)
    except InvitationError as error:
        return _link_problem(request, error)
    if invitation.kind == Invitation.Kind.ADD_ROLE or account_exists(invitation.email):
        return redirect("partners:accept_existing", token=token)
    context = {"invitation": invitation}
    if request.user.is_authenticated:
        return render(request, "partners/accept_signed_in_elsewhere.html", context)
    form = NewAccountForm(request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            user = create_account_from_invitation(
                invitation, full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
            )
        except InvitationError as error:
            return _link_problem(request, error)
        _sign_in(request, user)
        messages.success(request, _("Your account is ready. Next, set up two-factor authentication."))
        return redirect(_after_joining(user))
    if sso.is_enabled():
        context.update(token=token, sso_login_url=sso.login_path(), provider_name=sso.provider_name())
    return render(request, "partners/accept_new.html", {**context, "form": form})


def _sign_in(request: HttpRequest, user) -> None:
    """Sign the new account in. The password was typed seconds ago, so it counts as
    a fresh re-authentication for the MFA enrolment that follows."""
    from allauth.account.internal.flows.login import record_authentication

    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
    log_action(user, ACCOUNT_SIGNED_IN, user, data={"via": "partner_invitation"})


@require_http_methods(["GET", "POST"])
def accept_existing(request: HttpRequest, token: str) -> HttpResponse:
    """The link for people who already have an account: sign in, then add the role."""
    try:
        invitation = find_invitation(token)
    except InvitationError as error:
        return _link_problem(request, error)
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        messages.info(request, _("Sign in with your existing account to add your new role."))
        return redirect_to_login(request.get_full_path())
    context = {"invitation": invitation}
    if request.user.email.lower() != invitation.email.lower():
        return render(request, "partners/accept_signed_in_elsewhere.html", context, status=403)
    if request.method == "POST":
        try:
            accept_invitation(invitation, request.user)
        except InvitationError as error:
            return _link_problem(request, error)
        request.session.pop("wf_partner_onboarded", None)  # see PartnerOnboardingMiddleware
        messages.success(request, _("The role was added to your account."))
        return redirect(_after_joining(request.user))
    return render(request, "partners/accept_existing.html", context)


@onboarding_member_required
@require_http_methods(["GET", "POST"])
def agreement(request: StaffRequest) -> HttpResponse:
    accepted = onboarding.current_acceptance(request.user)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and accepted is None and form.is_valid():
        onboarding.accept_agreement(request.user)
        return redirect(_after_joining(request.user))
    context = {
        "form": form,
        "accepted": accepted,
        "quote": AGREEMENT_QUOTE,
        "points": AGREEMENT_POINTS,
        "version": AGREEMENT_VERSION,
    }
    return render(request, "partners/agreement.html", context)


@onboarding_member_required
@require_safe
def training_list(request: StaffRequest) -> HttpResponse:
    if not onboarding.has_accepted_agreement(request.user) and onboarding.next_step_url(request.user):
        return redirect("partners:agreement")
    done = onboarding.completed_trainings(request.user)
    modules = [{"training": t, "completed_at": done.get(t.slug)} for t in TRAININGS]
    all_done = all(m["completed_at"] for m in modules)
    return render(request, "partners/training_list.html", {"modules": modules, "all_done": all_done})


@onboarding_member_required
@require_http_methods(["GET", "POST"])
def training_module(request: StaffRequest, slug: str) -> HttpResponse:
    module = training(slug)
    if module is None:
        raise Http404
    if request.method == "POST":
        onboarding.complete_training(request.user, slug)
        messages.success(request, _("“%(title)s” is complete.") % {"title": module.title})
        return redirect("partners:training")
    done = onboarding.completed_trainings(request.user)
    return render(request, "partners/training_module.html", {"module": module, "completed_at": done.get(slug)})


@onboarding_member_required
@require_POST
def training_finish(request: StaffRequest) -> HttpResponse:
    """ "Next" after the last training: onboarding is complete, on to the workspace."""
    if not onboarding.finish_onboarding(request.user):
        messages.error(request, _("Finish the user agreement and all three trainings first."))
        return redirect(_after_joining(request.user))
    messages.success(request, _("Onboarding is complete. Welcome to your workspace."))
    return redirect("partners:dashboard")
