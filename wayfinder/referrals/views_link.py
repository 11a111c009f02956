"""The referral page a receiving organization opens from its email or text
(issue #21, "recipient light"): no sign-in; what it may do is ``links``' rule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.audit.log import log_action
from wayfinder.audit.names import REFERRAL_VIEWED

from . import actions, closing, links
from .forms_link import LinkCloseForm, LinkNoteForm, LinkStartForm
from .models import Status
from .notify import join_path
from .views import add_errors


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: no Referer to other sites ("same-origin" keeps the
    CSRF check working), no search engine, no cache (never_cache on each view)."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request: HttpRequest, status: int) -> HttpResponse:
    """A link that does not (or no longer) work: the same page, naming nothing."""
    return _private(render(request, "referrals/link/invalid.html", status=status))


def _closed(request: HttpRequest, opened: links.Opened, status: int = 200) -> HttpResponse:
    """A closed referral: that it is closed, and nothing of the resident."""
    return _private(render(request, "referrals/link/closed.html", _base_context(opened), status=status))


def _base_context(opened: links.Opened) -> dict:
    referral = opened.referral
    return {
        "referral": referral,
        "token_link": opened.link,
        "join_url": "" if referral.receiving_organization.is_partner else join_path(referral),
    }


def _open(request: HttpRequest, token: str) -> tuple[links.Opened | None, HttpResponse | None]:
    opened = links.open_link(token)
    if opened is None:
        return None, _refused(request, 404)
    if opened.state == links.LinkState.GONE:
        return None, _refused(request, 410)
    if opened.state == links.LinkState.CLOSED:
        return None, _closed(request, opened, 200 if request.method == "GET" else 410)
    return opened, None


def _page(request: HttpRequest, opened: links.Opened, *, status: int = 200, **forms) -> HttpResponse:
    referral = opened.referral
    context = {
        **_base_context(opened),
        "token": request.resolver_match.kwargs["token"],
        "notes": referral.notes.select_related("author", "organization"),
        "start_form": forms.get("start_form") or LinkStartForm(initial={"version": referral.version}),
        "note_form": forms.get("note_form") or LinkNoteForm(),
        "started_here": opened.link.started_at is not None,
    }
    log_action(
        None,
        REFERRAL_VIEWED,
        referral,
        resident=referral.resident_id,
        legal_basis="referral",
        actor_label=links.ACTOR_LABEL,
        data={"link": opened.link.pk, "sent_to": links.masked_contact(opened.link.contact)},
    )
    return _private(render(request, "referrals/link/page.html", context, status=status))


def _current(request: HttpRequest, token: str, message: str) -> HttpResponse:
    """After a refused change: the referral as it is now, with why nothing was saved."""
    messages.warning(request, message)
    opened = links.open_link(token)
    if opened is None or opened.state == links.LinkState.GONE:
        return _refused(request, 410)
    if opened.state == links.LinkState.CLOSED:
        return _closed(request, opened, 409)
    return _page(request, opened, status=409)


_NOTHING_SAVED = gettext_lazy(
    "This referral changed since the page was opened. Here it is now; nothing you sent was saved."
)


@never_cache
@require_safe
def link_page(request: HttpRequest, token: str) -> HttpResponse:
    opened, refusal = _open(request, token)
    return refusal or _page(request, opened)


@never_cache
@require_POST
def link_start(request: HttpRequest, token: str) -> HttpResponse:
    opened, refusal = _open(request, token)
    if refusal:
        return refusal
    form = LinkStartForm(request.POST)
    if not form.is_valid():
        return _page(request, opened, status=400, start_form=form)
    try:
        actions.change_status(
            actor=None,
            referral=opened.referral,
            to_status=Status.IN_PROGRESS,
            expected_version=form.cleaned_data["version"],
            link=opened.link,
            name=form.cleaned_data["name"],
        )
    except actions.ReferralChanged:
        return _current(request, token, str(_NOTHING_SAVED))
    except links.LinkRefused:
        return _current(request, token, _("This was already done from this link. Nothing was changed."))
    except ValidationError as error:
        return _current(request, token, " ".join(error.messages))
    messages.success(request, _("Marked In progress. The organization that sent it can see this."))
    return _private(redirect("referrals:link", token))


@never_cache
@require_POST
def link_note(request: HttpRequest, token: str) -> HttpResponse:
    opened, refusal = _open(request, token)
    if refusal:
        return refusal
    form = LinkNoteForm(request.POST)
    if not form.is_valid():
        return _page(request, opened, status=400, note_form=form)
    try:
        actions.add_note(
            actor=None,
            referral=opened.referral,
            body=form.cleaned_data["body"],
            link=opened.link,
            name=form.cleaned_data["name"],
        )
    except links.LinkRefused:
        return _refused(request, 410)
    except ValidationError as error:
        form.add_error("body", error.messages)
        return _page(request, opened, status=400, note_form=form)
    messages.success(request, _("Note added."))
    return _private(redirect("referrals:link", token))


@never_cache
@require_http_methods(["GET", "POST"])
def link_close(request: HttpRequest, token: str) -> HttpResponse:
    opened, refusal = _open(request, token)
    if refusal:
        return refusal
    referral = opened.referral
    form = LinkCloseForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            closing.close_referral(actor=None, referral=referral, link=opened.link, name=form.cleaned_data["name"],
                                   **form.outcome())  # fmt: skip
        except actions.ReferralChanged:
            return _current(request, token, str(_NOTHING_SAVED))
        except links.LinkRefused:
            return _current(request, token, _("This referral was already closed from this link."))
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _private(
                render(request, "referrals/link/closed.html", {**_base_context(opened), "just_closed": True})
            )
    status = 400 if request.method == "POST" else 200
    context = {**_base_context(opened), "form": form, "token": token}
    return _private(render(request, "referrals/link/close.html", context, status=status))
