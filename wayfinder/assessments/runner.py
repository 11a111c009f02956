"""The screens of an assessment, shared by the public flow and the staff flow.

A ``Run`` says whose assessment it is (the person themselves, or a resident staff
work with), which page layout to use and where each step's links go; ``step``
handles one screen (GET shows it, POST keeps its answers and moves on).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import flow
from .answers import Tampered, read_screen


@dataclass
class Run:
    request: HttpRequest
    key: str  # the questionnaire key in the URL
    subject: str  # "self" or the resident's id
    staff: bool
    base_template: str
    url_args: tuple  # the URL arguments before the step number
    start_name: str
    step_name: str
    finish_name: str
    resident: object = None

    @property
    def session_key(self) -> str:
        return flow.session_key(self.key, self.subject)

    @property
    def state(self) -> dict | None:
        return self.request.session.get(self.session_key)

    def save(self, state: dict) -> None:
        self.request.session[self.session_key] = state

    def forget(self) -> None:
        self.request.session.pop(self.session_key, None)

    def start_url(self) -> str:
        return reverse(self.start_name, args=self.url_args)

    def step_url(self, number: int) -> str:
        return reverse(self.step_name, args=[*self.url_args, number])

    def finish_url(self) -> str:
        return reverse(self.finish_name, args=self.url_args)

    @property
    def language(self) -> str:
        if self.staff and self.resident is not None:
            return getattr(self.resident, "preferred_language", "") or get_language() or "en"
        return get_language() or "en"


def refuse(run: Run, message: str, status: int) -> HttpResponse:
    """A clear page for input that cannot be used; nothing was stored."""
    return render(
        run.request,
        "assessments/refused.html",
        {"message": message, "start_url": run.start_url(), "base_template": run.base_template, "run": run},
        status=status,
    )


def version_gone() -> str:
    return _("This version of the questionnaire no longer exists, so these answers cannot be used. Please start again.")


def step(run: Run, number: int) -> HttpResponse:
    request = run.request
    state = run.state
    if state is None:
        messages.info(request, _("Start the assessment first."))
        return redirect(run.start_url())
    pair = flow.form_for_state(state)
    if pair is None:
        run.forget()
        return refuse(run, version_gone(), 409)
    questionnaire, form = pair
    if not 1 <= number <= len(form.screens):
        raise Http404
    screen = form.screens[number - 1]
    answers = state["answers"]
    if request.method == "POST":
        if request.POST.get("version") != questionnaire.version:
            run.forget()
            return refuse(run, version_gone(), 409)
        going_back = request.POST.get("action") == "back"
        try:
            result = read_screen(
                form, screen, request.POST, answers, strict=not going_back, decline_label=flow.decline_label(run.staff)
            )
        except Tampered:
            return refuse(run, _("The answers sent do not match the questions on this page. Nothing was saved."), 400)
        previous, following = flow.neighbours(form, result.answers, number)
        if going_back:
            state["answers"] = result.answers
            run.save(state)
            return redirect(run.step_url(previous) if previous else run.start_url())
        if result.errors:
            posted = {k: request.POST.getlist(k) for k in request.POST if k.startswith("a-")}
            return _render(run, questionnaire, form, screen, answers, posted=posted, errors=result.errors, status=400)
        state["answers"] = result.answers
        run.save(state)
        if result.pending:
            return _render(run, questionnaire, form, screen, result.answers, more=True)
        return redirect(run.step_url(following) if following else run.finish_url())
    if screen.number not in {s.number for s in flow.asked_screens(form, answers)}:
        _previous, following = flow.neighbours(form, answers, number)
        return redirect(run.step_url(following) if following else run.finish_url())
    return _render(run, questionnaire, form, screen, answers)


def _render(run, questionnaire, form, screen, answers, *, posted=None, errors=None, more=False, status=200):
    fields = flow.fields_for(
        form, screen, answers, language=run.language, staff=run.staff, posted=posted, errors=errors
    )
    place, total = flow.position(form, answers, screen.number)
    previous, _following = flow.neighbours(form, answers, screen.number)
    context = {
        "run": run,
        "base_template": run.base_template,
        "questionnaire": questionnaire,
        "title": questionnaire.title_in(run.language),
        "screen_title": screen.title(run.language),
        "fields": fields,
        "errors": errors or {},
        "place": place,
        "total": total,
        "more": more,
        "action": run.step_url(screen.number),
        "has_previous": previous is not None,
        "resident": run.resident,
    }
    return render(run.request, "assessments/step.html", context, status=status)
