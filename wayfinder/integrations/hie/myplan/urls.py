from django.urls import path

from . import views

app_name = "hie_my_plan"
urlpatterns = [
    path("", views.sharing, name="sharing"),
]
