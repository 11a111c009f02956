from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from wayfinder import views
from wayfinder.api import api

# Django admin signs in through allauth, so MFA and throttling apply there too.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Wayfinder administration"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("accounts/", include("wayfinder.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("clients/", include("wayfinder.residents.urls")),
    path("consent/", include("wayfinder.consent.urls")),
    path("sms/", include("wayfinder.consent.sms_urls")),
    # The resident's choice to share with the exchange (a My Plan page the exchange owns).
    path("my-plan/health-information-exchange/", include("wayfinder.integrations.hie.myplan.urls")),
    path("my-plan/", include("wayfinder.residents.myplan_urls")),
    path("referrals/", include("wayfinder.referrals.urls")),
    path("assessments/", include("wayfinder.assessments.urls")),
    path("partners/", include("wayfinder.partners.urls")),
    path("metrics/", include("wayfinder.metrics.urls")),
    # The FHIR server for the health information exchange (bearer tokens only, docs/exchange.md).
    path("fhir/", include("wayfinder.integrations.hie.fhir.urls")),
    path("hie/", include("wayfinder.integrations.hie.ccda.urls")),
    path("hie/match-queue/", include("wayfinder.integrations.hie.inbound.urls")),
    # The demo mailbox (a 404 outside demo mode).
    path("demo/", include("wayfinder.demo.urls")),
    path("", include("wayfinder.integrations.launch.urls")),
    path("", include("wayfinder.directory.urls")),
]
