"""Text-message backends. Deployments plug in their provider by dotted path
(``SMS_BACKEND``); the console backend prints, the memory backend records
messages for tests."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class SmsMessage:
    to: str
    body: str


class BaseSmsBackend:
    def send(self, message: SmsMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        sys.stdout.write(f"[sms to {message.to}] {message.body}\n")
        sys.stdout.flush()


class MemorySmsBackend(BaseSmsBackend):
    """Keeps every message in ``outbox`` (a class attribute, like Django's locmem mail)."""

    outbox: ClassVar[list[SmsMessage]] = []

    def send(self, message: SmsMessage) -> None:
        MemorySmsBackend.outbox.append(message)


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
