"""A consultation closes itself at its closing time, and a refused paper ballot leaves no scan behind."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anju.consultations import services
from anju.consultations.models import Ballot, Consultation, Status
from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from tests.consultations.conftest import issue_letter
from tests.factories import PASSWORD, SYSTEM


def past_due(c: Consultation, minutes: int = 5) -> datetime.datetime:
    """Move the closing time into the past, as if the deadline went by while nobody looked."""
    closes_at = timezone.now() - datetime.timedelta(minutes=minutes)
    Consultation.objects.filter(pk=c.pk).update(closes_at=closes_at)
    return closes_at


def another(v) -> Consultation:
    """One more open consultation of the same unit."""
    unit = v.households[0].unit
    c = services.consultation_create(compound=unit.building.compound, unit=unit, title="又一次表决", actor=SYSTEM)
    services.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    return services.consultation_open(consultation=c, actor=SYSTEM)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buf, "JPEG")
    return buf.getvalue()


def test_reading_a_consultation_past_its_closing_time_closes_it_as_the_system(client, vote6, staff_a):
    c = vote6.consultation
    closes_at = past_due(c)
    login(client, staff_a)
    page = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    c.refresh_from_db()
    assert c.status == Status.CLOSED and c.closed_at == closes_at
    assert "已截止" in page and "公示（PDF）" in page
    [event] = AuditEvent.objects.filter(action="consultation.close", object_id=str(c.pk))
    assert event.actor is None and "自动截止" in event.actor_label and event.after["automatic"] is True
    client.get(reverse("consultations:detail", args=[c.pk]))
    assert AuditEvent.objects.filter(action="consultation.close").count() == 1  # closed once


def test_the_list_closes_every_due_consultation_in_scope(client, vote6, staff_a, staff_b):
    due = [vote6.consultation, another(vote6)]
    for c in due:
        past_due(c)
    login(client, staff_b)
    client.get(reverse("consultations:index"))
    assert not Consultation.objects.filter(status=Status.CLOSED).exists()  # not theirs to touch
    client.logout()
    login(client, staff_a)
    assert "已截止" in client.get(reverse("consultations:index")).content.decode()
    assert set(Consultation.objects.filter(status=Status.CLOSED)) == set(due)


def test_the_api_and_the_resident_page_close_on_their_own(client, vote6, staff_a):
    api, resident = vote6.consultation, another(vote6)
    past_due(api)
    past_due(resident)
    client.force_login(staff_a)
    assert client.get(f"/api/consultations/consultations/{api.pk}").json()["status"] == "closed"
    client.logout()
    code, _e = issue_letter(resident, "3-2-101")
    client.get(reverse("consultations:vote_link", args=[code]), follow=True)
    resident.refresh_from_db()
    assert resident.status == Status.CLOSED
    assert client.get(reverse("consultations:public", args=[resident.pk])).status_code == 200


def test_close_due_closes_only_what_is_due_and_can_run_again(vote6, capsys):
    later = another(vote6)
    Consultation.objects.filter(pk=later.pk).update(closes_at=timezone.now() + datetime.timedelta(days=1))
    past_due(vote6.consultation)
    call_command("close_due")
    assert "closed 1" in capsys.readouterr().out
    statuses = dict(Consultation.objects.values_list("pk", "status"))
    assert statuses == {vote6.consultation.pk: Status.CLOSED, later.pk: Status.OPEN}
    call_command("close_due")
    assert "closed 0" in capsys.readouterr().out


def test_without_a_closing_time_nothing_closes_by_itself(vote6):
    assert services.close_due() == []
    assert services.close_if_due(vote6.consultation).status == Status.OPEN


# --- scans of refused paper ballots --------------------------------------------------------------


def stored_scans(tmp_path) -> list:
    return [p for p in (tmp_path / "consultations").rglob("*") if p.is_file()] if (tmp_path / "consultations").exists() else []


def test_a_refused_paper_ballot_leaves_no_scan(vote6, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = vote6.consultation
    q = str(c.questions.get().pk)
    with pytest.raises(ValidationFailed):
        services.paper_ballot_cast(consultation=c, household=vote6.households[0], answers={q: "perhaps"},
                                   channel="paper", actor=SYSTEM, scan_data=jpeg(), scan_name="a.jpg")
    first = services.paper_ballot_cast(consultation=c, household=vote6.households[0], answers={q: "yes"},
                                       channel="paper", actor=SYSTEM, scan_data=jpeg(), scan_name="a.jpg")
    with pytest.raises(Conflict):  # someone re-entered the form meanwhile: a stale page
        services.paper_ballot_cast(consultation=c, household=vote6.households[0], answers={q: "no"},
                                   channel="paper", actor=SYSTEM, scan_data=jpeg(), scan_name="b.jpg", expected="")
    assert stored_scans(tmp_path) == [tmp_path / first.scan]


def test_a_paper_ballot_after_the_close_is_refused_on_the_page_and_its_scan_removed(client, vote6, staff_a, settings,
                                                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = vote6.consultation
    login(client, staff_a)
    services.consultation_close(consultation=c, actor=SYSTEM)
    upload = io.BytesIO(jpeg())
    upload.name = "ballot.jpg"
    r = client.post(reverse("consultations:paper", args=[c.pk]),
                    {"elector": c.electors.first().pk, "channel": "paper", f"q{c.questions.get().pk}": "yes",
                     "scan": upload}, follow=True)
    assert "已截止" in r.content.decode()
    assert not Ballot.objects.exists() and stored_scans(tmp_path) == []


def test_pressing_close_after_the_deadline_says_it_already_closed(client, vote6, staff_a):
    c = vote6.consultation
    past_due(c)
    login(client, staff_a)
    r = client.post(reverse("consultations:close", args=[c.pk]), follow=True)
    assert "已于截止时间自动截止" in r.content.decode()
    assert AuditEvent.objects.filter(action="consultation.close").count() == 1
