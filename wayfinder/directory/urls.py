from django.urls import path

from . import views, views_service, views_share

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.results, name="search"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("services/<uuid:service_id>/", views_service.service, name="service"),
    path("services/<uuid:service_id>/report/", views_service.report_problem, name="report_problem"),
    path("services/<uuid:service_id>/did-not-work/", views_service.did_not_work, name="did_not_work"),
    path("my-list/", views_share.my_list, name="my_list"),
    path("my-list/add/", views_share.list_add, name="list_add"),
    path("my-list/remove/", views_share.list_remove, name="list_remove"),
    path("shared/", views_share.shared_list, name="shared_list"),
    path("share/", views_share.share, name="share"),
    path("print/", views_share.print_list, name="print"),
    path("print.pdf", views_share.pdf_list, name="pdf"),
]
