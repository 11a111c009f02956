"""Staff completing an assessment with a resident: only with their organization's
consent (a 404 otherwise, nothing stored), and the AHC HRSN only for hospitals and
provider offices (refused to other organization types)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import staff_required

from . import actions, flow, offers
from .access import full_record_for
from .answers import first_incomplete
from .form import form_of
from .loading import ensure_shipped
from .models import Questionnaire
from .presenting import results_view
from .runner import Run, refuse, step, version_gone
from .views import submit

BASE = "assessments/layout_staff.html"


def _setup(request: HttpRequest, resident_id, key: str):
    resident, access = full_record_for(request.user, resident_id, purpose="sdoh_assessment")
    questionnaire = ensure_shipped(key)
    if questionnaire is None:
        raise Http404
    run = Run(
        request,
        key,
        str(resident.pk),
        staff=True,
        base_template=BASE,
        url_args=(resident.pk, key),
        start_name="assessments:staff_start",
        step_name="assessments:staff_step",
        finish_name="assessments:staff_review",
        resident=resident,
    )
    if not offers.offered_to_organization(questionnaire, access.organization):
        return run, resident, access, questionnaire, _not_offered(run, questionnaire)
    return run, resident, access, questionnaire, None


def _not_offered(run: Run, questionnaire: Questionnaire) -> HttpResponse:
    return refuse(
        run,
        _("%(title)s is offered only to staff of hospitals and provider offices.") % {"title": questionnaire.title},
        403,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_start(request: HttpRequest, resident_id, key: str) -> HttpResponse:
    run, resident, _access, questionnaire, refused = _setup(request, resident_id, key)
    if refused:
        return refused
    if request.method == "POST":
        run.save(flow.new_state(questionnaire))
        return redirect(run.step_url(1))
    state = run.state
    return render(
        request,
        "assessments/start.html",
        {
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(run.language),
            "in_progress": bool(state and state.get("answers") and flow.questionnaire_of(state)),
            "continue_url": run.finish_url(),
            "base_template": BASE,
            "start_action": run.start_url(),
            "resident": resident,
            "screens": len(form_of(questionnaire).screens),
            "staff": True,
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_step(request: HttpRequest, resident_id, key: str, number: int) -> HttpResponse:
    run, _resident, _access, _questionnaire, refused = _setup(request, resident_id, key)
    return refused or step(run, number)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def staff_review(request: HttpRequest, resident_id, key: str) -> HttpResponse:
    """All the answers and what they score before submitting; the POST stores it."""
    run, resident, access, _current, refused = _setup(request, resident_id, key)
    if refused:
        return refused
    if request.method == "POST":
        return submit(request, run, resident, organization=access.organization, legal_basis=access.legal_basis)
    state = run.state
    if state is None:
        messages.info(request, _("Start the assessment first."))
        return redirect(run.start_url())
    pair = flow.form_for_state(state)
    if pair is None:
        run.forget()
        return refuse(run, version_gone(), 409)
    questionnaire, form = pair
    missing = first_incomplete(form, state["answers"])
    if missing is not None:
        messages.info(request, _("A few questions still need an answer."))
        return redirect(run.step_url(missing.number))
    result = actions.score(questionnaire, state["answers"])
    return render(
        request,
        "assessments/review.html",
        {
            "base_template": BASE,
            "run": run,
            "resident": resident,
            "questionnaire": questionnaire,
            "title": questionnaire.title_in(run.language),
            "view": results_view(questionnaire, result, run.language, staff=True),
            "summary": flow.summary(form, state["answers"], run.language, staff=True),
            "state": state,
            "last_step": run.step_url(flow.asked_screens(form, state["answers"])[-1].number),
        },
    )
