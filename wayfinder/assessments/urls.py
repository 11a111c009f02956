from django.urls import path

from . import views, views_records, views_staff

app_name = "assessments"

urlpatterns = [
    # Anyone: the needs assessment, results with suggestions, save to My Plan, print.
    path("", views.index, name="index"),
    path("take/<slug:key>/", views.start, name="start"),
    path("take/<slug:key>/<int:number>/", views.step_view, name="step"),
    path("take/<slug:key>/results/", views.results, name="results"),
    path("take/<slug:key>/results.pdf", views.results_pdf, name="results_pdf"),
    path("take/<slug:key>/save/", views.save, name="save"),
    # Staff with a resident (consent required).
    path("clients/<uuid:resident_id>/<slug:key>/", views_staff.staff_start, name="staff_start"),
    path("clients/<uuid:resident_id>/<slug:key>/<int:number>/", views_staff.staff_step, name="staff_step"),
    path("clients/<uuid:resident_id>/<slug:key>/review/", views_staff.staff_review, name="staff_review"),
    # Completed assessments and needs.
    path("responses/<uuid:assessment_id>/", views_records.detail, name="detail"),
    path("responses/<uuid:assessment_id>/print.pdf", views_records.detail_pdf, name="detail_pdf"),
    path("needs/<int:need_id>/status/", views_records.mark_need, name="mark_need"),
    path("suggested-for-me/", views_records.suggested, name="suggested"),
]
