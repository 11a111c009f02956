from django.urls import path

from . import views

app_name = "hie_inbound"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:item_id>/", views.decide, name="decide"),
]
