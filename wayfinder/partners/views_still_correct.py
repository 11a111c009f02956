"""The page behind the reminder email's "still correct" link (issue #21 item 3): no
sign-in; what the link may do is ``still_correct``'s rule. Opening it changes nothing
(mail scanners open links); its one button confirms."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import still_correct
from .still_correct import State


@never_cache
@require_http_methods(["GET", "POST"])
def still_correct_link(request: HttpRequest, token: str) -> HttpResponse:
    checked = still_correct.check(token)
    if checked is None:
        return _private(render(request, "partners/still_correct.html", {"state": "unknown"}, status=404))
    done_now = None
    status = 200
    if request.method == "POST":
        if checked.state == State.OPEN:
            done_now = still_correct.confirm(checked)
        else:
            status = 409 if checked.state == State.DONE else 410
    elif checked.state == State.GONE:
        status = 410
    context = {
        "state": "confirmed" if done_now is not None else checked.state,
        "service": checked.service,
        "confirmed": done_now or checked.confirmed,
        "token": token,
    }
    return _private(render(request, "partners/still_correct.html", context, status=status))


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the URL: no Referer to other sites, no search engine."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
