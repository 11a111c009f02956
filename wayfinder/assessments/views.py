"""The needs assessment for anyone (no sign-in), its results with suggested
resources, saving it to My Plan, and printing. Nothing is stored until a
signed-in resident chooses to save."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.roles import is_resident_user
from wayfinder.directory.sharing import my_list_ids

from . import actions, flow, offers, programs, suggestions
from .access import own_resident
from .form import form_of
from .loading import ensure_shipped
from .models import Questionnaire
from .presenting import results_view
from .printing import pdf_response
from .runner import Run, refuse, step, version_gone

BASE = "assessments/layout_public.html"
ZIP_RE = re.compile(r"^\d{5}$")


def _public(key: str) -> Questionnaire:
    questionnaire = ensure_shipped(key)
    if questionnaire is None or not offers.offered_to_public(questionnaire):
        raise Http404
    return questionnaire


def _run(request: HttpRequest, key: str) -> Run:
    return Run(
        request,
        key,
        "self",
        staff=False,
        base_template=BASE,
        url_args=(key,),
        start_name="assessments:start",
        step_name="assessments:step",
        finish_name="assessments:results",
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    questionnaires = [q for q in (ensure_shipped("needs"),) if q is not None]
    return render(request, "assessments/index.html", {"questionnaires": questionnaires})


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, key: str) -> HttpResponse:
    questionnaire = _public(key)
    run = _run(request, key)
    if request.method == "POST":
        run.save(flow.new_state(questionnaire))
        return redirect(run.step_url(1))
    state = run.state
    context = {
        "questionnaire": questionnaire,
        "title": questionnaire.title_in(get_language() or "en"),
        "in_progress": bool(state and state.get("answers") and flow.questionnaire_of(state)),
        "continue_url": run.finish_url(),
        "base_template": BASE,
        "start_action": run.start_url(),
        "screens": len(form_of(questionnaire).screens),
    }
    return render(request, "assessments/start.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def step_view(request: HttpRequest, key: str, number: int) -> HttpResponse:
    _public(key)
    return step(_run(request, key), number)


def _zip(request: HttpRequest, resident) -> str:
    typed = (request.GET.get("zip") or "").strip()[:5]
    if ZIP_RE.match(typed):
        return typed
    return (resident.zip_code or "")[:5] if resident is not None else ""


@never_cache
@require_safe
def results(request: HttpRequest, key: str) -> HttpResponse:
    """Scored results and suggestions from the answers in the session."""
    _public(key)
    run = _run(request, key)
    context, problem = _results_context(request, run)
    if problem is not None:
        return problem
    return render(request, "assessments/results.html", context)


def _results_context(request: HttpRequest, run: Run):
    state = run.state
    if state is None:
        messages.info(request, _("Start the assessment first."))
        return None, redirect(run.start_url())
    pair = flow.form_for_state(state)
    if pair is None:
        run.forget()
        return None, refuse(run, version_gone(), 409)
    questionnaire, form = pair
    from .answers import first_incomplete

    missing = first_incomplete(form, state["answers"])
    if missing is not None:
        messages.info(request, _("A few questions still need an answer."))
        return None, redirect(run.step_url(missing.number))
    language = get_language() or "en"
    result = actions.score(questionnaire, state["answers"])
    resident = own_resident(request.user) if is_resident_user(request.user) else None
    zip_code = _zip(request, resident)
    point = suggestions.point_for(zip_code)
    household = programs.household_of(resident) if resident is not None else None
    suggested = suggestions.suggest(
        [(d.category, d.sdohcc) for d in result.positive], point, household=household, language=language
    )
    context = {
        "base_template": BASE,
        "questionnaire": questionnaire,
        "title": questionnaire.title_in(language),
        "view": results_view(questionnaire, result, language, staff=False),
        "summary": flow.summary(form, state["answers"], language, staff=False),
        "suggested": suggested,
        "zip": zip_code,
        "zip_unknown": bool(request.GET.get("zip")) and point is None,
        "has_point": point is not None,
        "state": state,
        "resident": resident,
        "signed_in": request.user.is_authenticated,
        "in_list": set(my_list_ids(request)),
        "here": request.get_full_path(),
        "run": run,
        "login_url": reverse("account_login") + "?next=" + run.finish_url(),
        "printed_at": timezone.now(),
    }
    return context, None


@never_cache
@require_safe
def results_pdf(request: HttpRequest, key: str) -> HttpResponse:
    _public(key)
    run = _run(request, key)
    context, problem = _results_context(request, run)
    if problem is not None:
        return problem
    html = render_to_string("assessments/print_results.html", {**context, "pdf": True}, request=request)
    return pdf_response(html, "wayfinder-needs-assessment.pdf")


@never_cache
@require_POST
def save(request: HttpRequest, key: str) -> HttpResponse:
    """A signed-in resident keeps the assessment in My Plan (only now is anything stored)."""
    _public(key)
    run = _run(request, key)
    if not request.user.is_authenticated:
        return redirect_to_login(run.finish_url())
    if not is_resident_user(request.user):
        raise PermissionDenied
    resident = own_resident(request.user)
    if resident is None:
        messages.info(request, _("Connect your account to your record first, then save your assessment."))
        return redirect("my_plan:link")
    return submit(request, run, resident, organization=None, legal_basis="self")


def submit(request: HttpRequest, run: Run, resident, *, organization, legal_basis: str) -> HttpResponse:
    """The last POST of either flow: stores the assessment, or says why not."""
    from .models import Assessment

    state = run.state
    key_text = request.POST.get("submission_key", "")
    try:
        submission_key = uuid.UUID(key_text)
    except ValueError:
        return refuse(run, _("This form is incomplete. Nothing was saved."), 400)
    done = Assessment.objects.filter(submission_key=submission_key, resident=resident).first()
    if done is not None:
        messages.info(request, _("This assessment was already saved."))
        return redirect("assessments:detail", done.pk)
    if state is None or state.get("submission_key") != str(submission_key):
        return refuse(run, _("These answers are no longer open for saving. Nothing was saved."), 409)
    questionnaire = flow.questionnaire_of(state)
    if questionnaire is None or request.POST.get("version") != questionnaire.version:
        run.forget()
        return refuse(run, version_gone(), 409)
    try:
        completed = actions.submit_assessment(
            questionnaire=questionnaire,
            resident=resident,
            answers=state["answers"],
            actor=request.user,
            submission_key=submission_key,
            organization=organization,
            legal_basis=legal_basis,
            language=run.language,
        )
    except actions.AlreadySubmitted as already:
        messages.info(request, str(already))
        return redirect("assessments:detail", already.assessment.pk) if already.assessment else redirect("/")
    except actions.SubmitError as error:
        return refuse(run, str(error), 400)
    run.forget()
    count = len(completed.needs)
    if count:
        messages.success(request, _("Assessment saved. Needs recorded: %(count)s.") % {"count": count})
    else:
        messages.success(request, _("Assessment saved. No needs were found."))
    if organization is not None:
        return redirect("residents:detail", resident.pk)
    return redirect("assessments:detail", completed.assessment.pk)
