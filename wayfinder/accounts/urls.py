from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("2fa/continue/", views.mfa_continue, name="mfa_continue"),
]
