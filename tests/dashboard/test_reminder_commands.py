"""`anju send-digests` then `anju send-outbox`: the day's digests recorded, then written by the file channel."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anju.core.audit import Actor
from anju.core.outbox.models import Message, MessageStatus
from anju.participation import services as participation
from anju.participation.models import Category

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_the_commands_record_the_digests_once_and_send_them(world, staff_a, settings, tmp_path):
    settings.ANJU_OUTBOX_DIR, settings.ANJU_OUTBOX_EMAIL = tmp_path, "file"
    settings.ANJU_QUIET_HOURS = "off"  # the test runs at any hour
    staff_a.email = "jia@example.org"
    staff_a.save()
    participation.suggestion_submit(
        compound=world.compound_a,
        building=None,
        category=Category.REPAIR,
        title="路灯不亮",
        body="坏了",
        actor=Actor.system("resident"),
    )
    assert "已排入 1 封待办摘要" in run("send_digests", "--now")
    assert "已排入 0 封待办摘要" in run("send_digests", "--now")
    assert "已发送 1 条" in run("send_outbox")
    message = Message.objects.get()
    assert message.status == MessageStatus.SENT
    assert (tmp_path / "email" / f"{message.pk}.txt").exists()


def test_digests_wait_for_the_morning_hour(world, staff_a, settings):
    settings.ANJU_DIGEST_HOUR = 24  # never reached: the command only says when it will run
    assert "以后才生成" in run("send_digests")
    assert not Message.objects.exists()


def test_vote_reminders_with_nothing_closing_queue_nothing(world):
    assert "已排入 0 条表决截止提醒" in run("send_vote_reminders")
