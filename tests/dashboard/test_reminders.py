"""Reminders that reach people (issue 16, point 2): a day's digest for each staff member with open work,
through the file channel and a real SMTP server; 表决将于…截止 to households not yet heard from;
您的建议已答复 to the phone a resident left; nothing personal in any text beyond the household's room."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from anju.consultations import services as consultations
from anju.consultations.models import Channel as BallotChannel
from anju.consultations.models import Consultation
from anju.core.audit import Actor
from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, Message, MessageStatus
from anju.dashboard import reminders
from anju.participation import services as participation
from anju.participation.models import Category
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
RESIDENT = Actor.system("resident")


def morning(day: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def files(settings, tmp_path):
    settings.ANJU_OUTBOX_DIR = tmp_path / "outbox"
    settings.ANJU_OUTBOX_EMAIL = settings.ANJU_OUTBOX_SMS = "file"
    return tmp_path / "outbox"


def suggestion(world, *, phone: str = "", title: str = "路灯不亮"):
    return participation.suggestion_submit(
        compound=world.compound_a,
        building=None,
        category=Category.REPAIR,
        title=title,
        body="3栋门口路灯坏了，王秀兰家门口最暗",
        contact_name="王阿姨",
        contact_phone=phone,
        actor=RESIDENT,
    )


@pytest.fixture
def staff_with_mail(subdistrict_staff, staff_a, staff_b, volunteer_a):
    for user, address in (
        (subdistrict_staff, "jiedao@example.org"),
        (staff_a, "jia@example.org"),
        (staff_b, "yi@example.org"),
    ):
        user.email = address
        user.save()
    return subdistrict_staff, staff_a, staff_b


PERSONAL = ("王秀兰", "赵建国", "王阿姨", "13812345678", "13900001111", "路灯不亮")


def test_a_days_digest_goes_once_to_each_staff_member_with_work_through_the_file_channel(
    world, staff_with_mail, files
):
    sd_staff, staff_a, staff_b = staff_with_mail
    suggestion(world)  # open work for the sub-district and community A, none for community B
    result = reminders.digests_queue(now=morning())
    assert result.queued == 2
    digests = {m.user_id: m for m in Message.objects.filter(kind="digest")}
    assert set(digests) == {sd_staff.pk, staff_a.pk}
    assert outbox.deliver_due(now=morning()).sent == 2
    text = (files / "email" / f"{digests[staff_a.pk].pk}.txt").read_text(encoding="utf-8")
    assert "To: jia@example.org" in text
    assert "Subject: 【安居】2026年12月3日待办 1 项" in text
    assert "· 待答复、待办结的建议：1 项" in text and "/dashboard/work/" in text
    assert not any(word in text for word in PERSONAL)
    assert reminders.digests_queue(now=morning() + datetime.timedelta(hours=3)).queued == 0  # once a day
    assert reminders.digests_queue(now=morning(4)).queued == 2  # the next day again


def test_a_repeated_run_the_same_day_gathers_no_one_s_work_again(world, staff_with_mail, files, monkeypatch):
    sd_staff, staff_a, staff_b = staff_with_mail
    suggestion(world)
    reminders.digests_queue(now=morning())
    gathered = []
    real = reminders.open_work
    monkeypatch.setattr(reminders, "open_work", lambda user: gathered.append(user.pk) or real(user))
    assert reminders.digests_queue(now=morning() + datetime.timedelta(hours=1)).queued == 0
    assert gathered == [staff_b.pk]  # only the one who had nothing to be told at nine


def test_staff_without_an_address_or_without_work_get_no_digest(world, staff_a, staff_b, files):
    staff_b.email = "yi@example.org"
    staff_b.save()
    suggestion(world)  # work for staff_a (no address) only
    assert reminders.digests_queue(now=morning()).queued == 0


def test_the_digest_reaches_a_real_smtp_server(world, staff_with_mail, settings):
    from tests.smtp import smtp_server

    suggestion(world)
    with smtp_server() as (port, box):
        settings.ANJU_OUTBOX_EMAIL = "smtp"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            port,
            False,
            5,
        )
        reminders.digests_queue(now=morning())
        assert outbox.deliver_due(now=morning()).sent == 2
    by_address = {m["To"]: m for m in box.received}
    assert set(by_address) == {"jiedao@example.org", "jia@example.org"}
    mail = by_address["jia@example.org"]
    assert str(mail["Subject"]) == "【安居】2026年12月3日待办 1 项"
    body = mail.get_content()
    assert "待答复、待办结的建议：1 项" in body and not any(word in body for word in PERSONAL)


def test_households_not_yet_heard_from_are_reminded_once_the_day_before_a_vote_closes(world, files):
    vote = make_unit_vote(world)
    c = vote.consultation
    question = str(c.questions.get(order=1).pk)
    consultations.ballot_cast(
        consultation=c,
        household=vote.households[0],
        answers={question: "yes"},
        channel=BallotChannel.ONLINE,
        actor=RESIDENT,
    )
    now = timezone.now()
    Consultation.objects.filter(pk=c.pk).update(closes_at=now + datetime.timedelta(hours=12))
    outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, phone="13800000002", actor=SYSTEM)

    result = reminders.vote_reminders_queue(now=now)
    sent = Message.objects.filter(kind="vote_closing", channel=Channel.SMS).order_by("household_id")
    assert result.queued == 5  # 201 … 601; 101 has voted
    assert [m.household_id for m in sent] == [h.pk for h in vote.households[1:]]
    assert sent[0].status == MessageStatus.OPTED_OUT  # 201's owner asked for no reminders
    assert {m.status for m in sent[1:]} == {MessageStatus.QUEUED}
    body = sent[1].body
    assert body.startswith("【安居】3栋2单元301室：表决“2单元加装电梯表决”将于") and "截止" in body
    assert "业主3" not in body and "13800000003" not in body
    assert sent[1].address_masked == "138****0003"
    assert reminders.vote_reminders_queue(now=now + datetime.timedelta(hours=1)).queued == 0  # once only


def test_a_vote_closing_later_than_a_day_is_not_reminded_yet(world, files):
    vote = make_unit_vote(world)
    now = timezone.now()
    Consultation.objects.filter(pk=vote.consultation.pk).update(closes_at=now + datetime.timedelta(days=2))
    assert reminders.vote_reminders_queue(now=now).queued == 0


def test_the_resident_who_left_a_phone_is_told_once_that_the_suggestion_was_answered(world, files):
    s = suggestion(world, phone="13700001234")
    participation.suggestion_reply(suggestion=s, reply="已联系物业更换灯泡", actor=SYSTEM)
    participation.suggestion_reply(suggestion=s, reply="已联系物业更换灯泡，本周内完成", actor=SYSTEM)
    [message] = Message.objects.filter(kind="suggestion_answered")
    assert message.channel == Channel.SMS and message.address_masked == "137****1234"
    assert f"您的建议已答复（回执码 {s.receipt_code}）" in message.body
    assert not any(word in message.body for word in (*PERSONAL, "更换灯泡"))


def test_no_message_for_a_suggestion_without_a_phone(world, files):
    s = suggestion(world)
    participation.suggestion_reply(suggestion=s, reply="已处理", actor=SYSTEM)
    assert not Message.objects.exists()
