from django.urls import path

from . import views_join, views_onboarding, views_review, views_staff, views_types, views_workspace

app_name = "partners"

urlpatterns = [
    # Public: join as a community partner.
    path("join/", views_join.join, name="join"),
    path("join/search/", views_join.claim_search, name="claim_search"),
    path("join/claim/<uuid:organization_id>/", views_join.claim_form, name="claim_form"),
    path("join/new-organization/", views_join.new_organization, name="new_organization"),
    path("join/submitted/", views_join.request_submitted, name="request_submitted"),
    # The one-time links of the welcome email.
    path("welcome/<str:token>/", views_onboarding.accept_new, name="accept_new"),
    path("welcome/<str:token>/existing-account/", views_onboarding.accept_existing, name="accept_existing"),
    # Final onboarding.
    path("onboarding/agreement/", views_onboarding.agreement, name="agreement"),
    path("onboarding/training/", views_onboarding.training_list, name="training"),
    path("onboarding/training/finish/", views_onboarding.training_finish, name="training_finish"),
    path("onboarding/training/<slug:slug>/", views_onboarding.training_module, name="training_module"),
    # Workspace.
    path("workspace/", views_workspace.dashboard, name="dashboard"),
    path("workspace/organization/", views_workspace.organization, name="organization"),
    path("workspace/organization/edit/", views_workspace.organization_edit, name="organization_edit"),
    path("workspace/organization/locations/new/", views_workspace.location_edit, name="location_add"),
    path("workspace/organization/locations/<uuid:location_id>/", views_workspace.location_edit, name="location_edit"),
    path("workspace/organization/services/new/", views_workspace.service_edit, name="service_add"),
    path("workspace/organization/services/<uuid:service_id>/", views_workspace.service_edit, name="service_edit"),
    path("workspace/favorites/", views_workspace.favorite_list, name="favorites"),
    path("workspace/favorites/add/", views_workspace.favorite_add, name="favorite_add"),
    path("workspace/favorites/<int:favorite_id>/remove/", views_workspace.favorite_remove, name="favorite_remove"),
    path("workspace/favorites/<int:favorite_id>/move/", views_workspace.favorite_move, name="favorite_move"),
    path("workspace/staff/", views_staff.staff_list, name="staff"),
    path("workspace/staff/add/", views_staff.staff_add, name="staff_add"),
    path("workspace/staff/<int:membership_id>/", views_staff.staff_detail, name="staff_detail"),
    path("workspace/staff/<int:membership_id>/deactivate/", views_staff.staff_deactivate, name="staff_deactivate"),
    path("workspace/staff/<int:membership_id>/reactivate/", views_staff.staff_reactivate, name="staff_reactivate"),
    path(
        "workspace/staff/invitations/<int:invitation_id>/resend/",
        views_staff.invitation_resend,
        name="invitation_resend",
    ),
    # United Way review.
    path("review/", views_review.review_queue, name="review_queue"),
    path("review/<int:request_id>/", views_review.review_detail, name="review_detail"),
    path("review/<int:request_id>/approve/", views_review.review_approve, name="review_approve"),
    path("review/<int:request_id>/reject/", views_review.review_reject, name="review_reject"),
    path("review/partner-edits/", views_review.change_history, name="change_history"),
    path("review/organizations/", views_types.organization_types, name="organization_types"),
    path("review/organizations/<uuid:organization_id>/", views_types.organization_type, name="organization_type"),
]
