from django.urls import path

from . import views, views_create, views_settings, views_specialist

app_name = "referrals"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views_settings.notification_settings, name="notification_settings"),
    path("sent/", views.outbox, name="outbox"),
    path("new/<uuid:resident_id>/", views_create.create, name="create"),
    path("new/<uuid:resident_id>/favorites/", views_create.create_from_favorites, name="create_from_favorites"),
    path("self/<uuid:service_id>/", views_create.self_refer, name="self_refer"),
    path("follow-ups/", views_specialist.queue, name="specialist_queue"),
    path("follow-ups/<int:follow_up_id>/", views_specialist.follow_up, name="follow_up"),
    path("follow-ups/<int:follow_up_id>/outreach/", views_specialist.record_outreach, name="record_outreach"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/status/", views.change_status, name="change_status"),
    path("<uuid:referral_id>/assign/", views.assign, name="assign"),
    path("<uuid:referral_id>/notes/", views.add_note, name="add_note"),
    path("<uuid:referral_id>/close/", views.close, name="close"),
    path("<uuid:referral_id>/specialist-close/", views_specialist.specialist_close, name="specialist_close"),
]
