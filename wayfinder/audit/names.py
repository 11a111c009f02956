"""Every audit action name, in one place. ``log_action`` refuses any other name, so
nobody can add a free-text one: add a constant here (one line, kept sorted within
its group) and use it.

A name is ``<area>.<what happened>``; readers of the log (the resident's "who viewed
my record", the accounting-of-disclosures export, auditors) match on them.
"""

from __future__ import annotations

# --- access (the access layer, wayfinder.accounts.access) ---------------------------
ACCESS_DENIED = "access.denied"

# --- accounts ---------------------------------------------------------------------
ACCOUNT_CHANGED = "account.changed"
ACCOUNT_CREATED = "account.created"
ACCOUNT_MFA_ADDED = "account.mfa_added"
ACCOUNT_MFA_FAILED = "account.mfa_failed"
ACCOUNT_MFA_PENDING = "account.mfa_pending"
ACCOUNT_MFA_RECOVERY_CODES_RESET = "account.mfa_recovery_codes_reset"
ACCOUNT_MFA_REMOVED = "account.mfa_removed"
ACCOUNT_OTHER_SESSIONS_ENDED = "account.other_sessions_ended"
ACCOUNT_ROLE_GRANTED = "account.role_granted"
ACCOUNT_ROLE_REVOKED = "account.role_revoked"
ACCOUNT_SIGN_IN_FAILED = "account.sign_in_failed"
ACCOUNT_SIGN_IN_THROTTLED = "account.sign_in_throttled"
ACCOUNT_SIGNED_IN = "account.signed_in"
ACCOUNT_SIGNED_OUT = "account.signed_out"
ACCOUNT_SSO_LINK_REFUSED = "account.sso_link_refused"
ACCOUNT_SSO_LINKED = "account.sso_linked"
ACCOUNT_SSO_UNLINKED = "account.sso_unlinked"
ACCOUNT_SESSION_WITHOUT_MFA_ENDED = "account.session_without_mfa_ended"
SESSION_EXPIRED = "session.expired"

# --- Django admin (every change a system administrator makes there) ----------------
ADMIN_ADDED = "admin.added"
ADMIN_CHANGED = "admin.changed"
ADMIN_DELETED = "admin.deleted"

# --- assessments and SDoH needs (wayfinder.assessments) ----------------------------
ASSESSMENT_COMPLETED = "assessment.completed"
ASSESSMENT_PRINTED = "assessment.printed"
ASSESSMENT_VIEWED = "assessment.viewed"
NEED_CONFIRMED = "need.confirmed"
NEED_OPENED = "need.opened"
NEED_STATUS_CHANGED = "need.status_changed"
NEEDS_SUGGESTIONS_VIEWED = "needs.suggestions_viewed"
QUESTIONNAIRE_LOADED = "questionnaire.loaded"

# --- consent ----------------------------------------------------------------------
CONSENT_CONTACT_CONFIRMED = "consent.contact_confirmed"
CONSENT_CONTACT_REJECTED = "consent.contact_rejected"
CONSENT_CONTACT_VERIFICATION_SENT = "consent.contact_verification_sent"
CONSENT_DECLINED = "consent.declined"
CONSENT_GRANTED = "consent.granted"
CONSENT_REPLY_CODE_LOCKED = "consent.reply_code_locked"
CONSENT_REPLY_REFUSED = "consent.reply_refused"
CONSENT_REQUESTED = "consent.requested"
CONSENT_REVOKED = "consent.revoked"

# --- directory --------------------------------------------------------------------
DIRECTORY_ADDRESS_CREATED_BY_PARTNER = "directory.address_created_by_partner"
DIRECTORY_ADDRESS_EDITED_BY_PARTNER = "directory.address_edited_by_partner"
DIRECTORY_LOCATION_CREATED_BY_PARTNER = "directory.location_created_by_partner"
DIRECTORY_LOCATION_EDITED_BY_PARTNER = "directory.location_edited_by_partner"
DIRECTORY_ORGANIZATION_CREATED = "directory.organization_created"
DIRECTORY_ORGANIZATION_CREATED_BY_PARTNER = "directory.organization_created_by_partner"
DIRECTORY_ORGANIZATION_EDITED_BY_PARTNER = "directory.organization_edited_by_partner"
DIRECTORY_PHONE_CREATED_BY_PARTNER = "directory.phone_created_by_partner"
DIRECTORY_PHONE_EDITED_BY_PARTNER = "directory.phone_edited_by_partner"
DIRECTORY_DID_NOT_WORK = "directory.did_not_work"
DIRECTORY_PROBLEM_REPORT_UPDATED = "directory.problem_report_updated"
DIRECTORY_PROBLEM_REPORTED = "directory.problem_reported"
DIRECTORY_SERVICE_CREATED_BY_PARTNER = "directory.service_created_by_partner"
DIRECTORY_SERVICE_EDITED_BY_PARTNER = "directory.service_edited_by_partner"
DIRECTORY_SERVICE_AVAILABILITY_SET = "directory.service_availability_set"
DIRECTORY_SERVICE_CATEGORIES_EDITED_BY_PARTNER = "directory.service_categories_edited_by_partner"
DIRECTORY_SERVICE_LOCATIONS_EDITED_BY_PARTNER = "directory.service_locations_edited_by_partner"
DIRECTORY_SERVICE_VERIFIED = "directory.service_verified"

# --- health information exchange: the FHIR server (wayfinder.integrations.hie) ------
HIE_CLIENT_AUTHENTICATED = "hie.client_authenticated"
HIE_CLIENT_REFUSED = "hie.client_refused"
HIE_CLIENT_REGISTERED = "hie.client_registered"
HIE_DISCLOSED = "hie.disclosed"
HIE_SUBSCRIPTION_CREATED = "hie.subscription_created"
HIE_SUBSCRIPTION_DELETED = "hie.subscription_deleted"

# --- health information exchange: inbound data and the match queue (integrations.hie) ---
HIE_BUNDLE_RECEIVED = "hie.bundle_received"
HIE_MATCH_DISCARDED = "hie.match_discarded"
HIE_MATCH_LINKED = "hie.match_linked"
HIE_MATCH_QUEUE_VIEWED = "hie.match_queue_viewed"
HIE_RESOURCE_RECEIVED = "hie.resource_received"

# --- health information exchange: the resident's sharing choice in My Plan (integrations.hie) ---
HIE_SHARING_CHOICE_SET = "hie.sharing_choice_set"

# --- imports ----------------------------------------------------------------------
ELIGIBILITY_IMPORT_REFUSED = "eligibility.import_refused"
ELIGIBILITY_IMPORTED = "eligibility.imported"
IMPORT_FINISHED = "import.finished"

# --- launch from the health information exchange's portal (SMART App Launch) -------
LAUNCH_ACCESS_DENIED = "launch.access_denied"
LAUNCH_ARRIVED = "launch.arrived"
LAUNCH_NOTICE_ACKNOWLEDGED = "launch.notice_acknowledged"
LAUNCH_REFUSED = "launch.refused"
LAUNCH_STARTED = "launch.started"

# --- metrics: the monthly incentive report ---------------------------------------
INCENTIVE_REPORT_CORRECTED = "incentive_report.corrected"
INCENTIVE_REPORT_CREATED = "incentive_report.created"
INCENTIVE_REPORT_DOWNLOADED = "incentive_report.downloaded"
INCENTIVE_HOLD_REJECTED = "incentive_hold.rejected"
INCENTIVE_HOLD_RELEASED = "incentive_hold.released"

# --- partners ---------------------------------------------------------------------
PARTNER_AGREEMENT_ACCEPTED = "partner.agreement_accepted"
PARTNER_CLAIM_SUBMITTED = "partner.claim_submitted"
PARTNER_FAVORITE_ADDED = "partner.favorite_added"
PARTNER_FAVORITE_MOVED = "partner.favorite_moved"
PARTNER_FAVORITE_REMOVED = "partner.favorite_removed"
PARTNER_INVITATION_ACCEPTED = "partner.invitation_accepted"
PARTNER_INVITATION_SENT = "partner.invitation_sent"
PARTNER_NEW_ORGANIZATION_REQUESTED = "partner.new_organization_requested"
PARTNER_ONBOARDING_COMPLETED = "partner.onboarding_completed"
PARTNER_ORGANIZATION_ONBOARDED = "partner.organization_onboarded"
PARTNER_REFERRAL_SMS_CHANGED = "partner.referral_sms_changed"
PARTNER_REQUEST_APPROVED = "partner.request_approved"
PARTNER_REQUEST_REJECTED = "partner.request_rejected"
PARTNER_STAFF_DEACTIVATED = "partner.staff_deactivated"
PARTNER_STAFF_PERMISSION_CHANGED = "partner.staff_permission_changed"
PARTNER_STAFF_REACTIVATED = "partner.staff_reactivated"
PARTNER_TRAINING_COMPLETED = "partner.training_completed"
PARTNER_TYPE_CHANGED = "partner.type_changed"

# --- referrals --------------------------------------------------------------------
REFERRAL_ASSIGNED = "referral.assigned"
REFERRAL_CLOSED = "referral.closed"
REFERRAL_CREATED = "referral.created"
REFERRAL_FOLLOWUPS_LISTED = "referral.followups_listed"
REFERRAL_LISTED = "referral.listed"
REFERRAL_NOTE_ADDED = "referral.note_added"
REFERRAL_OUTREACH_RECORDED = "referral.outreach_recorded"
REFERRAL_STATUS_CHANGED = "referral.status_changed"
REFERRAL_VIEWED = "referral.viewed"
REFERRAL_WITHDRAWN = "referral.withdrawn"

# --- residents --------------------------------------------------------------------
RESIDENT_ACCESS_LOG_EXPORTED = "resident.access_log_exported"
RESIDENT_ACCOUNT_LINKED = "resident.account_linked"
RESIDENT_CLOSED = "resident.closed"
RESIDENT_CONTACT_VIEWED = "resident.contact_viewed"
RESIDENT_CREATED = "resident.created"
RESIDENT_HISTORY_PRINTED = "resident.history_printed"
RESIDENT_IMPORTED = "resident.imported"
RESIDENT_LINK_FAILED = "resident.link_failed"
RESIDENT_LINK_THROTTLED = "resident.link_throttled"
RESIDENT_NOTE_ADDED = "resident.note_added"
RESIDENT_PRIVACY_UPDATED = "resident.privacy_updated"
RESIDENT_SEARCHED = "resident.searched"
RESIDENT_UPDATED = "resident.updated"
RESIDENT_VIEWED = "resident.viewed"

#: Reads of a resident's data by someone else: what "who viewed my record" lists
#: (a launch from the exchange for the resident is one: "arrived by launch").
RECORD_READS = frozenset({RESIDENT_VIEWED, REFERRAL_VIEWED, RESIDENT_CONTACT_VIEWED, LAUNCH_ARRIVED, HIE_DISCLOSED})

KNOWN: frozenset[str] = frozenset(
    value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)
)


class UnknownAction(ValueError):
    """``log_action`` was given a name that is not a constant here."""


def check(action: str) -> str:
    if action not in KNOWN:
        raise UnknownAction(f"{action!r} is not an audit action name: add it to wayfinder/audit/names.py")
    return action
