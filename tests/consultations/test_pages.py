"""Pages: the resident's letter link, staff paper ballots, the tally fragment, the notice, scoping."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from anju.consultations import services
from anju.consultations.models import Ballot, Consultation
from anju.core import jobs
from anju.core.errors import Conflict
from anju.core.models import Job
from tests.consultations.conftest import issue_letter, make_unit_vote
from tests.factories import PASSWORD, SYSTEM
from tests.printed import assert_official, give_phone


def link(v, key="3-2-301"):
    code, e = issue_letter(v.consultation, key)
    return reverse("consultations:vote_link", args=[code]), e


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_a_resident_votes_from_the_letter_link_and_sees_a_receipt(client, vote6):
    link_url, e = link(vote6)
    page = client.get(link_url, follow=True)
    assert "业主姓名" in page.content.decode() and "甲小区3栋2单元301室" in page.content.decode()
    assert "3-2-301" not in page.content.decode()  # the digest's sort key is not what a resident reads
    url = reverse("consultations:vote")
    wrong = client.post(url, {"step": "identity", "name": "业主3", "number": vote6.owners[1].id_number})
    assert wrong.status_code == 400 and "不符" in wrong.content.decode()
    ok = client.post(url, {"step": "identity", "name": "业主3", "number": vote6.owners[2].id_number})
    assert ok.status_code == 302
    q = vote6.consultation.questions.get()
    done = client.post(url, {"step": "ballot", "expected": "", f"q{q.pk}": "yes"}, follow=True)
    ballot = Ballot.objects.get(elector=e)
    assert ballot.receipt in done.content.decode() and "同意" in done.content.decode()
    again = client.get(url).content.decode()
    assert "您已经提交过表决" in again and "重新提交表决" in again
    stale = client.post(url, {"step": "ballot", "expected": "", f"q{q.pk}": "no"})
    assert stale.status_code == 409 and "刷新" in stale.content.decode()


def test_the_identity_check_is_rate_limited_per_address(client, vote6, settings):
    settings.ANJU_VOTE_ADDRESS_FAILURES = 3
    link_url, _ = link(vote6)
    client.get(link_url)
    url = reverse("consultations:vote")
    for _ in range(3):
        assert client.post(url, {"step": "identity", "name": "x", "number": "13800000000"}).status_code == 400
    blocked = client.post(url, {"step": "identity", "name": "业主3", "number": vote6.owners[2].id_number})
    assert blocked.status_code == 429 and "过多" in blocked.content.decode()


def test_an_unknown_code_is_a_404(client, vote6):
    assert client.get(reverse("consultations:vote_link", args=["x" * 32])).status_code == 404


def test_staff_enter_a_paper_ballot_with_a_scan_and_the_tally_changes(client, vote6, staff_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, staff_a)
    c = vote6.consultation
    e = c.electors.get(key="3-2-101")
    q = c.questions.get()
    before = client.get(reverse("consultations:tally", args=[c.pk])).content.decode()
    assert "已表态 0 / 6 户" in before
    buf = io.BytesIO()
    Image.new("RGB", (40, 60), "white").save(buf, "JPEG")
    buf.seek(0)
    buf.name = "ballot.jpg"
    r = client.post(reverse("consultations:paper", args=[c.pk]),
                    {"elector": e.pk, "channel": "paper", "signer": "业主1", f"q{q.pk}": "yes", "scan": buf})
    assert r.status_code == 302
    ballot = Ballot.objects.get(elector=e)
    assert ballot.entered_by == staff_a and ballot.scan and (tmp_path / ballot.scan).exists()
    after = client.get(reverse("consultations:tally", args=[c.pk])).content.decode()
    assert "已表态 1 / 6 户" in after
    shown = client.get(reverse("consultations:scan", args=[c.pk, ballot.pk]))
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == (tmp_path / ballot.scan).read_bytes()
    detail = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert "3栋2单元201室" in detail and "/consultations/v/" not in detail  # codes exist only on printed letters


def test_a_fake_scan_is_refused_with_a_message(client, vote6, staff_a):
    login(client, staff_a)
    c = vote6.consultation
    fake = io.BytesIO(b"not an image")
    fake.name = "x.jpg"
    r = client.post(reverse("consultations:paper", args=[c.pk]),
                    {"elector": c.electors.first().pk, "channel": "paper", f"q{c.questions.get().pk}": "yes",
                     "scan": fake}, follow=True)
    assert "不是有效的图片" in r.content.decode()
    assert not Ballot.objects.exists()


def test_other_communities_get_404(client, vote6, staff_b, volunteer_a):
    login(client, staff_b)
    assert client.get(reverse("consultations:detail", args=[vote6.consultation.pk])).status_code == 404
    assert client.get(reverse("consultations:tally", args=[vote6.consultation.pk])).status_code == 404
    client.logout()
    login(client, volunteer_a)
    assert client.get(reverse("consultations:detail", args=[vote6.consultation.pk])).status_code == 200
    assert client.post(reverse("consultations:close", args=[vote6.consultation.pk])).status_code == 403


def test_staff_create_open_and_close_a_consultation(client, world, staff_a):
    login(client, staff_a)
    r = client.post(reverse("consultations:new"), {"title": "一户一策五问", "compound": world.compound_a.pk,
                                                  "template": "household5"})
    c = Consultation.objects.get()
    assert r.status_code == 302 and c.questions.count() == 6
    client.post(reverse("consultations:open", args=[c.pk]))
    c.refresh_from_db()
    assert c.status == "open" and c.electors.count() == 1


def test_the_buttons_that_cannot_be_undone_ask_first(client, world, staff_a):
    """Opening freezes the electorate and a reprint voids the household's letter: both ask before they act."""
    login(client, staff_a)
    client.post(reverse("consultations:new"), {"title": "一户一策五问", "compound": world.compound_a.pk,
                                               "template": "household5"})
    c = Consultation.objects.get()
    draft = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert re.search(r'action="[^"]*/open/"[^>]*data-confirm="开始后表决户名单即冻结', draft)
    client.post(reverse("consultations:open", args=[c.pk]))
    opened = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert re.search(r'data-confirm="打印新告知书后，该户原来的告知书和二维码立即作废[^"]*">打印（原告知书作废）', opened)


def test_the_notice_pdf_and_the_public_list_carry_the_same_digest(client, vote6, staff_a):
    c = vote6.consultation
    q = c.questions.get()
    # Floor 4 says no: floors 5 and 6 have one owner, whose two votes must agree (else the notice waits).
    for h, a in zip(vote6.households, ["yes"] * 3 + ["no"] + ["yes"] * 2, strict=True):
        services.ballot_cast(consultation=c, household=h, answers={str(q.pk): a}, channel="paper", actor=SYSTEM)
    services.consultation_close(consultation=c, actor=SYSTEM)
    public = client.get(reverse("consultations:public", args=[c.pk]))
    text = client.get(reverse("consultations:public", args=[c.pk]) + "?format=txt").content
    # Recomputed independently from the documented form: alias, channel, answers; TAB-separated,
    # LF-ended, sorted by alias. No room, floor or area: nobody can tell whose line is whose.
    alias = dict(c.electors.values_list("floor", "alias"))
    expected = "".join(sorted(f"{alias[f]}\tpaper\t1={'no' if f == 4 else 'yes'}\n" for f in range(1, 7)))
    assert text.decode() == expected
    assert "3-2-" not in public.content.decode() and "3-2-" not in text.decode()
    digest = hashlib.sha256(expected.encode("utf-8")).hexdigest()
    assert digest in public.content.decode()
    login(client, staff_a)
    pdf = client.get(reverse("consultations:notice", args=[c.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_the_notice_reads_as_a_chinese_poster_with_issuer_date_seal_and_phone(client, vote6, staff_a):
    c = vote6.consultation
    community = c.compound.community
    community.phone = "0719-8651216"
    community.save(update_fields=["phone"])
    q = c.questions.get()
    for h, a in zip(vote6.households, ["yes"] * 3 + ["no"] + ["yes"] * 2, strict=True):
        services.ballot_cast(consultation=c, household=h, answers={str(q.pk): a}, channel="paper", actor=SYSTEM)
    services.consultation_close(consultation=c, actor=SYSTEM)
    login(client, staff_a)
    client.cookies["django_language"] = "en"  # a staff member reading English still prints a Chinese poster
    text = pdf_text(client.get(reverse("consultations:notice", args=[c.pk])).content)
    flat = re.sub(r"\s+", "", text)
    for label in ("参与表决的专有部分面积", "参与表决的业主人数", "同意的专有部分面积", "同意的业主人数"):
        assert label in flat, label
    # Floors 1-6 have 61..66 ㎡: 381.00 ㎡ in all; five owners (floors 5 and 6 are one).
    assert "381.00㎡/381.00㎡（100.00%）" in flat and "5人/5人（100.00%）" in flat
    assert "≥2/3" in flat and "≥3/4" in flat and "满足" in flat
    assert "甲社区居民委员会" in flat and "（盖章）" in flat and "联系电话：0719-8651216" in flat
    assert timezone.localdate().strftime("%Y年") in flat and "第1页共1页" in flat
    assert re.search(r"[0-9a-f]{64}", text) and "64 位摘要" in text
    # No code key, no Python value, no English sentence on the poster.
    assert not re.search(r"participation_|approval_|True|False|None|Fraction|>=|SHA", text)
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"https?://\S+|[0-9a-f]{64}", "", text)), text


def test_letters_for_the_whole_consultation_are_a_background_job(client, vote6, staff_a,
                                                                 django_capture_on_commit_callbacks):
    login(client, staff_a)
    with django_capture_on_commit_callbacks(execute=False):
        r = client.post(reverse("consultations:letters_job", args=[vote6.consultation.pk]))
    job = Job.objects.get()
    assert r.status_code == 302
    jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.result["pages"] == 6


def test_public_list_is_only_for_closed_consultations(client, vote6):
    assert client.get(reverse("consultations:public", args=[vote6.consultation.pk])).status_code == 404


def test_a_single_letter_pdf(client, vote6, staff_a):
    give_phone(vote6.consultation.compound.community)
    login(client, staff_a)
    e = vote6.consultation.electors.get(key="3-2-301")
    r = client.post(reverse("consultations:letter_pdf", args=[vote6.consultation.pk]), {"elector": e.pk})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert "甲小区3栋2单元301室业主" in re.sub(r"\s+", "", text) and "3-2-301" not in text
    assert_official(text, issuer="甲社区居民委员会")


def test_open_ballots_publish_the_list_by_room_and_say_so(client, vote6, staff_a):
    c = vote6.consultation
    c.open_ballots = True
    c.save(update_fields=["open_ballots"])
    q = c.questions.get()
    for h, a in zip(vote6.households, ["yes"] * 3 + ["no"] + ["yes"] * 2, strict=True):
        services.ballot_cast(consultation=c, household=h, answers={str(q.pk): a}, channel="paper", actor=SYSTEM)
    services.consultation_close(consultation=c, actor=SYSTEM)
    text = client.get(reverse("consultations:public", args=[c.pk]) + "?format=txt").content.decode()
    expected = "".join(f"3-2-{f}01\t{f}\t{60 + f}.00\tpaper\t1={'no' if f == 4 else 'yes'}\n" for f in range(1, 7))
    assert text == expected
    assert "记名公示" in client.get(reverse("consultations:public", args=[c.pk])).content.decode()


def test_staff_create_a_unit_vote_from_the_elevator_template(client, world, staff_a):
    login(client, staff_a)
    unit = world.building_a.units.get(number="1")
    page = client.get(reverse("consultations:new")).content.decode()
    assert "甲小区 3栋1单元" in page and "乙小区" not in page
    client.post(reverse("consultations:new"), {"title": "加装电梯", "compound": world.compound_a.pk, "unit": unit.pk,
                                               "template": "elevator"})
    c = Consultation.objects.get()
    assert c.unit == unit and c.questions.get().rule == {"rule": "civil-code-278-major"}


def test_staff_add_a_question_with_a_custom_rule_checked_by_the_engine(client, world, staff_a):
    v = make_unit_vote(world, open_it=False)
    login(client, staff_a)
    url = reverse("consultations:question_new", args=[v.consultation.pk])
    bad = client.post(url, {"text": "同意拆除违建？", "kind": "yes_no", "rule": "custom",
                            "rule_json": '{"rule": {"approval": {"count": "3/2"}}}'}, follow=True)
    assert "rule.approval.count" in bad.content.decode() or "比例" in bad.content.decode()
    client.post(url, {"text": "同意拆除违建？", "kind": "yes_no", "rule": "custom",
                      "rule_json": '{"rule": "civil-code-278-ordinary", "extra": [{"type": "no_objection", '
                                   '"households": ["3-2-101"]}]}'})
    client.post(url, {"text": "物业方式？", "kind": "single", "choices": "物业公司\n业主自治"})
    qs = list(v.consultation.questions.order_by("order"))
    assert [q.kind for q in qs] == ["yes_no", "yes_no", "single"]
    assert qs[1].rule["extra"][0]["households"] == ["3-2-101"] and qs[2].choices == ["物业公司", "业主自治"]


def test_no_ballot_before_the_opening_time(world):
    v = make_unit_vote(world, open_it=False)
    v.consultation.opens_at = timezone.now() + datetime.timedelta(days=1)
    v.consultation.save()
    services.consultation_open(consultation=v.consultation, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.ballot_cast(consultation=v.consultation, household=v.households[0], channel="paper", actor=SYSTEM,
                             answers={str(v.consultation.questions.get().pk): "yes"})


def test_list_and_detail_pages_use_a_fixed_number_of_queries(client, world, staff_a, django_assert_max_num_queries):
    c = make_unit_vote(world).consultation
    q = c.questions.get()
    for e in c.electors.all()[:4]:
        services.ballot_cast(consultation=c, household=e, answers={str(q.pk): "yes"}, channel="paper", actor=SYSTEM)
    login(client, staff_a)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("consultations:index")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("consultations:detail", args=[c.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("consultations:tally", args=[c.pk])).status_code == 200
