"""Staff management, for partner admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wayfinder.accounts.models import Membership

from .access import member_required
from .forms import StaffAddForm, StaffRoleForm
from .models import Invitation, OnboardingProgress
from .selectors import staff_membership
from .services import staff as staff_actions


@member_required(admin=True)
def staff_list(request: HttpRequest) -> HttpResponse:
    org = request.organization
    memberships = list(
        Membership.objects.filter(organization=org).select_related("user").order_by("-is_active", "user__full_name")
    )
    in_onboarding = set(
        OnboardingProgress.objects.filter(
            user_id__in=[m.user_id for m in memberships], completed_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    for membership in memberships:
        membership.in_onboarding = membership.user_id in in_onboarding
    invitations = Invitation.objects.filter(organization=org, used_at__isnull=True, revoked_at__isnull=True)
    return render(
        request, "partners/staff_list.html", {"memberships": memberships, "invitations": invitations.order_by("email")}
    )


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def staff_add(request: HttpRequest) -> HttpResponse:
    form = StaffAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            staff_actions.add_staff(
                request.organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                added_by=request.user,
            )
        except staff_actions.StaffError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s. They will set up their account and complete training.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("partners:staff")
    return render(request, "partners/staff_add.html", {"form": form})


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def staff_detail(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.organization, membership_id)
    form = StaffRoleForm(request.POST or None, initial={"role": membership.role})
    if request.method == "POST" and form.is_valid():
        try:
            staff_actions.change_permission(membership, form.cleaned_data["role"], request.user)
        except staff_actions.StaffError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Permission saved."))
            return redirect("partners:staff_detail", membership_id=membership.pk)
    return render(request, "partners/staff_detail.html", {"member": membership, "form": form})


@member_required(admin=True)
@require_POST
def staff_deactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.organization, membership_id)
    try:
        staff_actions.deactivate_staff(membership, request.user)
    except staff_actions.StaffError as error:
        messages.error(request, str(error))
        return redirect("partners:staff_detail", membership_id=membership.pk)
    messages.success(request, _("%(name)s no longer has access.") % {"name": membership.user})
    if membership.user_id == request.user.pk:
        return redirect("directory:home")
    return redirect("partners:staff")


@member_required(admin=True)
@require_POST
def staff_reactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.organization, membership_id)
    staff_actions.reactivate_staff(membership, request.user)
    messages.success(request, _("%(name)s has access again.") % {"name": membership.user})
    return redirect("partners:staff_detail", membership_id=membership.pk)


@member_required(admin=True)
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: int) -> HttpResponse:
    invitation = Invitation.objects.filter(organization=request.organization, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    try:
        staff_actions.resend_invitation(invitation, request.user)
    except staff_actions.StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("partners:staff")
