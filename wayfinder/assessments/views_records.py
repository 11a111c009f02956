"""Completed assessments and needs: one assessment's page and PDF, marking a need
met or no longer a need, and the resident's "Resources suggested for me"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from wayfinder.accounts.roles import is_resident_user
from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.consent.access import REDISCLOSURE_NOTICE
from wayfinder.directory.sharing import my_list_ids
from wayfinder.residents.models import SdohNeed

from . import flow, needs, suggestions
from .access import assessment_for, need_for, own_resident
from .form import form_of
from .presenting import results_view
from .printing import pdf_response
from .response import answers_from
from .sections import open_needs


def _detail_context(request: HttpRequest, assessment, access, language: str) -> dict:
    questionnaire = assessment.questionnaire
    form = form_of(questionnaire)
    answers = answers_from(form, assessment.response)
    staff = not access.is_self
    resident_needs = open_needs(assessment.resident, part2=access.part2)
    positive = {d["category"] for d in assessment.results.get("domains", []) if d["status"] == "positive"}
    return {
        "assessment": assessment,
        "resident": assessment.resident,
        "access": access,
        "staff": staff,
        "base_template": "assessments/layout_staff.html" if staff else "assessments/layout_public.html",
        "title": questionnaire.title_in(language),
        "view": results_view(questionnaire, assessment.results, language, staff=staff),
        "summary": flow.summary(form, answers, language, staff=staff),
        "suggested": suggestions.for_resident(
            assessment.resident, [n for n in resident_needs if n.domain in positive], language=language
        ),
        "redisclosure_notice": _(REDISCLOSURE_NOTICE) if assessment.part2 else "",
        "in_list": set(my_list_ids(request)),
        "here": request.get_full_path(),
        "printed_at": timezone.now(),
    }


@never_cache
@require_safe
def detail(request: HttpRequest, assessment_id) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assessment, access = assessment_for(request.user, assessment_id)
    # Staff reads are also logged as reads of the record (``resident.viewed``, in the
    # resident's "who viewed my record"); this entry names the assessment itself.
    log_action(
        request.user,
        names.ASSESSMENT_VIEWED,
        assessment,
        resident=assessment.resident,
        legal_basis=access.legal_basis,
        purpose="sdoh_assessment",
        data={"part2": assessment.part2},
    )
    context = _detail_context(request, assessment, access, get_language() or "en")
    return render(request, "assessments/detail.html", context)


@never_cache
@require_safe
def detail_pdf(request: HttpRequest, assessment_id) -> HttpResponse:
    """The results and suggestions on paper, in the resident's language."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    assessment, access = assessment_for(request.user, assessment_id)
    language = assessment.resident.preferred_language or assessment.language or "en"
    with translation.override(language):
        context = _detail_context(request, assessment, access, language)
        html = render_to_string("assessments/print_detail.html", {**context, "pdf": True}, request=request)
    log_action(
        request.user,
        names.ASSESSMENT_PRINTED,
        assessment,
        resident=assessment.resident,
        legal_basis=access.legal_basis,
        purpose="sdoh_assessment",
    )
    return pdf_response(html, "wayfinder-assessment.pdf")


@require_POST
def mark_need(request: HttpRequest, need_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login("/")
    need, access = need_for(request.user, need_id)
    status = request.POST.get("status", "")
    back = "my_plan:home" if access.is_self else "residents:detail"
    args = [] if access.is_self else [need.resident_id]
    try:
        needs.mark_need(
            need,
            status=status,
            actor=request.user,
            organization=access.organization,
            legal_basis=access.legal_basis,
        )
    except needs.NeedError as error:
        messages.error(request, str(error))
        return redirect(back, *args)
    label = SdohNeed.Status(status).label
    messages.success(request, _("Need marked: %(status)s.") % {"status": label})
    return redirect(back, *args)


@never_cache
@require_safe
def suggested(request: HttpRequest) -> HttpResponse:
    """My Plan's "Resources suggested for me": services near me for each open need."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_resident_user(request.user):
        raise PermissionDenied
    resident = own_resident(request.user)
    if resident is None:
        messages.info(request, _("Connect your account to your record first."))
        return redirect("my_plan:link")
    language = get_language() or "en"
    log_action(request.user, names.NEEDS_SUGGESTIONS_VIEWED, resident, resident=resident, legal_basis="self")
    return render(
        request,
        "assessments/suggested.html",
        {
            "resident": resident,
            "suggested": suggestions.for_resident(resident, open_needs(resident, part2=True), language=language),
            "in_list": set(my_list_ids(request)),
            "here": request.get_full_path(),
        },
    )
