"""United Way reviewers (and system administrators) set each partner's organization
type and 42 CFR Part 2 flag."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from wayfinder.accounts.access import reviewer_required

from .models import Partner
from .services.organization_type import set_organization_type


class OrganizationTypeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Organization type"), choices=Partner.Kind.choices)
    part2_program = forms.BooleanField(
        label=gettext_lazy("A substance use disorder program covered by 42 CFR Part 2"), required=False
    )


@reviewer_required
@require_safe
def organization_types(request: HttpRequest) -> HttpResponse:
    partners = Partner.objects.select_related("organization").order_by("organization__name")
    page = Paginator(partners, 50).get_page(request.GET.get("page"))
    return render(request, "partners/organization_types.html", {"page": page})


@reviewer_required
@require_http_methods(["GET", "POST"])
def organization_type(request: HttpRequest, organization_id) -> HttpResponse:
    partner = Partner.objects.select_related("organization").filter(pk=organization_id).first()
    if partner is None:
        raise Http404
    initial = {"kind": partner.kind, "part2_program": partner.part2_program}
    form = OrganizationTypeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            set_organization_type(partner, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Organization type saved."))
            return redirect("partners:organization_types")
        return render(request, "partners/organization_type.html", {"form": form, "partner": partner}, status=400)
    return render(request, "partners/organization_type.html", {"form": form, "partner": partner})
