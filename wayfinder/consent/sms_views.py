"""POST /sms/inbound/: the SMS provider forwards texts sent to our number.

Public on purpose, so it trusts nothing but the signature: the provider signs the
raw body with ``SMS_INBOUND_SECRET`` (``wayfinder.notifications.inbound``). CSRF
does not apply (no browser, no cookie); the signature replaces it. Every signed
message gets a 200 with what happened, because providers retry anything else.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from wayfinder.notifications import inbound

from .text_replies import handle_text_reply

logger = logging.getLogger("wayfinder.consent")


@csrf_exempt
@never_cache
@require_POST
def inbound_sms(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"error": "method_not_allowed"}, status=405, headers={"Allow": "POST"})
    secret = settings.SMS_INBOUND_SECRET
    if not secret:
        return JsonResponse({"error": "not_configured"}, status=503)
    if not inbound.signature_valid(request.body, request.headers.get(inbound.SIGNATURE_HEADER, ""), secret):
        # Not in the audit log: unauthenticated requests must not be able to grow it.
        logger.warning("inbound sms refused: bad signature")
        return JsonResponse({"error": "invalid_signature"}, status=403)
    message = inbound.parse_inbound(request)
    if message is None:
        return JsonResponse({"error": "from_and_body_required"}, status=400)
    outcome = handle_text_reply(message.sender, message.body)
    return JsonResponse({"result": outcome.result, "reason": outcome.reason})
