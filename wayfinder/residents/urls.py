from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("", views.client_search, name="client_search"),
    path("new/", views.create_client, name="create"),
    path("access-log/", views.access_log_export, name="access_log_export"),
    path("<uuid:resident_id>/", views.detail, name="detail"),
    path("<uuid:resident_id>/notes/", views.add_note, name="add_note"),
]
