"""Partners URLs (issue #5): joining, onboarding links and steps, the partner
workspace (staff, organization, favorites) and United Way review.

Object URLs use ids that match nothing: a partner admin gets 404 there, exactly
as for another organization's object (the organization always comes from the
membership, never from the URL); wayfinder/partners/tests/ prove the
cross-organization 404s with real objects.
"""

from tests.permission_table import Rule, everyone, only

SHELTER = "6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a03"  # demo organization nobody has claimed
FOOD_BANK = "6f1c8a52-8d0e-4a2b-9a61-2f6b1d0c0a01"  # claimed and onboarded
MISSING_UUID = "00000000-0000-4000-8000-000000000000"
MEMBERS = ("org_staff", "org_admin", "other_org_staff")
ADMIN = ("org_admin",)
REVIEWERS = ("reviewer", "system_admin")


def members(status: int = 200) -> dict[str, int]:
    return only(MEMBERS, status)


def admins(status: int = 200) -> dict[str, int]:
    return only(ADMIN, status)


RULES = [
    # --- public: join as a community partner --------------------------------------
    Rule("partners:join", "/partners/join/", everyone(200)),
    Rule("partners:claim_search", "/partners/join/search/?q=food", everyone(200)),
    Rule("partners:claim_form", f"/partners/join/claim/{SHELTER}/", everyone(200)),
    Rule("partners:claim_form", f"/partners/join/claim/{FOOD_BANK}/", everyone(200)),  # "already claimed"
    Rule("partners:claim_form", f"/partners/join/claim/{MISSING_UUID}/", everyone(404)),
    # A form posted with missing fields: the errors, nothing saved.
    Rule("partners:claim_form", f"/partners/join/claim/{SHELTER}/", everyone(200), method="POST"),
    Rule("partners:new_organization", "/partners/join/new-organization/", everyone(200)),
    Rule("partners:new_organization", "/partners/join/new-organization/", everyone(200), method="POST"),
    Rule("partners:request_submitted", "/partners/join/submitted/", everyone(200)),
    # --- one-time links: an unknown token is not found, whoever asks ---------------
    Rule("partners:accept_new", "/partners/welcome/not-a-real-token/", everyone(404), audited_404=False),
    Rule(
        "partners:accept_existing",
        "/partners/welcome/not-a-real-token/existing-account/",
        everyone(404),
        audited_404=False,
    ),
    # --- final onboarding: members of an organization only --------------------------
    Rule("partners:agreement", "/partners/onboarding/agreement/", members()),
    Rule("partners:training", "/partners/onboarding/training/", members()),
    Rule("partners:training_module", "/partners/onboarding/training/privacy-security/", members()),
    Rule(
        "partners:training_module", "/partners/onboarding/training/no-such-training/", members(404), audited_404=False
    ),
    # Demo members were onboarded by the administrator: "Next" takes them to the workspace.
    Rule("partners:training_finish", "/partners/onboarding/training/finish/", members(302), method="POST"),
    # --- workspace: every member; admin-only pages refuse staff -------------------
    Rule("partners:dashboard", "/partners/workspace/", members()),
    Rule("partners:organization", "/partners/workspace/organization/", members()),
    Rule("partners:organization_edit", "/partners/workspace/organization/edit/", admins()),
    Rule("partners:organization_edit", "/partners/workspace/organization/edit/", admins(200), method="POST"),
    Rule("partners:location_add", "/partners/workspace/organization/locations/new/", admins()),
    Rule("partners:location_edit", f"/partners/workspace/organization/locations/{MISSING_UUID}/", admins(404)),
    Rule("partners:service_add", "/partners/workspace/organization/services/new/", admins()),
    Rule("partners:service_edit", f"/partners/workspace/organization/services/{MISSING_UUID}/", admins(404)),
    Rule("partners:favorites", "/partners/workspace/favorites/", members()),
    Rule(
        "partners:favorite_add",
        "/partners/workspace/favorites/add/",
        members(404),
        method="POST",
        data={"service_id": MISSING_UUID},
    ),
    Rule("partners:favorite_remove", "/partners/workspace/favorites/999999/remove/", members(404), method="POST"),
    Rule(
        "partners:favorite_move",
        "/partners/workspace/favorites/999999/move/",
        members(404),
        method="POST",
        data={"direction": "up"},
    ),
    Rule("partners:staff", "/partners/workspace/staff/", admins()),
    Rule("partners:staff_add", "/partners/workspace/staff/add/", admins()),
    Rule("partners:staff_add", "/partners/workspace/staff/add/", admins(200), method="POST"),
    Rule("partners:staff_detail", "/partners/workspace/staff/999999/", admins(404)),
    Rule("partners:staff_deactivate", "/partners/workspace/staff/999999/deactivate/", admins(404), method="POST"),
    Rule("partners:staff_reactivate", "/partners/workspace/staff/999999/reactivate/", admins(404), method="POST"),
    Rule(
        "partners:invitation_resend",
        "/partners/workspace/staff/invitations/999999/resend/",
        admins(404),
        method="POST",
    ),
    # --- United Way review (system administrators pass too) ----------------------
    Rule("partners:review_queue", "/partners/review/", only(REVIEWERS)),
    Rule("partners:review_detail", "/partners/review/999999/", only(REVIEWERS, 404)),
    Rule("partners:review_approve", "/partners/review/999999/approve/", only(REVIEWERS, 404), method="POST"),
    Rule("partners:review_reject", "/partners/review/999999/reject/", only(REVIEWERS, 404), method="POST"),
    Rule("partners:change_history", "/partners/review/partner-edits/", only(REVIEWERS)),
    # --- a row per method (issue #15) ----------------------------------------------------
    Rule("partners:accept_new", "/partners/welcome/not-a-real-token/", everyone(404), method="POST", audited_404=False),
    Rule(
        "partners:accept_existing",
        "/partners/welcome/not-a-real-token/existing-account/",
        everyone(404),
        method="POST",
        audited_404=False,
    ),
    # Posted without ticking the box: the page again with the error.
    Rule("partners:agreement", "/partners/onboarding/agreement/", members(), method="POST"),
    # Demo members completing a module: back to the training list.
    Rule("partners:training_module", "/partners/onboarding/training/privacy-security/", members(302), method="POST"),
    Rule("partners:location_add", "/partners/workspace/organization/locations/new/", admins(), method="POST"),
    Rule(
        "partners:location_edit",
        f"/partners/workspace/organization/locations/{MISSING_UUID}/",
        admins(404),
        method="POST",
    ),
    Rule("partners:service_add", "/partners/workspace/organization/services/new/", admins(), method="POST"),
    Rule(
        "partners:service_edit",
        f"/partners/workspace/organization/services/{MISSING_UUID}/",
        admins(404),
        method="POST",
    ),
    Rule("partners:staff_detail", "/partners/workspace/staff/999999/", admins(404), method="POST"),
    # Availability (issue #21): any member, of the organization's own services only.
    Rule(
        "partners:service_availability",
        f"/partners/workspace/organization/services/{MISSING_UUID}/availability/",
        members(404),
    ),
    Rule(
        "partners:service_availability",
        f"/partners/workspace/organization/services/{MISSING_UUID}/availability/",
        members(404),
        method="POST",
        data={"status": "full"},
    ),
]
