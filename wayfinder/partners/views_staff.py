"""Staff management, for partner admins only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import StaffRequest, partner_admin_required

from . import selectors
from .forms import StaffAddForm, StaffRoleForm
from .selectors import staff_membership
from .services import staff as staff_actions


@partner_admin_required
@require_safe
def staff_list(request: StaffRequest) -> HttpResponse:
    memberships = selectors.staff_memberships(request.organization)
    invitations = selectors.open_invitations(request.organization)
    return render(
        request, "partners/staff_list.html", {"memberships": memberships, "invitations": invitations.order_by("email")}
    )


@partner_admin_required
@require_http_methods(["GET", "POST"])
def staff_add(request: StaffRequest) -> HttpResponse:
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


@partner_admin_required
@require_http_methods(["GET", "POST"])
def staff_detail(request: StaffRequest, membership_id: int) -> HttpResponse:
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


@partner_admin_required
@require_POST
def staff_deactivate(request: StaffRequest, membership_id: int) -> HttpResponse:
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


@partner_admin_required
@require_POST
def staff_reactivate(request: StaffRequest, membership_id: int) -> HttpResponse:
    membership = staff_membership(request.organization, membership_id)
    staff_actions.reactivate_staff(membership, request.user)
    messages.success(request, _("%(name)s has access again.") % {"name": membership.user})
    return redirect("partners:staff_detail", membership_id=membership.pk)


@partner_admin_required
@require_POST
def invitation_resend(request: StaffRequest, invitation_id: int) -> HttpResponse:
    invitation = selectors.invitation_for(request.organization, invitation_id)
    try:
        staff_actions.resend_invitation(invitation, request.user)
    except staff_actions.StaffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": invitation.email})
    return redirect("partners:staff")
