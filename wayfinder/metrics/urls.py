from django.urls import path

from . import views, views_incentives

app_name = "metrics"

urlpatterns = [
    path("", views.organization, name="organization"),
    path("table/<slug:table>.csv", views.organization_csv, name="organization_csv"),
    path("statewide/", views.statewide, name="statewide"),
    path("statewide/<slug:table>.csv", views.statewide_csv, name="statewide_csv"),
    path("public/", views.public_page, name="public"),
    path("public/<slug:table>.csv", views.public_csv, name="public_csv"),
    path("definitions/", views.definitions, name="definitions"),
    path("incentives/", views_incentives.report_list, name="incentive_reports"),
    path("incentives/held/", views_incentives.held_items, name="held_items"),
    path("incentives/held/decide/", views_incentives.decide_held, name="decide_held"),
    path("incentives/<int:report_id>/", views_incentives.report_detail, name="incentive_report"),
    path("incentives/<int:report_id>/payments.csv", views_incentives.report_csv, name="incentive_csv"),
    path("incentives/<int:report_id>/statements.pdf", views_incentives.report_pdf, name="incentive_pdf"),
]
