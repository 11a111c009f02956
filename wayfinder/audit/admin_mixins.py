"""Django admin writes the audit log too: every add, change and delete a system
administrator makes there (inlines included) is one entry with the values before
and after. A model admin is either ``AuditedAdmin`` or read-only
(``ReadOnlyAdmin``); ``tests/test_admin_audit.py`` fails on any other.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import BaseFormSet, Form
from django.http import HttpRequest

from wayfinder.lib.masking import MASK, is_sensitive_key

from . import names
from .log import log_action


def plain(value: Any) -> Any:
    """A JSON-friendly form of a form or model value (objects by id)."""
    if isinstance(value, Model):
        return f"{value._meta.label_lower}:{value.pk}"
    if isinstance(value, QuerySet | list | tuple | set):
        return [plain(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def form_changes(form: Form) -> dict[str, dict[str, Any]]:
    """Field -> {"before", "after"} for what the form changed. Secrets (passwords,
    keys) are recorded as changed, never with their values."""
    changes = {}
    for name in form.changed_data:
        if is_sensitive_key(name):
            changes[name] = {"before": MASK, "after": MASK}
            continue
        before, after = plain(form.initial.get(name)), plain(form.cleaned_data.get(name))
        if before != after:  # a form may call "[]" changed into []
            changes[name] = {"before": before, "after": after}
    return changes


def snapshot(obj: Model) -> dict[str, Any]:
    """Every concrete field of ``obj`` (what a deletion removes)."""
    return {
        field.attname: MASK if is_sensitive_key(field.attname) else plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
    }


def log_admin(request: HttpRequest, action: str, obj: Model, data: dict[str, Any]) -> None:
    log_action(request.user, action, obj, purpose="django_admin", data={"model": obj._meta.label_lower, **data})


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose every write is audited (before/after)."""

    def save_model(self, request: HttpRequest, obj: Model, form: Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        log_admin(request, names.ADMIN_CHANGED if change else names.ADMIN_ADDED, obj, {"changes": form_changes(form)})

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        before, pk = snapshot(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk  # Django clears it on delete; the entry names the row that was removed
        log_admin(request, names.ADMIN_DELETED, obj, {"before": before})

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        rows = [(obj, obj.pk, snapshot(obj)) for obj in queryset]
        super().delete_queryset(request, queryset)
        for obj, pk, before in rows:
            obj.pk = pk
            log_admin(request, names.ADMIN_DELETED, obj, {"before": before, "bulk": True})

    def get_actions(self, request: HttpRequest) -> dict:
        """Bulk actions ("mark verified"...) write outside save_model: each is audited
        with the objects it was run on. Deleting goes through ``delete_queryset``."""
        wrapped = {}
        for name, (function, action_name, description) in super().get_actions(request).items():
            if action_name == "delete_selected":
                wrapped[name] = (function, action_name, description)
            else:
                wrapped[name] = (_audited_action(function, action_name), action_name, description)
        return wrapped

    def save_formset(self, request: HttpRequest, form: Form, formset: BaseFormSet, change: bool) -> None:
        """Inline rows: each added, changed or deleted row is an entry of its own."""
        deleted = {id(f.instance): snapshot(f.instance) for f in getattr(formset, "deleted_forms", []) if f.instance.pk}
        changed_forms = [f for f in formset.forms if f.has_changed() and f not in getattr(formset, "deleted_forms", [])]
        super().save_formset(request, form, formset, change)
        for inline_form in changed_forms:
            instance = inline_form.instance
            if instance.pk is None:
                continue
            action = names.ADMIN_CHANGED if inline_form.initial else names.ADMIN_ADDED
            log_admin(request, action, instance, {"changes": form_changes(inline_form), "inline": True})
        for obj in getattr(formset, "deleted_objects", []):
            if obj.pk is None:
                obj.pk = deleted.get(id(obj), {}).get(obj._meta.pk.attname)
            log_admin(request, names.ADMIN_DELETED, obj, {"before": deleted.get(id(obj), {}), "inline": True})


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown in Django admin, never written there (nothing to audit)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def is_audited_or_read_only(model_admin: admin.ModelAdmin) -> bool:
    return isinstance(model_admin, AuditedAdmin | ReadOnlyAdmin)


def _audited_action(function: Any, action_name: str) -> Any:
    def run(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> Any:
        objects = list(queryset)
        result = function(model_admin, request, queryset)
        for obj in objects:
            log_admin(request, names.ADMIN_CHANGED, obj, {"bulk_action": action_name})
        return result

    run.__name__ = getattr(function, "__name__", action_name)
    return run
