"""/fhir/ (docs/exchange.md)."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("", views.root, name="root"),
    path("metadata", views.metadata, name="metadata"),
    path(".well-known/smart-configuration", views.smart_configuration, name="smart_configuration"),
    path("auth/token", views.token, name="token"),
    path("<str:resource_type>", views.type_level, name="type"),
    path("<str:resource_type>/<str:resource_id>", views.instance, name="instance"),
]
