from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("request/<uuid:resident_id>/", views.request_consent, name="request"),
    path("contact/<uuid:resident_id>/", views.add_contact, name="add_contact"),
    path("verbal/<uuid:resident_id>/", views.verbal_consent, name="verbal"),
    path("r/<str:token>/", views.respond, name="respond"),
    path("v/<str:token>/", views.verify_contact, name="verify_contact"),
    path("x/<str:token>/", views.revoke_link, name="revoke_link"),
]
