from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from . import next_steps, roles
from .access import signed_in
from .models import GlobalRole


@signed_in
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """My account: the person's roles, where their work is, and their security settings."""
    user = request.user
    global_roles = sorted(roles.global_roles(user))
    labels = dict(GlobalRole.Role.choices)
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": roles.active_memberships(user),
            "global_roles": global_roles,
            "global_role_labels": [labels.get(role, role) for role in global_roles],
            "requires_mfa": roles.requires_mfa(user),
        },
    )


@signed_in
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The person's own starting page (``next_steps.landing_url_name``): a link that is
    right for every role, e.g. the brand link's target once signed in."""
    return redirect(next_steps.landing_url_name(request.user))


@signed_in
@require_safe
def mfa_continue(request: HttpRequest) -> HttpResponse:
    """ "Continue" at the end of MFA set-up: on to the next onboarding step, or the
    page the person wanted when they were sent to set-up."""
    target = next_steps.after_mfa_setup_url(request)
    request.session.pop(next_steps.WANTED_PAGE_KEY, None)
    request.session.pop(next_steps.JUST_ENROLLED_KEY, None)
    return redirect(target)
