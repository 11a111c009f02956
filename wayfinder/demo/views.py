"""The demo mailbox page: every email and text the demo sent, newest first."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import mailbox as demo_mailbox


@never_cache
@require_safe
def mailbox(request: HttpRequest) -> HttpResponse:
    """Open to anyone, in demo mode only (the demo's people have no real inboxes);
    outside demo mode the page does not exist."""
    if not settings.DEMO_MODE:
        raise Http404
    page = Paginator(demo_mailbox.messages(), 50).get_page(request.GET.get("page"))
    return render(request, "demo/mailbox.html", {"page": page})
