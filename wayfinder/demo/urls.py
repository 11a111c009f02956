from django.urls import path

from . import views

app_name = "demo"

urlpatterns = [
    path("mailbox/", views.mailbox, name="mailbox"),
]
