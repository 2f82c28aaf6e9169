"""Nobody votes for someone else: a letter's code is printed once, for staff who may issue letters,
stored only as a hash, and the owner check asks for what no mask shows."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.urls import reverse

from anju.consultations import services
from anju.consultations.models import Ballot, Letter
from anju.core.errors import NotFound, ValidationFailed
from anju.core.models import AuditEvent
from tests.consultations.conftest import issue_letter
from tests.factories import PASSWORD, SYSTEM, id_number


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def code_in(text: str) -> str:
    return re.search(r"/consultations/v/([A-Z2-9]{20})/", text).group(1)


def identify(client, name: str, number: str):
    return client.post(reverse("consultations:vote"), {"step": "identity", "name": name, "number": number})


def test_a_volunteer_gets_no_letter_and_casts_no_ballot(client, vote6, volunteer_a):
    """Before: a read-only volunteer downloaded each letter and passed the check with the last four
    digits every mask shows, 3 ballots of 3 accepted. Now: 0 of 3."""
    c = vote6.consultation
    login(client, volunteer_a)
    accepted = 0
    for key, owner in (("3-2-101", vote6.owners[0]), ("3-2-201", vote6.owners[1]), ("3-2-301", vote6.owners[2])):
        e = c.electors.get(key=key)
        assert client.get(reverse("consultations:letter_pdf", args=[c.pk])).status_code == 405  # GET never prints
        assert client.post(reverse("consultations:letter_pdf", args=[c.pk]), {"elector": e.pk}).status_code == 403
        assert client.post(reverse("consultations:letters_job", args=[c.pk])).status_code == 403
        page = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
        assert "/consultations/v/" not in page
        client.post(reverse("consultations:vote"), {"step": "code", "code": owner.id_number_masked})
        identify(client, owner.name, owner.id_number_masked[-4:])
        accepted += Ballot.objects.filter(elector=e).count()
    assert accepted == 0
    assert not Letter.objects.exists()


def test_staff_print_a_letter_whose_code_opens_the_vote_once_checked(client, vote6, staff_a):
    c = vote6.consultation
    login(client, staff_a)
    e = c.electors.get(key="3-2-301")
    r = client.post(reverse("consultations:letter_pdf", args=[c.pk]), {"elector": e.pk})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r["Cache-Control"] == "no-store"
    text = pdf_text(r.content)
    code = code_in(text)
    assert services.format_code(code) in text and e.alias in text
    letter = Letter.objects.get(elector=e)
    assert code not in letter.code_hash and letter.issued_by == staff_a
    # The code is nowhere but on the paper: not in the audit trail, not on the staff page.
    assert not any(code in str(a.after) + str(a.before) for a in AuditEvent.objects.all())
    assert code not in client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    client.logout()
    landed = client.get(reverse("consultations:vote_link", args=[code]))
    assert landed.status_code == 302 and landed["Location"] == reverse("consultations:vote")  # the code leaves the URL
    owner = vote6.owners[2]
    assert identify(client, owner.name, owner.id_number[-4:]).status_code == 400  # what a mask shows is not enough
    assert identify(client, owner.name, owner.phone).status_code == 400  # a phone only for owners without an ID
    assert identify(client, owner.name, owner.id_number).status_code == 302
    q = c.questions.get()
    done = client.post(reverse("consultations:vote"), {"step": "ballot", "expected": "", f"q{q.pk}": "yes"}, follow=True)
    assert Ballot.objects.get(elector=e).state == "counted"
    assert e.alias in done.content.decode()  # the household learns its line on the public list


def test_the_phone_stands_in_only_for_an_owner_without_an_id_number(client, vote6):
    from anju.roster import services as roster

    owner = vote6.owners[0]
    roster.person_update(person=owner, id_number="", actor=SYSTEM)
    assert not owner.id_number_hash
    code, e = issue_letter(vote6.consultation, "3-2-101")
    client.get(reverse("consultations:vote_link", args=[code]))
    assert identify(client, owner.name, owner.phone).status_code == 302


def test_a_reprint_revokes_the_old_letter_and_is_audited(client, vote6, staff_a):
    c = vote6.consultation
    old, e = issue_letter(c, "3-2-201")
    login(client, staff_a)
    refused = client.post(reverse("consultations:letter_pdf", args=[c.pk]), {"elector": e.pk}, follow=True)
    assert "核对业主的身份证" in refused.content.decode()  # a household that holds a letter: check the ID card first
    assert services.letter_for_code(old).elector == e
    r = client.post(reverse("consultations:letter_pdf", args=[c.pk]),
                    {"elector": e.pk, "id_checked": "1", "reason": "告知书遗失"})
    new = code_in(pdf_text(r.content))
    assert new != old
    client.logout()
    assert client.get(reverse("consultations:vote_link", args=[old])).status_code == 404
    assert client.get(reverse("consultations:vote_link", args=[new])).status_code == 302
    letters = list(Letter.objects.filter(elector=e).order_by("id"))
    assert letters[0].revoked_at is not None and letters[1].revoked_at is None
    assert letters[1].reason == "已当面核对身份证；告知书遗失"
    record = AuditEvent.objects.filter(action="consultation.letters").order_by("-id").first()
    assert record.before == {"revoked": ["3-2-201"]} and record.actor_id == staff_a.pk


def test_a_browser_holding_a_replaced_letter_can_no_longer_vote(client, vote6):
    c = vote6.consultation
    old, e = issue_letter(c, "3-2-301")
    client.get(reverse("consultations:vote_link", args=[old]))
    assert identify(client, "业主3", vote6.owners[2].id_number).status_code == 302
    issue_letter(c, "3-2-301")  # reprinted meanwhile
    q = c.questions.get()
    r = client.post(reverse("consultations:vote"), {"step": "ballot", "expected": "", f"q{q.pk}": "yes"})
    assert r.status_code == 200 and "表决码" in r.content.decode()
    assert not Ballot.objects.filter(elector=e).exists()


def test_failed_owner_checks_lock_the_letter_until_staff_unlock_it(client, vote6, staff_a, settings):
    settings.ANJU_VOTE_LETTER_FAILURES = 3
    c = vote6.consultation
    code, e = issue_letter(c, "3-2-301")
    owner = vote6.owners[2]
    client.get(reverse("consultations:vote_link", args=[code]))
    assert identify(client, owner.name, id_number(999)).status_code == 400  # a valid number, but not theirs
    assert identify(client, owner.name, "13800009999").status_code == 400
    locked = identify(client, "王五", owner.id_number)
    assert locked.status_code == 423 and "锁定" in locked.content.decode()
    assert identify(client, owner.name, owner.id_number).status_code == 423  # even the right answer, now
    assert Letter.objects.get(elector=e, revoked_at__isnull=True).locked_at is not None
    staff = client.__class__()
    login(staff, staff_a)
    page = staff.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert "locked-letters" in page and "3栋2单元301室" in page
    letter = Letter.objects.get(elector=e, revoked_at__isnull=True)
    staff.post(reverse("consultations:letter_unlock", args=[c.pk, letter.pk]), {"reason": ""})
    assert Letter.objects.get(pk=letter.pk).locked_at is not None  # a reason is required
    staff.post(reverse("consultations:letter_unlock", args=[c.pk, letter.pk]), {"reason": "已电话联系业主本人"})
    assert Letter.objects.get(pk=letter.pk).locked_at is None
    assert AuditEvent.objects.filter(action="consultation.letter_unlock").exists()
    assert identify(client, owner.name, owner.id_number).status_code == 302


def test_a_mistyped_number_is_explained_and_not_counted(client, vote6, settings):
    settings.ANJU_VOTE_LETTER_FAILURES = 2
    code, e = issue_letter(vote6.consultation, "3-2-301")
    client.get(reverse("consultations:vote_link", args=[code]))
    for _ in range(4):
        r = identify(client, "业主3", "4203")
        assert r.status_code == 400 and "18 位身份证号码" in r.content.decode()
    assert Letter.objects.get(elector=e).locked_at is None


def test_a_volunteer_cannot_unlock_a_letter(client, vote6, volunteer_a):
    code, e = issue_letter(vote6.consultation, "3-2-301")
    letter = Letter.objects.get(elector=e)
    services.letter_lock(letter=letter, actor=SYSTEM)
    login(client, volunteer_a)
    r = client.post(reverse("consultations:letter_unlock", args=[vote6.consultation.pk, letter.pk]), {"reason": "x"})
    assert r.status_code == 403
    assert Letter.objects.get(pk=letter.pk).locked_at is not None


def test_a_code_typed_from_paper_opens_the_letter(client, vote6):
    code, e = issue_letter(vote6.consultation, "3-2-301")
    typed = services.format_code(code).lower().replace("-", " - ")
    r = client.post(reverse("consultations:vote"), {"step": "code", "code": typed})
    assert r.status_code == 302
    assert "业主姓名" in client.get(reverse("consultations:vote")).content.decode()


def test_unknown_codes_are_404_and_a_guessing_address_is_paused(client, vote6, settings):
    settings.ANJU_VOTE_ADDRESS_FAILURES = 3
    for _ in range(3):
        assert client.get(reverse("consultations:vote_link", args=["A" * 20])).status_code == 404
    code, e = issue_letter(vote6.consultation, "3-2-301")
    assert client.get(reverse("consultations:vote_link", args=[code])).status_code == 429


def test_replacing_a_letter_needs_the_id_card_checked_and_a_reason(vote6):
    code, e = issue_letter(vote6.consultation, "3-2-301")
    with pytest.raises(ValidationFailed):
        services.letter_replacement_check(elector=e, id_checked=False, reason="遗失")
    with pytest.raises(ValidationFailed):
        services.letter_replacement_check(elector=e, id_checked=True, reason=" ")
    first = vote6.consultation.electors.get(key="3-2-101")
    assert services.letter_replacement_check(elector=first, id_checked=False, reason="") == ""


def test_the_whole_consultation_reprint_revokes_every_letter(vote6, staff_a):
    from anju.consultations.jobs import letters as letters_job
    from anju.core import jobs
    from anju.core.audit import Actor

    c = vote6.consultation
    old, _e = issue_letter(c, "3-2-101")
    assert len(services.letters_due(c)) == 5
    job = jobs.job_start(kind="consultations.letters", label="x", actor=Actor.of(staff_a),
                         params={"consultation": c.pk, "base_url": "http://testserver/", "reissue": True})
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert Letter.objects.filter(revoked_at__isnull=True).count() == 6
    assert services.letters_due(c) == []
    with pytest.raises(NotFound):
        services.letter_for_code(old)
    assert letters_job.__name__ == "letters"  # the kind the page starts is this handler
