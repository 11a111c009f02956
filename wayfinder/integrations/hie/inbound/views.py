"""The match queue page (docs/exchange.md, "Patient matching"): received Patients no
single resident matched, with their candidates; link or discard.

System administrators only: deciding needs the date of birth and the needs, which
referral specialists never see (docs/security.md, "Contact details in the
referral specialists' queue")."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wayfinder.accounts.access import system_admin_required
from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.residents.models import Resident

from .actions import QueueError, discard_patient, link_patient
from .models import MatchQueueItem


@system_admin_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    items = list(
        MatchQueueItem.objects.filter(status=MatchQueueItem.Status.WAITING)
        .select_related("patient", "patient__client")
        .prefetch_related("candidates")
        .order_by("created_at")[:200]
    )
    log_action(request.user, names.HIE_MATCH_QUEUE_VIEWED, data={"shown": len(items)})
    rows = []
    for item in items:
        resource = item.patient.resource
        name = (resource.get("name") or [{}])[-1]
        rows.append(
            {
                "item": item,
                "name": " ".join([*(name.get("given") or []), name.get("family") or ""]).strip(),
                "birth_date": resource.get("birthDate", ""),
                "about": item.patient.about.count(),
                "candidates": list(item.candidates.all()),
            }
        )
    return render(request, "hie/match_queue.html", {"rows": rows})


@system_admin_required
@require_POST
def decide(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        if request.POST.get("action") == "discard":
            discard_patient(item_id, actor=request.user)
            messages.success(request, _("Discarded."))
        else:
            resident = Resident.objects.filter(pk=request.POST.get("resident") or None).first()
            if resident is None:
                raise QueueError(_("Choose the resident this patient is."))
            link_patient(item_id, resident, actor=request.user)
            messages.success(request, _("Linked: the exchange's data is filed on the record."))
    except (QueueError, ValueError) as error:
        messages.error(request, str(error))
    return redirect("hie_inbound:queue")
