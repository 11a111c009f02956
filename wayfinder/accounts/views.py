from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a person lands after signing in: their roles and where to go next."""
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {
            "memberships": roles.active_memberships(user),
            "global_roles": sorted(roles.global_roles(user)),
            "requires_mfa": roles.requires_mfa(user),
        },
    )
