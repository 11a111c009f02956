"""Creating referrals: organization → location → service → submit (docs/product.md 5.1),
several at once from favorites, and a resident referring themselves."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wayfinder.accounts.access import ResidentRequest, StaffRequest, resident_required, staff_required
from wayfinder.lib.responses import gone

from . import actions, form_tokens, selectors
from .forms import CreateForm, SelfReferralForm
from .models import Origin


def _resident_for_referral(request: HttpRequest, resident_id):
    """The resident and the access, if the staff member may refer them (any visible
    record: a referral never needs consent, docs/product.md 4.3)."""
    from wayfinder.residents.selectors import resident_for

    return resident_for(request.user, resident_id, purpose="create_referral")


def _open_duplicates(request: HttpRequest, resident, access, service_ids) -> dict:
    """Open referrals of the resident to these services that this organization may
    know about (all of them with consent, its own without: selectors.open_referrals_to)."""
    organization = None if access.full else request.organization
    return selectors.open_referrals_to(resident, service_ids, organization=organization)


def _with_fresh_token(form_class, request: HttpRequest, resident, kind: str, **form_kwargs):
    """The posted form again with a new token (the old one was expired or forged)."""
    data = request.POST.copy()
    data["form_token"] = form_tokens.issue(request.user, resident, kind)
    form = form_class(data, **form_kwargs)
    form.is_valid()
    form.add_error(
        None, _("This form was open for too long or came from another page. Check the details and send it again.")
    )
    return form


def _already_sent(request: HttpRequest, referral) -> None:
    messages.info(
        request,
        _("This referral was already sent on %(date)s; nothing new was sent.")
        % {"date": date_format(timezone.localtime(referral.created_at), "DATETIME_FORMAT")},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def create(request: StaffRequest, resident_id) -> HttpResponse:
    """One page per step, driven by the query string so it works without JavaScript
    and the back button does what people expect."""
    resident, access = _resident_for_referral(request, resident_id)
    context: dict = {"resident": resident, "organization": request.organization}
    org_id, location_id, service_id = (request.GET.get(k) or "" for k in ("org", "location", "service"))
    target = selectors.organization_to_refer_to(org_id)
    if target is None:
        query = request.GET.get("q", "").strip()
        context.update(
            query=query,
            favorites=selectors.favorites_of(request.organization),
            favorites_token=form_tokens.issue(request.user, resident, form_tokens.FAVORITES_FORM),
        )
        if query:
            context["results"] = selectors.organizations_to_refer_to(query)
        return render(request, "referrals/create_organization.html", context)
    context["target"] = target
    locations = selectors.referral_locations(target)
    location = next((loc for loc in locations if str(loc.pk) == location_id), None)
    if location is None and len(locations) > 1 and not service_id:
        context["locations"] = locations
        return render(request, "referrals/create_location.html", context)
    location = location or (locations[0] if len(locations) == 1 else None)
    services = selectors.referral_services(target, location)
    service = next((svc for svc in services if str(svc.pk) == service_id), None)
    if service is None:
        context.update(location=location, services=services)
        return render(request, "referrals/create_service.html", context)
    form = CreateForm(
        request.POST or None, initial={"form_token": form_tokens.issue(request.user, resident, form_tokens.STAFF_FORM)}
    )
    duplicates = _open_duplicates(request, resident, access, [service.pk]).get(str(service.pk), [])
    context.update(location=location, service=service, duplicates=duplicates)
    if request.method == "POST" and form.is_valid():
        key = form_tokens.redeem(form.cleaned_data["form_token"], request.user, resident, form_tokens.STAFF_FORM)
        made = selectors.referral_made_by_form(key, service) if key else None
        if key is None:
            form = _with_fresh_token(CreateForm, request, resident, form_tokens.STAFF_FORM)
        elif made is not None:
            _already_sent(request, made)
            return redirect("referrals:detail", made.pk)
        elif duplicates and not form.cleaned_data["confirm_duplicate"]:
            form.add_error("confirm_duplicate", _("Tick the box to send another referral, or open the one above."))
        else:
            try:
                referral, created = actions.create_referral_once(
                    form_token=key,
                    actor=request.user,
                    resident=resident,
                    service=service,
                    location=location,
                    sending_organization=request.organization,
                    note=form.cleaned_data["note"],
                    pre_consent=form.cleaned_data["pre_consent"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if created:
                    messages.success(request, _("Referral sent to %(org)s.") % {"org": target.name})
                else:
                    _already_sent(request, referral)
                return redirect("referrals:detail", referral.pk)
    context["form"] = form
    return render(request, "referrals/create_confirm.html", context, status=400 if form.errors else 200)


@require_POST
@staff_required
def create_from_favorites(request: StaffRequest, resident_id) -> HttpResponse:
    """Several referrals in one step: every ticked favorite becomes a referral.
    The form is safe to send twice (its token), and services the resident already
    has an open referral to are listed for confirmation first."""
    resident, access = _resident_for_referral(request, resident_id)
    favorite_service_ids = {str(fav.service_id) for fav in selectors.favorites_of(request.organization)}
    chosen = [sid for sid in dict.fromkeys(request.POST.getlist("service")) if sid in favorite_service_ids]
    if not chosen:
        messages.error(request, _("Tick at least one service from your favorites."))
        return redirect("referrals:create", resident.pk)
    key = form_tokens.redeem(request.POST.get("form_token", ""), request.user, resident, form_tokens.FAVORITES_FORM)
    if key is None:
        messages.error(
            request, _("This form was open for too long or came from another page. Tick the services again.")
        )
        return redirect("referrals:create", resident.pk)
    made = selectors.referrals_made_by_form(key)
    if made:
        _already_sent(request, made[0])
        return redirect("referrals:outbox")
    duplicates = _open_duplicates(request, resident, access, chosen)
    if duplicates and request.POST.get("skip_duplicates") == "on":
        chosen = [sid for sid in chosen if sid not in duplicates]
    elif duplicates and request.POST.get("confirm_duplicate") != "on":
        return _confirm_favorites(request, resident, chosen, duplicates)
    if not chosen:
        messages.info(request, _("Nothing was sent: every service you ticked already has an open referral."))
        return redirect("referrals:create", resident.pk)
    services = selectors.services_by_ids(chosen)
    choices = [actions.ServiceChoice(service, selectors.single_location(service)) for service in services]
    try:
        referrals, created = actions.create_referrals_once(
            form_token=key,
            actor=request.user,
            resident=resident,
            choices=choices,
            sending_organization=request.organization,
            note=request.POST.get("note", "")[:4000],
            pre_consent=request.POST.get("pre_consent") == "on",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:create", resident.pk)
    if not created:
        _already_sent(request, referrals[0])
        return redirect("referrals:outbox")
    count = len(referrals)
    messages.success(
        request, ngettext("%(count)d referral sent.", "%(count)d referrals sent.", count) % {"count": count}
    )
    return redirect("referrals:outbox")


def _confirm_favorites(request: HttpRequest, resident, chosen: list[str], duplicates: dict) -> HttpResponse:
    """The confirmation step before referrals the resident already has open: the
    form comes back with every field the person sent (hidden) and two choices."""
    services = {str(s.pk): s for s in selectors.services_by_ids(chosen)}
    carried = [
        (name, value)
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", "confirm_duplicate", "skip_duplicates"}
        for value in request.POST.getlist(name)
    ]
    context = {
        "resident": resident,
        "carried": carried,
        "duplicates": [(services[sid], duplicates[sid]) for sid in chosen if sid in duplicates],
        "new_count": sum(1 for sid in chosen if sid not in duplicates),
    }
    return render(request, "referrals/create_favorites_confirm.html", context)


@resident_required(linked=True)
@require_http_methods(["GET", "POST"])
def self_refer(request: ResidentRequest, service_id) -> HttpResponse:
    """A signed-in resident refers themselves from a service page, in two steps:
    a confirmation page (what happens next, an optional note), then the referral.
    The service page's button lands on the confirmation; only its own form
    (``step=send``) creates the referral, once (form_tokens). Staff refer residents
    from the resident's record (``resident_required``: 403)."""
    resident = request.resident
    service = selectors.service_for_self_referral(service_id)
    if service.status != "active":
        return gone(request, _("This service is no longer offered, so you cannot refer yourself to it."))
    sending = request.method == "POST" and request.POST.get("step") == "send"
    form = SelfReferralForm(
        request.POST if sending else None,
        organization_name=service.organization.name,
        initial={
            "form_token": form_tokens.issue(request.user, resident, form_tokens.SELF_FORM),
            # Ticked on the service page: carried to this step, still hers to untick.
            "share_record": request.POST.get("share_record") == "on",
        },
    )
    duplicates = selectors.open_referrals_to(resident, [service.pk]).get(str(service.pk), [])
    if sending and form.is_valid():
        key = form_tokens.redeem(form.cleaned_data["form_token"], request.user, resident, form_tokens.SELF_FORM)
        made = selectors.referral_made_by_form(key, service) if key else None
        if key is None:
            form = _with_fresh_token(
                SelfReferralForm, request, resident, form_tokens.SELF_FORM, organization_name=service.organization.name
            )
        elif made is not None:
            _already_sent(request, made)
            return redirect("referrals:detail", made.pk)
        elif duplicates and not form.cleaned_data["confirm_duplicate"]:
            form.add_error("confirm_duplicate", _("Tick the box to send another referral, or open the one above."))
        else:
            try:
                referral, created = actions.create_referral_once(
                    form_token=key,
                    actor=request.user,
                    resident=resident,
                    service=service,
                    location=selectors.single_location(service),
                    origin=Origin.SELF,
                    note=form.cleaned_data["note"],
                    pre_consent=form.cleaned_data["share_record"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, getattr(error, "messages", [str(error)]))
            else:
                if created:
                    messages.success(
                        request,
                        _("You referred yourself to %(org)s. They will contact you.")
                        % {"org": service.organization.name},
                    )
                else:
                    _already_sent(request, referral)
                return redirect("referrals:detail", referral.pk)
    context = {
        "service": service,
        "resident": resident,
        "form": form,
        "duplicates": duplicates,
        "contacts": selectors.resident_contacts_on_file(resident),
    }
    return render(request, "referrals/self_refer.html", context, status=400 if form.errors else 200)
