"""Who may open partner pages: view decorators shared by the partners views.

A partner page needs an active membership; a person still in final onboarding
is sent to their next step first; admin pages also need the admin permission.
The organization acted on always comes from the membership, never from the URL,
so another organization's objects are simply not found (404).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import redirect

from .selectors import current_membership
from .services.onboarding import next_step_url


def can_use_workspace(user) -> bool:
    """Partner pages (dashboard, organization, favorites) open for anyone with an
    active membership; ``member_required`` and the navigation menu both ask this."""
    return current_membership(user) is not None


def is_workspace_admin(user) -> bool:
    """Admin pages (staff, editing the organization, notification settings)."""
    return _is_admin(current_membership(user))


def _is_admin(membership) -> bool:
    return membership is not None and membership.role == "admin"


def _membership_or_deny(request: HttpRequest):
    membership = current_membership(request.user)
    if membership is None:
        raise PermissionDenied
    request.membership = membership  # type: ignore[attr-defined]
    request.organization = membership.organization  # type: ignore[attr-defined]
    return membership


def member_required(view=None, *, admin: bool = False, onboarding: bool = False):
    """``onboarding=True`` for the onboarding steps themselves (not held back by them)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = _membership_or_deny(request)
            if not onboarding:
                step = next_step_url(request.user)
                if step:
                    return redirect(step)
                if admin and not _is_admin(membership):
                    raise PermissionDenied
            return view_func(request, *args, **kwargs)

        return wrapper

    return decorator(view) if view is not None else decorator
