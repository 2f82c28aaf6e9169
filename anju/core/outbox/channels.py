"""How a message leaves: one `Transport` per way of delivering, chosen per channel by settings.

`file` (the default) writes the message to ANJU_OUTBOX_DIR, one file per message, as a demo or an
office without a relay reads it; `smtp` hands staff e-mail to Django's mail backend (EMAIL_*);
`http` posts an SMS to the provider at ANJU_SMS_URL. A transport raises `SendFailed` for anything
that should be tried again later; the outbox records the reason and backs off."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from anju.core.outbox.models import Channel, Message


class SendFailed(Exception):
    """The message did not go out this time (the relay refused, the provider is down)."""


class Transport(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Deliver `message` or raise `SendFailed`."""


class FileTransport:
    """Writes each message to `<ANJU_OUTBOX_DIR>/<channel>/<message id>.txt`: headers, a blank line, the text."""

    name = "file"

    def send(self, message: Message) -> None:
        folder = Path(settings.ANJU_OUTBOX_DIR) / message.channel
        folder.mkdir(parents=True, exist_ok=True)
        text = (
            f"To: {message.address}\nSubject: {message.subject}\nKind: {message.kind}\n"
            f"Due: {timezone.localtime(message.due_at).isoformat()}\n\n{message.body}\n"
        )
        try:
            (folder / f"{message.pk}.txt").write_text(text, encoding="utf-8")
        except OSError as error:
            raise SendFailed(f"file: {error}") from error


class SmtpTransport:
    """Staff e-mail through Django's configured mail backend (the SMTP relay of ANJU_EMAIL_HOST)."""

    name = "smtp"

    def send(self, message: Message) -> None:
        mail = EmailMessage(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.address],
            connection=get_connection(fail_silently=False),
        )
        try:
            sent = mail.send()
        except (OSError, ValueError) as error:  # smtplib's errors are OSErrors; refused, timed out, 4xx/5xx
            raise SendFailed(f"smtp: {error}"[:300]) from error
        if not sent:
            raise SendFailed("smtp: the mail backend sent nothing (is ANJU_EMAIL_HOST set?)")


class HttpSmsTransport:
    """An SMS provider's HTTP API: POST JSON {"phone", "sign", "text"} with `Authorization: Bearer <key>`;
    any 2xx is accepted. Providers differ in field names; this adapter is the one place to map them."""

    name = "http"

    def send(self, message: Message) -> None:
        if not settings.ANJU_SMS_URL:
            raise SendFailed("http: ANJU_SMS_URL is not set")
        payload = json.dumps({"phone": message.address, "sign": settings.ANJU_SMS_SIGN, "text": message.body})
        request = urllib.request.Request(
            settings.ANJU_SMS_URL,
            data=payload.encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.ANJU_SMS_KEY}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.EMAIL_TIMEOUT) as answer:
                answer.read(4096)
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise SendFailed(f"http: {error}"[:300]) from error


TRANSPORTS: dict[str, type] = {"file": FileTransport, "smtp": SmtpTransport, "http": HttpSmsTransport}
ALLOWED: dict[str, frozenset[str]] = {Channel.EMAIL: frozenset({"file", "smtp"}), Channel.SMS: frozenset({"file", "http"})}


def transport_for(channel: str) -> Transport:
    """The transport settings choose for `channel` (ANJU_OUTBOX_EMAIL, ANJU_OUTBOX_SMS)."""
    name = settings.ANJU_OUTBOX_EMAIL if channel == Channel.EMAIL else settings.ANJU_OUTBOX_SMS
    allowed = ALLOWED.get(channel, frozenset())
    if name not in allowed:
        raise SendFailed(f"no transport {name!r} for {channel}; choose one of {sorted(allowed)}")
    return TRANSPORTS[name]()
