"""/hie/ (docs/exchange.md, "C-CDA")."""

from __future__ import annotations

from django.urls import path

from . import views

app_name = "hie"

urlpatterns = [path("ccda/<str:patient_id>", views.ccda, name="ccda")]
