"""The day's reminders, composed where every app's open work is known and handed to the outbox:

- each staff member with open work gets one e-mail digest a day (counts by list, the link to
  我的待办), not one message per event;
- each household of a vote's electorate that has not been heard from gets one SMS the day before the
  vote closes, at the first phone the roster has for its owners (then its residents).

The texts name no person: a digest has counts only, a resident's SMS only the household's own room."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from anju.consultations import queries as consultations
from anju.consultations import queries_work as consultations_work
from anju.core.formatting import long_date, long_datetime
from anju.core.outbox import queries as outbox_queries
from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, RecipientKind
from anju.core.work import OVERDUE
from anju.dashboard.queries_work import GROUPS, open_work
from anju.roster.models import Household

CLOSING_HOURS = 24  # residents are reminded once, within this many hours before a vote closes


@dataclass
class Queued:
    queued: int = 0
    skipped: int = 0  # nothing to say, no address, or already recorded today


def digest_text(items: list, day: datetime.date) -> tuple[str, str]:
    """The digest's subject and body: how many items in each list and how many are overdue."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.group] = counts.get(item.group, 0) + 1
    overdue = sum(1 for i in items if i.urgency == OVERDUE)
    subject = f"【安居】{long_date(day, 'zh')}待办 {len(items)} 项" + (
        f"，其中逾期 {overdue} 项" if overdue else ""
    )
    lines = [f"您今天有 {len(items)} 项待办" + (f"（逾期 {overdue} 项）" if overdue else "") + "：", ""]
    lines += [f"· {GROUPS.get(group, (group,))[0]}：{n} 项" for group, n in counts.items()]
    lines += [
        "",
        f"请登录安居，在“我的待办”（{settings.ANJU_PUBLIC_URL}{reverse('dashboard:work')}）逐项办理。",
        "本邮件每天发送一次，只列数量，不含居民个人信息。",
    ]
    return subject, "\n".join(lines)


def digests_queue(*, day: datetime.date | None = None, now: datetime.datetime | None = None) -> Queued:
    """One digest per active staff member with an e-mail address and open work, once per `day`."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    result = Queued()
    staff = (
        get_user_model()
        .objects.filter(is_active=True, anju_profile__isnull=False)
        .exclude(email="")
        .select_related("anju_profile")
        .order_by("pk")
    )
    staff = list(staff)
    key_of = {user.pk: f"digest:{user.pk}:{day.isoformat()}" for user in staff}
    done = outbox_queries.recorded(key_of.values())
    for user in staff:
        if key_of[user.pk] in done:
            result.skipped += 1
            continue
        items = open_work(user)
        if not items:
            result.skipped += 1
            continue
        subject, body = digest_text(items, day)
        message = outbox.message_queue(
            kind="digest",
            channel=Channel.EMAIL,
            recipient_kind=RecipientKind.STAFF,
            address=user.email,
            subject=subject,
            body=body,
            subdistrict_id=user.anju_profile.subdistrict_id,
            user=user,
            dedupe_key=key_of[user.pk],
            now=now,
        )
        result.queued += message is not None
        result.skipped += message is None
    return result


def household_phone(household: Household) -> str:
    """The first phone of the household's owners, else of its residents ("" when none gave one)."""
    for people in (household.owners.all(), household.residents.all()):  # prefetched by the caller
        for person in sorted(people, key=lambda p: p.pk):
            if person.phone_encrypted and person.died_on is None:
                return person.phone
    return ""


def closing_text(room: str, title: str, closes_at: datetime.datetime) -> str:
    return (
        f"【{settings.ANJU_SMS_SIGN}】{room}：表决“{title}”将于{long_datetime(closes_at, 'zh')}截止，"
        f"尚未收到您家的意见。可扫码在线表决，或联系社区上门。"
    )


def vote_reminders_queue(*, now: datetime.datetime | None = None) -> Queued:
    """表决将于…截止, to each household not yet heard from in every vote closing within CLOSING_HOURS."""
    now = now or timezone.now()
    result = Queued()
    for consultation in consultations_work.closing_between(
        now, now + datetime.timedelta(hours=CLOSING_HOURS)
    ):
        electors = list(
            consultations.not_heard(consultation).prefetch_related(
                "household__owners", "household__residents"
            )
        )
        key_of = {e.pk: f"vote_closing:{consultation.pk}:{e.household_id}" for e in electors}
        done = outbox_queries.recorded(key_of.values())
        for elector in electors:
            if key_of[elector.pk] in done:
                result.skipped += 1
                continue
            phone = household_phone(elector.household)
            if not phone:
                result.skipped += 1
                continue
            message = outbox.message_queue(
                kind="vote_closing",
                channel=Channel.SMS,
                recipient_kind=RecipientKind.HOUSEHOLD,
                address=phone,
                subject="",
                body=closing_text(elector.room_label, consultation.title, consultation.closes_at),
                subdistrict_id=consultation.subdistrict_id,
                household_id=elector.household_id,
                dedupe_key=key_of[elector.pk],
                now=now,
            )
            result.queued += message is not None
            result.skipped += message is None
    return result
