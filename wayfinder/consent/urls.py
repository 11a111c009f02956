from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("request/<uuid:resident_id>/", views.request_consent, name="request"),
    path("verbal/<uuid:resident_id>/", views.verbal_consent, name="verbal"),
    path("r/<str:token>/", views.respond, name="respond"),
]
