"""Writes of the outbox: record a message, record an opt-out, deliver what is due."""

from __future__ import annotations

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from anju.core import audit, crypto
from anju.core.audit import Actor
from anju.core.errors import NotFound, ValidationFailed
from anju.core.outbox.channels import SendFailed, transport_for
from anju.core.outbox.models import Channel, Message, MessageStatus, OptOut
from anju.domain.errors import DomainError
from anju.domain.ids import mask_phone, normalize_phone
from anju.domain.reminders import after_quiet_hours, backoff_seconds, parse_quiet_hours

logger = logging.getLogger(__name__)

HASH_KIND = "address"
LEASE = datetime.timedelta(minutes=10)  # a claimed message is another worker's for this long


def mask_email(address: str) -> str:
    """`w***@example.org`: the first letter and the domain."""
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def normalise(channel: str, address: str) -> tuple[str, str]:
    """The address as stored and its masked form; `ValidationFailed` for a phone that is not one."""
    if channel == Channel.SMS:
        try:
            phone = normalize_phone(address)
        except DomainError as error:
            raise ValidationFailed.from_domain(error) from error
        return phone, mask_phone(phone)
    text = address.strip().lower()
    if "@" not in text:
        raise ValidationFailed(
            f"“{mask_email(text)}”不是电子邮件地址。", "That is not an e-mail address.", field="address"
        )
    return text, mask_email(text)


def quiet_hours() -> tuple[datetime.time, datetime.time]:
    return parse_quiet_hours(settings.ANJU_QUIET_HOURS)


def due_after_quiet_hours(moment: datetime.datetime) -> datetime.datetime:
    """`moment`, or the end of the quiet hours it falls in, in local time."""
    start, end = quiet_hours()
    return after_quiet_hours(timezone.localtime(moment), start=start, end=end)


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 32^10 ≈ 10^15: not guessable


def new_opt_out_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def opt_out_footer(code: str) -> str:
    """The end of every SMS: the message's own opt-out link, or 回复TD退订 where the site has no public address."""
    if settings.ANJU_PUBLIC_URL:
        return f"退订：{settings.ANJU_PUBLIC_URL}{reverse('core:opt_out', args=[code])}"
    return "回复TD退订"


def opted_out(*, subdistrict_id: int, address_hash: str = "", household_id: int | None = None) -> bool:
    found = OptOut.objects.filter(subdistrict_id=subdistrict_id)
    by_address = found.filter(address_hash=address_hash).exists() if address_hash else False
    return by_address or (household_id is not None and found.filter(household_id=household_id).exists())


def message_queue(
    *,
    kind: str,
    channel: str,
    recipient_kind: str,
    address: str,
    subject: str,
    body: str,
    subdistrict_id: int,
    dedupe_key: str,
    user=None,
    household_id: int | None = None,
    now: datetime.datetime | None = None,
) -> Message | None:
    """Record one message, due now or at the end of quiet hours; None if `dedupe_key` was recorded before.

    An address or household that opted out is recorded as OPTED_OUT and never sent. Delivery is a
    background task started once the surrounding transaction commits."""
    stored, masked = normalise(channel, address)
    address_hash = crypto.search_hash(HASH_KIND, stored)
    if Message.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    due = due_after_quiet_hours(now or timezone.now())
    status = (
        MessageStatus.OPTED_OUT
        if opted_out(subdistrict_id=subdistrict_id, address_hash=address_hash, household_id=household_id)
        else MessageStatus.QUEUED
    )
    code = new_opt_out_code() if channel == Channel.SMS else ""
    if code:
        body = f"{body}{opt_out_footer(code)}"
    try:
        with transaction.atomic():
            message = Message.objects.create(
                opt_out_code=code,
                subdistrict_id=subdistrict_id,
                kind=kind,
                channel=channel,
                recipient_kind=recipient_kind,
                user=user,
                household_id=household_id,
                address_encrypted=crypto.encrypt(stored),
                address_hash=address_hash,
                address_masked=masked,
                subject=subject[:200],
                body=body,
                dedupe_key=dedupe_key[:120],
                due_at=due,
                status=status,
                next_attempt_at=due if status == MessageStatus.QUEUED else None,
            )
    except IntegrityError:  # a second writer recorded the same key first
        return None
    if status == MessageStatus.QUEUED:
        transaction.on_commit(lambda: schedule_delivery(due))
    return message


@transaction.atomic
def opt_out_record(
    *, subdistrict_id: int, phone: str = "", household_id: int | None = None, actor: Actor
) -> OptOut:
    """Stop reminders to a phone (everywhere in the sub-district) or to a household; messages still
    waiting for them are withdrawn."""
    stored, masked, address_hash = "", "", ""
    if phone:
        stored, masked = normalise(Channel.SMS, phone)
        address_hash = crypto.search_hash(HASH_KIND, stored)
    if not address_hash and household_id is None:
        raise ValidationFailed(
            "请填写要退订的手机号。", "Enter the phone number that asks for no more reminders.", field="phone"
        )
    record = OptOut.objects.create(
        subdistrict_id=subdistrict_id,
        address_encrypted=crypto.encrypt(stored) if stored else "",
        address_hash=address_hash,
        address_masked=masked,
        household_id=household_id,
    )
    waiting = Message.objects.filter(subdistrict_id=subdistrict_id, status=MessageStatus.QUEUED)
    if address_hash:
        waiting.filter(address_hash=address_hash).update(status=MessageStatus.OPTED_OUT, next_attempt_at=None)
    if household_id is not None:
        waiting.filter(household_id=household_id).update(status=MessageStatus.OPTED_OUT, next_attempt_at=None)
    audit.record(
        actor=actor,
        action="outbox_opt_out",
        obj=record,
        before=None,
        after={"phone": masked, "household_id": household_id},
        subdistrict_id=subdistrict_id,
    )
    return record


def message_by_opt_out_code(code: str) -> Message:
    """The SMS whose link this is; `NotFound` for any other code."""
    found = Message.objects.filter(opt_out_code=code, channel=Channel.SMS).first() if code else None
    if found is None:
        raise NotFound("找不到这条提醒，链接可能有误", "No such reminder; the link may be mistyped")
    return found


@transaction.atomic
def opt_out_by_link(*, code: str) -> OptOut:
    """The resident followed the SMS's link and confirmed: no more reminders to that number (once)."""
    message = message_by_opt_out_code(code)
    existing = OptOut.objects.filter(
        subdistrict_id=message.subdistrict_id, address_hash=message.address_hash
    ).first()
    if existing is not None:
        return existing
    return opt_out_record(
        subdistrict_id=message.subdistrict_id,
        phone=message.address,
        actor=Actor.system("居民通过短信链接退订"),
    )


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(message: Message, now: datetime.datetime) -> bool:
    """Take `message` for this worker (nobody else sends it while the lease runs)."""
    return bool(
        Message.objects.filter(
            pk=message.pk, status=MessageStatus.QUEUED, next_attempt_at=message.next_attempt_at
        ).update(next_attempt_at=now + LEASE)
    )


def deliver_one(message: Message, now: datetime.datetime) -> str:
    """Send one claimed message; on failure back off (1, 2, 4 … minutes), after the last attempt FAILED."""
    try:
        transport = transport_for(message.channel)
        transport.send(message)
    except Exception as error:  # any failure is one failed attempt: one bad message never stops the rest
        if not isinstance(error, SendFailed):
            logger.exception("outbox message %s: unexpected error", message.pk)
        message.attempts += 1
        message.last_error = str(error)[:300]
        if message.attempts >= settings.ANJU_OUTBOX_ATTEMPTS:
            message.status, message.next_attempt_at = MessageStatus.FAILED, None
        else:
            wait = backoff_seconds(
                message.attempts,
                base_seconds=settings.ANJU_OUTBOX_BACKOFF_SECONDS,
                cap_seconds=settings.ANJU_OUTBOX_BACKOFF_CAP_SECONDS,
            )
            message.next_attempt_at = now + datetime.timedelta(seconds=wait)
        message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        logger.warning(
            "outbox message %s attempt %s failed: %s", message.pk, message.attempts, message.last_error
        )
        return message.status
    message.attempts += 1
    message.status, message.sent_at, message.next_attempt_at = MessageStatus.SENT, now, None
    message.transport, message.last_error = transport.name, ""
    message.save(
        update_fields=["attempts", "status", "sent_at", "next_attempt_at", "transport", "last_error"]
    )
    return message.status


def deliver_due(*, now: datetime.datetime | None = None, limit: int = 500) -> Report:
    """Send every queued message whose time has come (oldest first), at most `limit` of them."""
    now = now or timezone.now()
    report = Report()
    due = list(
        Message.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id"
        )[:limit]
    )
    for message in due:
        if not _claim(message, now):
            continue
        status = deliver_one(message, now)
        if status == MessageStatus.SENT:
            report.sent += 1
        elif status == MessageStatus.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
            schedule_delivery(message.next_attempt_at)
    return report


@task()
def deliver_outbox() -> dict[str, int]:
    """The background task: deliver what is due now."""
    report = deliver_due()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


def schedule_delivery(when: datetime.datetime | None) -> None:
    """Queue the delivery task to run at `when` (a retry, the end of quiet hours) or now."""
    try:
        if when is not None and when > timezone.now():
            deliver_outbox.using(run_after=when).enqueue()
        else:
            deliver_outbox.enqueue()
    except (
        Exception
    ):  # the task queue being unavailable must not lose the message: `anju send-outbox` finds it
        logger.exception("could not queue the outbox delivery")
