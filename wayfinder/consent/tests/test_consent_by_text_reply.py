"""Consent by text reply: the request carries a code, the resident texts back
"YES 4821", the SMS provider forwards it to POST /sms/inbound/ signed with the
shared secret, and the organization sees the full record at once."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.consent import reply_codes
from wayfinder.consent.models import Consent, ConsentRequest, TextReplyFailure
from wayfinder.consent.tests.conftest import consent_request_data
from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.notifications.inbound import SIGNATURE_HEADER, sign
from wayfinder.notifications.models import OutboundMessage

pytestmark = pytest.mark.django_db

SECRET = "test-inbound-secret-0123456789abcdefghijklmnop"
JOLENE_PHONE = "+16065550101"  # her number on file is 6065550101
URL = "/sms/inbound/"


@pytest.fixture(autouse=True)
def inbound_secret(settings):
    settings.SMS_INBOUND_SECRET = SECRET
    return SECRET


def post_signed(sender: str, body: str, *, as_json=False, secret=SECRET, signature=None, raw=None):
    """What the SMS provider sends: the sender and text, signed over the exact body."""
    payload = {"from": sender, "body": body}
    if as_json:
        raw = raw if raw is not None else json.dumps(payload).encode()
        content_type = "application/json"
    else:
        raw = raw if raw is not None else urlencode(payload).encode()
        content_type = "application/x-www-form-urlencoded"
    headers = {} if signature is False else {SIGNATURE_HEADER: signature or sign(raw, secret)}
    return Client().post(URL, data=raw, content_type=content_type, headers=headers)


@pytest.fixture
def ask_by_text(staff_client, sms_outbox, django_capture_on_commit_callbacks):
    """Staff send a consent request by text; returns (request, text body, reply code)."""

    def ask(resident, *, persona="family_center_staff", scope="general"):
        staff = staff_client(persona)
        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(f"/consent/request/{resident.pk}/", consent_request_data(resident, "text", scope))
        assert response.status_code == 302
        body = [m for m in sms_outbox if "/consent/r/" in m.body][-1].body
        match = re.search(r"YES (\d{4})\b", body)
        return ConsentRequest.objects.order_by("-created_at").first(), body, match.group(1) if match else None

    return ask


def replies_to(number: str, kind: str) -> list[OutboundMessage]:
    return list(OutboundMessage.objects.filter(to=number, kind=kind))


def test_it_grants_consent_by_replying_yes_with_the_code(ask_by_text, staff_client, jolene):
    staff = staff_client("family_center_staff")
    assert 'data-access="limited"' in staff.get(f"/clients/{jolene.pk}/").content.decode()
    request, body, code = ask_by_text(jolene)
    assert f"Or reply YES {code} to share it, or NO {code} to say no." in body
    assert "Lexington Family Resource Center" in body and "/consent/r/" in body  # the link is still there
    # Only a keyed hash of the code is stored, scoped to the number it went to.
    assert request.reply_phone == JOLENE_PHONE and len(request.reply_code_hash) == 64
    assert code not in request.reply_code_hash
    assert request.reply_code_hash != reply_codes.hash_reply_code("+18595550000", code)
    assert abs(request.expires_at - request.created_at - timedelta(days=7)) < timedelta(seconds=5)

    response = post_signed("+1 (606) 555-0101", f"yes {code}")
    assert response.status_code == 200
    assert response.json() == {"result": "granted", "reason": ""}
    consent = Consent.objects.get(resident=jolene)
    assert (consent.method, consent.scope, consent.request_id) == ("text_reply", "general", request.pk)
    assert consent.recorded_by is None and consent.is_active()
    request.refresh_from_db()
    assert request.status == "granted" and request.responded_at
    granted = AuditEvent.objects.get(action="consent.granted", legal_basis=f"consent:{consent.pk}")
    assert granted.actor_label == "resident (via text reply)" and granted.data["method"] == "text_reply"
    assert granted.resident_id == str(jolene.pk)
    # The confirmation, with its one-click revocation, goes to the number that replied.
    [thanks] = replies_to(JOLENE_PHONE, "consent_confirmation")  # the number as +1XXXXXXXXXX
    assert "Lexington Family Resource Center can now see your record" in thanks.body and "/consent/x/" in thanks.body

    # Effective at once: the very next page view is the full record, logged under the new consent.
    page = staff.get(f"/clients/{jolene.pk}/").content.decode()
    assert 'data-access="full"' in page
    viewed = AuditEvent.objects.filter(action="resident.viewed", resident_id=str(jolene.pk)).order_by("-seq").first()
    assert viewed.legal_basis == f"consent:{consent.pk}" and viewed.data["level"] == "full"


def test_no_with_the_code_declines(ask_by_text, jolene):
    request, _body, code = ask_by_text(jolene)
    response = post_signed(JOLENE_PHONE, f"No {code}")
    assert response.json() == {"result": "declined", "reason": ""}
    request.refresh_from_db()
    assert request.status == "declined"
    assert not Consent.objects.filter(resident=jolene).exists()
    declined = AuditEvent.objects.get(action="consent.declined", object_id=str(request.pk))
    assert declined.actor_label == "resident (via text reply)" and declined.data == {"method": "text_reply"}
    assert replies_to(JOLENE_PHONE, "consent_reply_declined")


def test_a_wrong_code_changes_nothing_and_says_so(ask_by_text, jolene):
    request, _body, code = ask_by_text(jolene)
    wrong = f"{(int(code) + 1) % 10000:04d}"
    response = post_signed(JOLENE_PHONE, f"YES {wrong}")
    assert response.status_code == 200
    assert response.json() == {"result": "refused", "reason": "wrong_code"}
    request.refresh_from_db()
    assert request.status == "pending" and not Consent.objects.filter(resident=jolene).exists()
    [sorry] = replies_to(JOLENE_PHONE, "consent_reply_failed")
    assert "did not work" in sorry.body and "2-1-1" in sorry.body and "new request" in sorry.body
    refused = AuditEvent.objects.get(action="consent.reply_refused")
    assert refused.outcome == "denied" and refused.data["reason"] == "wrong_code"
    assert "6065550101" not in json.dumps(refused.data)  # the number is masked
    # The right code still works afterwards.
    assert post_signed(JOLENE_PHONE, f"YES {code}").json()["result"] == "granted"


def test_an_expired_code_grants_nothing(ask_by_text, jolene):
    request, _body, code = ask_by_text(jolene)
    ConsentRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert post_signed(JOLENE_PHONE, f"YES {code}").json() == {"result": "refused", "reason": "expired"}
    request.refresh_from_db()
    assert request.status == "pending" and not Consent.objects.filter(resident=jolene).exists()
    assert replies_to(JOLENE_PHONE, "consent_reply_failed")


def test_a_code_works_once(ask_by_text, jolene):
    _request, _body, code = ask_by_text(jolene)
    assert post_signed(JOLENE_PHONE, f"YES {code}").json()["result"] == "granted"
    assert post_signed(JOLENE_PHONE, f"YES {code}").json() == {"result": "refused", "reason": "already_used"}
    assert post_signed(JOLENE_PHONE, f"NO {code}").json() == {"result": "refused", "reason": "already_used"}
    consent = Consent.objects.get(resident=jolene)
    assert consent.is_active() and Consent.objects.filter(resident=jolene).count() == 1
    assert len(replies_to(JOLENE_PHONE, "consent_reply_failed")) == 2


def test_the_code_only_works_from_the_number_it_was_sent_to(ask_by_text, jolene):
    request, _body, code = ask_by_text(jolene)
    response = post_signed("+18595550177", f"YES {code}")
    assert response.json() == {"result": "refused", "reason": "no_open_request"}
    request.refresh_from_db()
    assert request.status == "pending" and not Consent.objects.filter(resident=jolene).exists()
    assert replies_to("+18595550177", "consent_reply_failed")
    request.refresh_from_db()
    assert request.status == "pending"


@pytest.mark.parametrize(
    "headers_case",
    ["missing", "wrong_secret", "other_body", "garbage"],
)
def test_an_unsigned_or_badly_signed_request_is_refused(ask_by_text, jolene, headers_case):
    request, _body, code = ask_by_text(jolene)
    raw = urlencode({"from": JOLENE_PHONE, "body": f"YES {code}"}).encode()
    signature = {
        "missing": False,
        "wrong_secret": sign(raw, "another-secret-0123456789abcdefghijklmnop"),
        # a valid signature of another message (never the same one, whatever code was drawn)
        "other_body": sign(urlencode({"from": JOLENE_PHONE, "body": f"NO {code}"}).encode(), SECRET),
        "garbage": "sha256=not-hex-at-all-ñ",
    }[headers_case]
    response = post_signed(JOLENE_PHONE, f"YES {code}", signature=signature, raw=raw)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json" and response.json() == {"error": "invalid_signature"}
    request.refresh_from_db()
    assert request.status == "pending" and not Consent.objects.filter(resident=jolene).exists()
    assert not OutboundMessage.objects.filter(kind__startswith="consent_reply").exists()
    assert not TextReplyFailure.objects.exists()


def test_the_endpoint_takes_only_signed_posts_with_a_sender_and_text(jolene):
    assert Client().get(URL).status_code == 405
    missing = urlencode({"body": "YES 1234"}).encode()
    response = post_signed("", "", raw=missing)
    assert response.status_code == 400 and response.json() == {"error": "from_and_body_required"}
    bad_json = post_signed("", "", as_json=True, raw=b"[1, 2]")
    assert bad_json.status_code == 400


def test_a_json_payload_works_too(ask_by_text, jolene):
    _request, _body, code = ask_by_text(jolene)
    response = post_signed(JOLENE_PHONE, f"YES {code}", as_json=True)
    assert response.json() == {"result": "granted", "reason": ""}
    assert Consent.objects.get(resident=jolene).method == "text_reply"


def test_without_the_secret_the_endpoint_refuses_and_texts_carry_the_link_only(settings, ask_by_text, jolene):
    settings.SMS_INBOUND_SECRET = ""
    request, body, code = ask_by_text(jolene)
    assert code is None and "YES" not in body and "/consent/r/" in body
    assert request.reply_code_hash == ""
    response = post_signed(JOLENE_PHONE, "YES 1234", secret=SECRET)
    assert response.status_code == 503 and response.json() == {"error": "not_configured"}
    empty_signature = post_signed(JOLENE_PHONE, "YES 1234", signature=sign(b"from=x", ""))
    assert empty_signature.status_code == 503


def test_the_check_warns_when_a_real_provider_has_no_secret(settings):
    def warnings():
        return [m.id for m in checks.run_checks(tags=[checks.Tags.security]) if m.id == "consent.W001"]

    settings.SMS_BACKEND = "example_provider.sms.Backend"
    settings.SMS_INBOUND_SECRET = ""
    assert warnings() == ["consent.W001"]
    settings.SMS_INBOUND_SECRET = SECRET
    assert warnings() == []
    settings.SMS_INBOUND_SECRET = ""
    settings.SMS_BACKEND = "wayfinder.notifications.sms.ConsoleSmsBackend"  # nothing reaches a phone
    assert warnings() == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("short", "SMS_INBOUND_SECRET must be at least 32 characters"),
        ("insecure-development-sms-secret-padded-to-length", "SMS_INBOUND_SECRET must be at least 32 characters"),
    ],
)
def test_production_refuses_a_weak_secret(value, message):
    from tests.test_settings_from_environment import PRODUCTION, run_manage

    result = run_manage("check", **{**PRODUCTION, "SMS_INBOUND_SECRET": value})
    assert result.returncode != 0 and message in result.stderr


def test_five_wrong_codes_in_an_hour_lock_the_numbers_requests(ask_by_text, jolene, client):
    request, body, code = ask_by_text(jolene)
    link = re.search(r"https?://\S+", body).group(0)
    wrong = [f"{(int(code) + n) % 10000:04d}" for n in range(1, 6)]
    for guess in wrong[:4]:
        assert post_signed(JOLENE_PHONE, f"YES {guess}").json()["reason"] == "wrong_code"
    assert len(replies_to(JOLENE_PHONE, "consent_reply_failed")) == 4
    assert post_signed(JOLENE_PHONE, f"YES {wrong[4]}").json()["reason"] == "wrong_code"
    [locked_text] = replies_to(JOLENE_PHONE, "consent_reply_locked")
    assert "turned off" in locked_text.body and "2-1-1" in locked_text.body
    request.refresh_from_db()
    assert request.reply_locked_at is not None and request.status == "pending"
    assert AuditEvent.objects.filter(action="consent.reply_code_locked", object_id=str(request.pk)).exists()

    # Even the right code is refused now, silently (no more texts to a guesser).
    assert post_signed(JOLENE_PHONE, f"YES {code}").json() == {"result": "refused", "reason": "locked"}
    assert not Consent.objects.filter(resident=jolene).exists()
    assert OutboundMessage.objects.filter(to=JOLENE_PHONE).count() == 5

    # An hour later the number may answer new requests, but this code stays off.
    TextReplyFailure.objects.update(received_at=timezone.now() - timedelta(hours=1, minutes=1))
    assert post_signed(JOLENE_PHONE, f"YES {code}").json() == {"result": "refused", "reason": "code_turned_off"}
    # The link is not affected.
    client.logout()
    client.post(link, {"decision": "grant"})
    assert Consent.objects.get(resident=jolene).method == "text_link"


def test_a_new_request_after_the_lock_window_gets_a_working_code(ask_by_text, jolene):
    _first, _body, code = ask_by_text(jolene)
    for n in range(1, 6):
        post_signed(JOLENE_PHONE, f"YES {(int(code) + n) % 10000:04d}")
    TextReplyFailure.objects.update(received_at=timezone.now() - timedelta(hours=2))
    _second, _body, new_code = ask_by_text(jolene, persona="food_bank_staff")
    assert post_signed(JOLENE_PHONE, f"YES {new_code}").json()["result"] == "granted"


def test_a_part2_request_cannot_be_granted_by_text(ask_by_text, jolene):
    request, body, code = ask_by_text(jolene, scope="part2")
    assert code is None and "YES" not in body and "/consent/r/" in body  # the signed form only
    assert request.scope == "part2" and request.reply_code_hash == ""
    assert post_signed(JOLENE_PHONE, "YES 1234").json() == {"result": "refused", "reason": "no_open_request"}
    # Even a code planted in the database does not grant Part 2 consent.
    ConsentRequest.objects.filter(pk=request.pk).update(
        reply_phone=JOLENE_PHONE, reply_code_hash=reply_codes.hash_reply_code(JOLENE_PHONE, "1234")
    )
    assert post_signed(JOLENE_PHONE, "YES 1234").json() == {"result": "refused", "reason": "needs_signed_form"}
    request.refresh_from_db()
    assert request.status == "pending" and not Consent.objects.filter(resident=jolene).exists()


@pytest.mark.parametrize(
    "template", ["SI {code}", "Sí {code}", "sí,{code}", "  SÍ   {code}.", "si {a} {b}", "Yes{code}!"]
)
def test_spanish_and_loosely_typed_replies_grant(ask_by_text, jolene, template):
    _request, _body, code = ask_by_text(jolene)
    body = template.format(code=code, a=code[:2], b=code[2:])
    assert post_signed(JOLENE_PHONE, body).json()["result"] == "granted"
    assert Consent.objects.get(resident=jolene).method == "text_reply"


@pytest.mark.parametrize(
    "body, expected",
    [
        ("YES 4821", (True, "4821", False)),
        ("sí 4821", (True, "4821", True)),
        ("SI-4821", (True, "4821", True)),
        ("no 48 21", (False, "4821", False)),
        ("YES", None),
        ("YES 482", None),
        ("YES 48211", None),
        ("4821", None),
        ("YESTERDAY 4821", None),
        ("yes please", None),
    ],
)
def test_reply_parsing(body, expected):
    parsed = reply_codes.parse_reply(body)
    assert (parsed and (parsed.grant, parsed.code, parsed.spanish)) == expected


@pytest.mark.parametrize("body", ["STOP", "stop", "Unsubscribe", "HELP", "", "   "])
def test_carrier_keywords_and_empty_texts_are_left_alone(ask_by_text, jolene, body):
    request, _body, _code = ask_by_text(jolene)
    assert post_signed(JOLENE_PHONE, body).json()["result"] == "ignored"
    assert not OutboundMessage.objects.filter(kind__startswith="consent_reply").exists()
    assert not TextReplyFailure.objects.exists()
    request.refresh_from_db()
    assert request.status == "pending"


def test_a_text_that_is_not_a_reply_gets_the_help_text(ask_by_text, jolene):
    ask_by_text(jolene)
    assert post_signed(JOLENE_PHONE, "who is this?").json() == {"result": "refused", "reason": "not_understood"}
    assert replies_to(JOLENE_PHONE, "consent_reply_failed")


@pytest.mark.parametrize(
    "preferred, body, language",
    [("en", "SI 0000", "es"), ("es", "YES 0000", "es"), ("en", "YES 0000", "en"), ("es", "who is this", "es")],
)
def test_the_answer_is_written_in_the_persons_language(ask_by_text, jolene, monkeypatch, preferred, body, language):
    """Spanish when the person wrote "SI" or the resident prefers Spanish. The words
    come from the translation catalogue (maintained separately), so the language
    the text is written under is what is checked here."""
    from django.utils import translation

    from wayfinder.consent import text_replies

    jolene.preferred_language = preferred
    jolene.save(update_fields=["preferred_language"])
    ask_by_text(jolene)
    seen = []
    real_override = translation.override

    def spy(code, *args, **kwargs):
        seen.append(code)
        return real_override(code, *args, **kwargs)

    monkeypatch.setattr(text_replies.translation, "override", spy)
    assert post_signed(JOLENE_PHONE, body).json()["result"] == "refused"
    assert seen == [language]


def test_two_open_requests_to_one_number_each_get_their_own_code(ask_by_text, jolene):
    first, _b, _first_code = ask_by_text(jolene, persona="family_center_staff")
    second, _b, second_code = ask_by_text(jolene, persona="food_bank_staff")
    assert first.reply_code_hash != second.reply_code_hash
    assert post_signed(JOLENE_PHONE, f"YES {second_code}").json()["result"] == "granted"
    first.refresh_from_db()
    assert first.status == "pending"
    assert Consent.objects.get(resident=jolene).organization_id == second.organization_id


def test_revocation_still_works_after_a_text_reply(ask_by_text, staff_client, personas):
    from wayfinder.residents.models import Resident

    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    _request, _body, code = ask_by_text(amy, persona="family_center_staff")
    assert post_signed("+18595550142", f"YES {code}").json()["result"] == "granted"
    consent = Consent.objects.get(resident=amy, organization__name="Lexington Family Resource Center", revoked_at=None)
    staff = staff_client("family_center_staff")
    assert 'data-access="full"' in staff.get(f"/clients/{amy.pk}/").content.decode()

    resident = Client()
    resident.force_login(personas["resident"])
    response = resident.post(f"/my-plan/consents/{consent.pk}/revoke/", {"version": consent.version})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert 'data-access="limited"' in staff.get(f"/clients/{amy.pk}/").content.decode()


def test_an_email_request_carries_no_code(staff_client, jolene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client().post(f"/consent/request/{jolene.pk}/", consent_request_data(jolene, "email"))
    assert ConsentRequest.objects.get().reply_code_hash == ""


def test_support_staff_can_simulate_a_reply(ask_by_text, jolene):
    _request, _body, code = ask_by_text(jolene)
    out = StringIO()
    call_command("simulate_inbound_sms", "--from", JOLENE_PHONE, "--body", f"YES {code}", stdout=out)
    assert out.getvalue().startswith("200 ") and '"granted"' in out.getvalue()
    assert Consent.objects.get(resident=jolene).method == "text_reply"
    json_out = StringIO()
    call_command("simulate_inbound_sms", "--from", JOLENE_PHONE, "--body", f"YES {code}", "--json", stdout=json_out)
    assert '"already_used"' in json_out.getvalue()


def test_the_simulator_needs_the_secret(settings):
    settings.SMS_INBOUND_SECRET = ""
    with pytest.raises(CommandError, match="SMS_INBOUND_SECRET"):
        call_command("simulate_inbound_sms", "--from", JOLENE_PHONE, "--body", "YES 1234")
