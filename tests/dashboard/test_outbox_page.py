"""消息记录: sub-district staff see their own sub-district's messages with masked addresses, and record
a resident's opt-out there; community staff and volunteers are refused."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, Message, MessageStatus, OptOut, RecipientKind

pytestmark = pytest.mark.django_db
MORNING = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


def sms(subdistrict_id: int, phone: str, key: str) -> Message:
    return outbox.message_queue(
        kind="vote_closing",
        channel=Channel.SMS,
        recipient_kind=RecipientKind.HOUSEHOLD,
        address=phone,
        subject="",
        body="3栋1单元501室：表决将于明天截止。",
        subdistrict_id=subdistrict_id,
        dedupe_key=key,
        now=MORNING,
    )


def test_subdistrict_staff_see_their_messages_masked_and_no_other_subdistricts(
    client, world, subdistrict_staff
):
    sms(world.subdistrict.pk, "13812345678", "ours")
    sms(world.subdistrict.pk + 1000, "13900001111", "theirs")
    client.force_login(subdistrict_staff)
    page = client.get(reverse("dashboard:outbox"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "139****1111" not in html
    assert html.count('data-testid="outbox-row"') == 1
    assert "表决截止提醒" in html and "待发送" in html


def test_the_status_filter_lists_only_that_state(client, world, subdistrict_staff):
    sms(world.subdistrict.pk, "13812345678", "one")
    client.force_login(subdistrict_staff)
    assert (
        client.get(reverse("dashboard:outbox"), {"status": MessageStatus.FAILED})
        .content.decode()
        .count('data-testid="outbox-row"')
        == 0
    )
    assert client.get(reverse("dashboard:outbox"), {"status": "nonsense"}).status_code == 200


def test_community_staff_and_volunteers_may_not_open_it(client, world, staff_a, volunteer_a):
    for user in (staff_a, volunteer_a):
        client.force_login(user)
        assert client.get(reverse("dashboard:outbox")).status_code == 403


def test_an_opt_out_recorded_on_the_page_withdraws_waiting_messages(client, world, subdistrict_staff):
    waiting = sms(world.subdistrict.pk, "13812345678", "waiting")
    client.force_login(subdistrict_staff)
    answer = client.post(reverse("dashboard:outbox_opt_out"), {"phone": "13812345678"}, follow=True)
    assert "已登记退订" in answer.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.OPTED_OUT
    assert OptOut.objects.count() == 1


def test_a_number_that_is_not_a_phone_is_refused_and_nothing_recorded(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    answer = client.post(reverse("dashboard:outbox_opt_out"), {"phone": "12"}, follow=True)
    assert answer.status_code == 200 and "已登记退订，此号码" not in answer.content.decode()
    assert not OptOut.objects.exists()


def test_my_work_links_to_the_record_for_subdistrict_staff_only(client, world, subdistrict_staff, staff_a):
    client.force_login(subdistrict_staff)
    assert 'data-testid="outbox-link"' in client.get(reverse("dashboard:work")).content.decode()
    client.force_login(staff_a)
    assert 'data-testid="outbox-link"' not in client.get(reverse("dashboard:work")).content.decode()
