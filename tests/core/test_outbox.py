"""The outbox: recorded first, sent when due through a real channel, retried with back-off, then failed;
quiet hours; opt-outs; addresses masked wherever a message is shown."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading
import zoneinfo

import pytest

from anju.core.audit import Actor
from anju.core.models import AuditEvent
from anju.core.outbox import services as outbox
from anju.core.outbox.models import Channel, Message, MessageStatus, OptOut, RecipientKind
from tests.smtp import smtp_server

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2026, 12, 3, 9, 0, tzinfo=SHANGHAI)
STAFF = Actor.system("测试")


def email(world, *, address="wang@example.org", key="k1", now=MORNING) -> Message:
    return outbox.message_queue(
        kind="digest",
        channel=Channel.EMAIL,
        recipient_kind=RecipientKind.STAFF,
        address=address,
        subject="【安居】待办 2 项",
        body="您今天有 2 项待办。",
        subdistrict_id=world.subdistrict.pk,
        dedupe_key=key,
        now=now,
    )


def sms(world, *, phone="13812345678", key="s1", household_id=None, now=MORNING) -> Message:
    return outbox.message_queue(
        kind="vote_closing",
        channel=Channel.SMS,
        recipient_kind=RecipientKind.HOUSEHOLD,
        address=phone,
        subject="",
        body="3栋1单元501室：表决将于明天截止。",
        subdistrict_id=world.subdistrict.pk,
        household_id=household_id,
        dedupe_key=key,
        now=now,
    )


@pytest.fixture
def files(settings, tmp_path):
    settings.ANJU_OUTBOX_DIR = tmp_path / "outbox"
    settings.ANJU_OUTBOX_EMAIL = settings.ANJU_OUTBOX_SMS = "file"
    return tmp_path / "outbox"


@pytest.fixture
def smtp_settings(settings):
    def use(port: int) -> None:
        settings.ANJU_OUTBOX_EMAIL = "smtp"
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        settings.DEFAULT_FROM_EMAIL = "anju@jiedao.example"

    return use


def test_a_message_goes_to_the_file_channel_and_is_recorded_as_sent(world, files):
    message = email(world)
    assert message.status == MessageStatus.QUEUED and message.due_at == MORNING
    report = outbox.deliver_due(now=MORNING)
    message.refresh_from_db()
    assert (report.sent, message.status, message.transport, message.attempts) == (
        1,
        MessageStatus.SENT,
        "file",
        1,
    )
    assert message.sent_at == MORNING
    text = (files / "email" / f"{message.pk}.txt").read_text(encoding="utf-8")
    assert "To: wang@example.org" in text and "您今天有 2 项待办。" in text
    assert outbox.deliver_due(now=MORNING + datetime.timedelta(hours=1)).sent == 0  # sent once only


def test_the_address_is_shown_masked_and_stored_sealed(world, files):
    message = email(world)
    phone = sms(world)
    assert message.address_masked == "w***@example.org" and "wang" not in str(message)
    assert phone.address_masked == "138****5678"
    assert "13812345678" not in phone.address_encrypted and phone.address == "13812345678"


def test_the_same_key_is_recorded_once(world, files):
    assert email(world, key="digest:1:2026-12-03") is not None
    assert email(world, key="digest:1:2026-12-03") is None
    assert Message.objects.count() == 1


def test_staff_email_reaches_a_real_smtp_server(world, smtp_settings):
    with smtp_server() as (port, box):
        smtp_settings(port)
        message = email(world)
        assert outbox.deliver_due(now=MORNING).sent == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.transport == "smtp"
    [received] = box.received
    assert received["To"] == "wang@example.org" and received["From"] == "anju@jiedao.example"
    assert str(received["Subject"]) == "【安居】待办 2 项"
    assert received.get_content().strip() == "您今天有 2 项待办。"


def test_a_refused_send_is_retried_with_back_off_and_then_marked_failed(world, smtp_settings, settings):
    settings.ANJU_OUTBOX_ATTEMPTS, settings.ANJU_OUTBOX_BACKOFF_SECONDS = 3, 60
    minute = datetime.timedelta(minutes=1)
    with smtp_server(refuse=True) as (port, box):
        smtp_settings(port)
        message = email(world)
        assert outbox.deliver_due(now=MORNING).retrying == 1
        message.refresh_from_db()
        assert (message.attempts, message.next_attempt_at, message.status) == (
            1,
            MORNING + minute,
            MessageStatus.QUEUED,
        )
        assert "451" in message.last_error
        assert outbox.deliver_due(now=MORNING + 0.5 * minute).retrying == 0  # not yet: backing off
        outbox.deliver_due(now=MORNING + minute)
        message.refresh_from_db()
        assert (message.attempts, message.next_attempt_at) == (2, MORNING + 3 * minute)  # waited 2 minutes
        assert outbox.deliver_due(now=MORNING + 3 * minute).failed == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (MessageStatus.FAILED, 3, None)
    assert box.received == []
    assert outbox.deliver_due(now=MORNING + datetime.timedelta(days=1)).failed == 0  # failed stays failed


def test_a_relay_nobody_answers_on_counts_as_a_failed_attempt(world, smtp_settings, settings):
    settings.ANJU_OUTBOX_ATTEMPTS = 1
    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp_settings(port)
    message = email(world)
    assert outbox.deliver_due(now=MORNING).failed == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.last_error.startswith("smtp:")


def test_a_message_due_in_quiet_hours_waits_until_eight(world, files):
    late = datetime.datetime(2026, 12, 3, 22, 30, tzinfo=SHANGHAI)
    message = sms(world, now=late)
    eight = datetime.datetime(2026, 12, 4, 8, 0, tzinfo=SHANGHAI)
    assert message.due_at == eight
    assert outbox.deliver_due(now=late + datetime.timedelta(hours=1)).sent == 0
    assert outbox.deliver_due(now=eight).sent == 1


def test_quiet_hours_can_be_switched_off(world, files, settings):
    settings.ANJU_QUIET_HOURS = "off"
    late = datetime.datetime(2026, 12, 3, 22, 30, tzinfo=SHANGHAI)
    assert sms(world, now=late).due_at == late


def test_a_phone_that_opted_out_gets_nothing_and_waiting_messages_are_withdrawn(world, files):
    waiting = sms(world, key="before")
    outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, phone="138 1234 5678", actor=STAFF)
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.OPTED_OUT
    later = sms(world, key="after")
    assert later.status == MessageStatus.OPTED_OUT and later.next_attempt_at is None
    assert sms(world, phone="13900001111", key="other").status == MessageStatus.QUEUED
    assert outbox.deliver_due(now=MORNING).sent == 1
    assert not (files / "sms" / f"{later.pk}.txt").exists()
    event = AuditEvent.objects.get(action="outbox_opt_out")
    assert event.after["phone"] == "138****5678" and "13812345678" not in json.dumps(event.after)


def test_a_household_that_opted_out_gets_nothing_at_any_phone(world, files):
    outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, household_id=world.household_a.pk, actor=STAFF)
    assert (
        sms(world, household_id=world.household_a.pk, phone="13700000000").status == MessageStatus.OPTED_OUT
    )


def test_an_opt_out_needs_a_phone_or_a_household(world):
    from anju.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, phone="", actor=STAFF)
    with pytest.raises(ValidationFailed):
        outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, phone="12345", actor=STAFF)


class _Provider(http.server.BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []
    status = 200

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((self.headers["Authorization"], body))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def provider(settings):
    """A stand-in SMS provider on a local port (no real provider can be reached from here)."""
    _Provider.received, _Provider.status = [], 200
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ANJU_OUTBOX_SMS = "http"
    settings.ANJU_SMS_URL = f"http://127.0.0.1:{server.server_address[1]}/send"
    settings.ANJU_SMS_KEY, settings.ANJU_SMS_SIGN = "secret-key", "安居"
    yield _Provider
    server.shutdown()
    server.server_close()


def test_an_sms_is_posted_to_the_configured_provider(world, provider):
    message = sms(world)
    assert outbox.deliver_due(now=MORNING).sent == 1
    [(authorization, body)] = provider.received
    assert authorization == "Bearer secret-key"
    assert body == {
        "phone": "13812345678",
        "sign": "安居",
        "text": "3栋1单元501室：表决将于明天截止。回复TD退订",
    }
    message.refresh_from_db()
    assert message.transport == "http"


def test_a_provider_error_is_retried(world, provider):
    provider.status = 503
    message = sms(world)
    assert outbox.deliver_due(now=MORNING).retrying == 1
    message.refresh_from_db()
    assert message.attempts == 1 and "503" in message.last_error


def test_an_unknown_transport_fails_the_attempt_with_its_name(world, settings):
    settings.ANJU_OUTBOX_SMS, settings.ANJU_OUTBOX_ATTEMPTS = "pigeon", 1
    message = sms(world)
    outbox.deliver_due(now=MORNING)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "pigeon" in message.last_error


def test_every_sms_ends_with_its_opt_out_link_or_the_td_reply(world, files, settings):
    settings.ANJU_PUBLIC_URL = ""
    assert sms(world, key="a").body.endswith("表决将于明天截止。回复TD退订")
    settings.ANJU_PUBLIC_URL = "https://anju.example.org"
    linked = sms(world, key="b")
    assert linked.body.endswith(f"退订：https://anju.example.org/td/{linked.opt_out_code}/")
    assert len(linked.opt_out_code) == 10 and email(world).opt_out_code == ""


def test_the_residents_link_asks_first_then_stops_reminders_to_that_number(client, world, files):
    from django.urls import reverse

    message = sms(world)
    url = reverse("core:opt_out", args=[message.opt_out_code])
    shown = client.get(url)
    assert shown.status_code == 200 and "138****5678" in shown.content.decode()
    assert "13812345678" not in shown.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED  # a link preview opts nobody out
    done = client.post(url)
    assert done.status_code == 200 and 'data-testid="opt-out-done"' in done.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.OPTED_OUT
    assert client.post(url).status_code == 200  # twice is once
    assert OptOut.objects.count() == 1
    assert sms(world, key="later").status == MessageStatus.OPTED_OUT


def test_an_unknown_opt_out_code_is_not_found(client, world):
    from django.urls import reverse

    assert client.get(reverse("core:opt_out", args=["NOSUCHCODE"])).status_code == 404
    assert client.post(reverse("core:opt_out", args=["NOSUCHCODE"])).status_code == 404


def test_after_a_data_key_rotation_addresses_open_and_opt_outs_still_hold(db, files, settings, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import make_world

    old, new = "old-data-key-" + "o" * 30, "new-data-key-" + "n" * 30
    settings.ANJU_DATA_KEY = old
    world = make_world()
    message = sms(world, key="before")
    outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, phone="13900001111", actor=STAFF)
    outbox.opt_out_record(subdistrict_id=world.subdistrict.pk, household_id=world.household_b.pk, actor=STAFF)
    monkeypatch.setenv("ANJU_NEW_DATA_KEY", new)
    call_command("rotate_data_key", stdout=StringIO())
    settings.ANJU_DATA_KEY = new
    message.refresh_from_db()
    assert message.address == "13812345678"
    assert sms(world, phone="13900001111", key="after").status == MessageStatus.OPTED_OUT


def test_a_message_that_breaks_its_transport_fails_alone_and_the_next_one_still_goes(world, files, settings):
    settings.ANJU_OUTBOX_ATTEMPTS = 1
    broken = email(world, key="broken")
    Message.objects.filter(pk=broken.pk).update(address_encrypted="not a token")  # cannot be opened
    fine = email(world, key="fine")
    report = outbox.deliver_due(now=MORNING)
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (report.sent, report.failed) == (1, 1)
    assert broken.status == MessageStatus.FAILED and fine.status == MessageStatus.SENT


def test_recording_a_message_queues_the_delivery_task_for_its_due_time(
    world, files, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    late = datetime.datetime(2099, 12, 3, 22, 30, tzinfo=SHANGHAI)  # in the future whenever the test runs
    with django_capture_on_commit_callbacks(execute=True):
        message = sms(world, now=late)
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "anju.core.outbox.services.deliver_outbox"
    assert task.run_after == message.due_at  # 08:00 the next morning, not at once
