from django.urls import path

from . import myplan

app_name = "my_plan"

urlpatterns = [
    path("", myplan.home, name="home"),
    path("connect/", myplan.link_account, name="link"),
    path("consents/", myplan.consents, name="consents"),
    path("consents/grant/", myplan.grant, name="grant"),
    path("consents/<uuid:consent_id>/revoke/", myplan.revoke, name="revoke"),
    path("who-viewed/", myplan.access_log, name="access_log"),
    path("privacy/", myplan.privacy, name="privacy"),
    path("history.pdf", myplan.print_history, name="print"),
]
