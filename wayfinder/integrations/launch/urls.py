from django.urls import path

from . import views

app_name = "launch"

# "/launch?iss=…&launch=…" is the address registered with the exchange (SMART App Launch).
urlpatterns = [
    path("launch", views.start, name="start"),
    path("launch/callback", views.callback, name="callback"),
    path("launch/sign-in/", views.sign_in, name="sign_in"),
    path("launch/notice/", views.notice, name="notice"),
    path("launch/landing/", views.landing, name="landing"),
]
