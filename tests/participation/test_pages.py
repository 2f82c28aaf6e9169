"""Resident pages without login, staff pages by scope, abuse resistance, PDFs."""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from anju.participation import queries, services
from anju.participation.models import Notice, Suggestion, SuggestionStatus
from tests.factories import PASSWORD, SYSTEM
from tests.participation.conftest import jpeg_bytes
from tests.printed import assert_official, give_phone

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def post_suggestion(client, world, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"compound": world.compound_a.pk, "building": world.building_a.pk, "category": "repair", "title": "路灯不亮",
            "body": "晚上很黑", "contact_phone": "13812345678", "contact_name": "王阿姨", "website": ""}
    data.update(extra)
    if "photos" not in data:
        data["photos"] = [SimpleUploadedFile("p.jpg", jpeg_bytes(gps=True), content_type="image/jpeg")]
    return client.post(reverse("participation:suggest") + f"?compound={world.compound_a.pk}", data)


def test_a_resident_sends_a_suggestion_and_follows_it_by_receipt(client, world):
    page = client.get(reverse("participation:suggest") + f"?compound={world.compound_a.pk}&building={world.building_a.pk}")
    assert page.status_code == 200 and "甲小区" in page.content.decode()
    response = post_suggestion(client, world)
    assert response.status_code == 302
    s = Suggestion.objects.get()
    assert response["Location"] == reverse("participation:receipt", args=[s.receipt_code])
    assert s.photos.count() == 1 and s.building == world.building_a
    receipt = client.get(response["Location"]).content.decode()
    assert s.receipt_code in receipt and "13812345678" not in receipt and "王阿姨" not in receipt
    assert "一般 3 个工作日内答复" in receipt
    services.suggestion_reply(suggestion=s, reply="已安排维修", actor=SYSTEM)
    assert "已安排维修" in client.get(response["Location"]).content.decode()
    assert client.get(reverse("participation:track") + f"?code={s.receipt_code.lower()}").status_code == 302
    assert client.get(reverse("participation:receipt", args=["AAAAAAAAAA"])).status_code == 404


def test_non_images_and_the_honeypot_are_refused(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("p.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = post_suggestion(client, world, photos=[bad])
    assert response.status_code == 400 and "不是有效的图片" in response.content.decode()
    assert post_suggestion(client, world, website="http://spam").status_code == 400
    assert not Suggestion.objects.exists()


def test_submissions_are_rate_limited_per_address(client, world, settings):
    settings.ANJU_PARTICIPATION_RATE_LIMITS = {"suggest": (2, 3600)}
    assert post_suggestion(client, world, photos=[]).status_code == 302
    assert post_suggestion(client, world, photos=[]).status_code == 302
    assert post_suggestion(client, world, photos=[]).status_code == 429
    other = client.post(reverse("participation:suggest"), {}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 400  # another address is not blocked (just incomplete)
    assert Suggestion.objects.count() == 2


def test_the_public_board_shows_replies_without_personal_data(client, world):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="parking", title="电话13812345678找我",
                                   body="私密内容", contact_name="王秀兰", contact_phone="13812345678", actor=SYSTEM)
    services.suggestion_reply(suggestion=s, reply="已增划车位", actor=SYSTEM)
    html = client.get(reverse("participation:board")).content.decode()
    assert "已增划车位" in html
    for private in ("13812345678", "王秀兰", "私密内容", s.receipt_code):
        assert private not in html
    place = client.get(reverse("participation:place", args=[world.compound_a.pk])).content.decode()
    assert "13812345678" not in place and "王秀兰" not in place


def test_staff_of_another_community_get_404(client, world, staff_b):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="t", body="b", actor=SYSTEM,
                                   photos=[("a.jpg", jpeg_bytes())])
    n = services.notice_save(compound=world.compound_a, building=None, title="公示", body_html="<p>x</p>", actor=SYSTEM)
    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="p", topic="t", actor=SYSTEM)
    login(client, staff_b)
    for url in (reverse("participation:suggestion", args=[s.pk]), reverse("participation:suggestion_photo", args=[s.photos.get().pk]),
                reverse("participation:notice_detail", args=[n.pk]), reverse("participation:notice_pdf", args=[n.pk]),
                reverse("participation:meeting", args=[m.pk]), reverse("participation:meeting_signin", args=[m.pk]),
                reverse("participation:household_visits", args=[world.household_a.pk]),
                reverse("participation:visits_compound", args=[world.compound_a.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("participation:suggestion_act", args=[s.pk, "close"])).status_code == 404
    assert client.get(reverse("participation:notice", args=[n.pk])).status_code == 404  # a draft is not public


def test_staff_triage_reply_and_close_with_overdue_marked(client, world, staff_a):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="井盖松动", body="b",
                                   contact_phone="13812345678", actor=SYSTEM)
    # 20 calendar days hold more than 3 working days whatever the holidays (the longest break is 9 days).
    Suggestion.objects.filter(pk=s.pk).update(created=timezone.now() - timezone.timedelta(days=20))
    s.refresh_from_db()
    due = queries.timing(s).reply_due
    login(client, staff_a)
    listing = client.get(reverse("participation:suggestions") + "?overdue=1").content.decode()
    assert "井盖松动" in listing and "答复超期" in listing
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    assert f"应于 {due.month}月{due.day}日前答复" in page and f"应于 {due.month}月{due.day}日前答复" in listing
    assert "138****5678" in page and "13812345678" not in page  # shown in full on 显示, which is logged
    assert reverse("participation:suggestion_reveal", args=[s.pk]) in page
    client.post(reverse("participation:suggestion_act", args=[s.pk, "assign"]), {"org": "市政公司"})
    client.post(reverse("participation:suggestion_act", args=[s.pk, "reply"]), {"reply": "已加固", "show_on_board": "on"})
    client.post(reverse("participation:suggestion_act", args=[s.pk, "close"]))
    s.refresh_from_db()
    assert s.status == SuggestionStatus.CLOSED and s.assigned_org == "市政公司" and s.closed_at
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    assert page.index("居民提交") < page.index("转办 · staff_a") < page.index("办结 · staff_a")
    assert "井盖松动" not in client.get(reverse("participation:suggestions") + "?category=parking").content.decode()


def test_the_staff_page_states_response_and_closing_times_in_days_hours_and_minutes(client, world, staff_a):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="楼道灯坏了",
                                   body="b", actor=SYSTEM)
    services.suggestion_reply(suggestion=s, reply="已派电工查看", actor=SYSTEM,
                              now=s.created + timezone.timedelta(hours=2, minutes=5, seconds=40))
    services.suggestion_close(suggestion=s, actor=SYSTEM, now=s.created + timezone.timedelta(days=3, hours=4, minutes=1))
    login(client, staff_a)
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    # Not Python's "2:05:40" and "3 days, 4:01:00": the two largest units, rounded down.
    assert re.search(r"首次答复用时</dt><dd[^>]*>2 小时 5 分</dd>", page)
    assert re.search(r"办结用时</dt><dd[^>]*>3 天 4 小时</dd>", page)


def test_a_volunteer_sees_masked_phone_and_cannot_reply(client, world, volunteer_a):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="t", body="b",
                                   contact_phone="13812345678", actor=SYSTEM)
    login(client, volunteer_a)
    page = client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert client.post(reverse("participation:suggestion_act", args=[s.pk, "reply"]), {"reply": "x"}).status_code == 403


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "x.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_sign_in_sheet_lists_invited_households(client, world, staff_a, tmp_path):
    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="活动室", topic="加装电梯恳谈", actor=SYSTEM)
    services.meeting_invite(meeting=m, households=[world.household_a], actor=SYSTEM)
    give_phone(world.community_a)
    login(client, staff_a)
    response = client.get(reverse("participation:meeting_signin", args=[m.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "签到表" in text and "3栋1单元501室" in text and "签名" in text and "加装电梯恳谈" in text
    assert_official(text, issuer="甲社区居民委员会")


def test_notice_pdf_has_the_text_and_qr_codes(client, world, staff_a, tmp_path):
    n = services.notice_save(compound=world.compound_a, building=world.building_a, title="停水通知",
                             body_html="<p>周六上午停水检修</p><script>alert(1)</script>", actor=SYSTEM)
    services.notice_publish(notice=n, actor=SYSTEM)
    services.notice_add_image(notice=n, name="a.jpg", data=jpeg_bytes(), actor=SYSTEM)
    give_phone(world.community_a)
    login(client, staff_a)
    response = client.get(reverse("participation:notice_pdf", args=[n.pk]))
    text = pdf_text(response.content, tmp_path)
    assert "停水通知" in text and "周六上午停水检修" in text and "alert" not in text
    assert_official(text, issuer="甲社区居民委员会")
    assert f"/participation/n/{n.pk}/" in text.replace("\n", "") and "扫码提建议" in text
    # The QR codes are inline SVG (no text to extract): the printed HTML carries both.
    from django.template.loader import render_to_string

    from anju.core.pdf import qr_svg
    rendered = render_to_string("participation/print/notice.html", {"n": n, "images": [], "public_url": "u", "suggest_url": "v",
                                                                     "qr_notice": qr_svg("u"), "qr_suggest": qr_svg("v")})
    assert rendered.count("<svg") == 2


def test_published_notices_are_public_for_their_building(client, world):
    n = services.notice_save(compound=world.compound_a, building=world.building_a, title="电梯公示", body_html="<p>内容</p>", actor=SYSTEM)
    assert client.get(reverse("participation:notice", args=[n.pk])).status_code == 404
    services.notice_publish(notice=n, actor=SYSTEM)
    assert "电梯公示" in client.get(reverse("participation:notice", args=[n.pk])).content.decode()
    page = client.get(reverse("participation:place_building", args=[world.compound_a.pk, world.building_a.pk])).content.decode()
    assert "电梯公示" in page


def test_staff_pages_render(client, world, staff_a):
    login(client, staff_a)
    for name in ("index", "suggestions", "notices", "meetings", "visits", "party", "notice_new"):
        assert client.get(reverse(f"participation:{name}")).status_code == 200, name


def test_meeting_visit_and_branch_pages_for_staff_and_404_for_others(client, world, staff_a, staff_b):
    from anju.participation.models import OrgLevel

    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="p", topic="恳谈", actor=SYSTEM)
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    ms = services.member_add(organisation=branch, person=world.owner_a, actor=SYSTEM)
    services.pledge_set(membership=ms, kind="fees", actor=SYSTEM)
    login(client, staff_a)
    client.post(reverse("participation:meeting_act", args=[m.pk, "invite"]), {"building": world.building_a.pk})
    client.post(reverse("participation:meeting_act", args=[m.pk, "attendance"]), {"present": [world.household_a.pk]})
    assert list(m.present.all()) == [world.household_a]
    assert "3栋1单元501" in client.get(reverse("participation:meeting", args=[m.pk])).content.decode()
    response = client.post(reverse("participation:household_visits", args=[world.household_a.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "李华", "renovation": "yes", "elevator": "no"})
    assert response.status_code == 302 and world.household_a.visits.count() == 1
    page = client.get(reverse("participation:organisation", args=[branch.pk])).content.decode()
    assert "王秀兰" in page and "缴纳物业费和维修资金" in page
    client.post(reverse("participation:organisation_act", args=[branch.pk, "activity"]), {
        "person": world.owner_a.pk, "on": timezone.localdate().isoformat(), "kind": "visit", "hours": "2", "visits": "5"})
    client.post(reverse("participation:organisation_act", args=[branch.pk, "pledge"]), {
        "membership": ms.pk, "kind": "fees", "status": "fulfilled"})
    assert ms.pledges.get().status == "fulfilled" and branch.compound.activities.get().visits == 5
    client.logout()
    login(client, staff_b)
    assert client.get(reverse("participation:organisation", args=[branch.pk])).status_code == 404
    assert client.post(reverse("participation:organisation_act", args=[branch.pk, "activity"]), {}).status_code == 404
    assert client.post(reverse("participation:meeting_act", args=[m.pk, "minutes"]), {"minutes": "x"}).status_code == 404


def test_the_suggestion_list_runs_a_fixed_number_of_queries(client, world, staff_a, django_assert_max_num_queries):
    for i in range(12):
        services.suggestion_submit(compound=world.compound_a, building=world.building_a, category="other", title=f"t{i}",
                                   body="b", actor=SYSTEM)
    login(client, staff_a)
    with django_assert_max_num_queries(10):  # 8, then the list's total and the compounds of its filter (issue 18.10)
        assert client.get(reverse("participation:suggestions")).status_code == 200


def test_staff_of_the_community_a_suggestion_was_assigned_to_see_it_and_its_photos(client, world, staff_b):
    s = services.suggestion_submit(compound=world.compound_a, building=None, category="other", title="转办件", body="b",
                                   photos=[("a.jpg", jpeg_bytes())], actor=SYSTEM)
    services.suggestion_assign(suggestion=s, community=world.community_b, actor=SYSTEM)
    login(client, staff_b)
    assert "转办件" in client.get(reverse("participation:suggestion", args=[s.pk])).content.decode()
    photo = client.get(reverse("participation:suggestion_photo", args=[s.photos.get().pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"


def test_staff_add_members_volunteers_and_link_decisions_to_projects(client, world, staff_a):
    from anju.participation.models import OrgLevel

    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    login(client, staff_a)
    client.post(reverse("participation:organisation_act", args=[branch.pk, "member"]), {"person": world.owner_a.pk, "duty": "委员"})
    client.post(reverse("participation:organisation_act", args=[branch.pk, "volunteer"]), {"person": world.owner_a.pk, "role": "supervisor"})
    client.post(reverse("participation:organisation_act", args=[branch.pk, "member"]), {"person": world.owner_b.pk})  # lives elsewhere
    assert list(branch.memberships.values_list("person__name", "duty")) == [("王秀兰", "委员")]
    assert world.owner_a.volunteer_roles.get().role == "supervisor"
    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="p", topic="t", actor=SYSTEM)
    client.post(reverse("participation:meeting_act", args=[m.pk, "decision"]), {"text": "同意", "linked": "roster.compound:1"})
    assert not m.decisions.exists()  # only the compound's projects and consultations can be linked
    client.post(reverse("participation:meeting_act", args=[m.pk, "decision"]), {"text": "同意", "reference": "2021-07"})
    assert m.decisions.get().reference == "2021-07"


def test_staff_write_and_publish_a_notice_for_a_building(client, world, staff_a):
    login(client, staff_a)
    form = client.get(reverse("participation:notice_new")).content.decode()
    assert "甲小区 3栋" in form and "乙小区" not in form
    response = client.post(reverse("participation:notice_new"), {
        "compound": world.compound_a.pk, "building": world.building_a.pk, "kind": "notice", "title": "楼顶防水施工公示",
        "body_html": "施工时间：7月1日至7月15日", "issuer": "甲社区"})
    assert response.status_code == 302
    from anju.participation.models import Notice

    n = Notice.objects.get()
    client.post(reverse("participation:notice_publish", args=[n.pk]))
    n.refresh_from_db()
    assert n.is_published and n.body_html == "<p>施工时间：7月1日至7月15日</p>"
    assert client.post(reverse("participation:notice_new"), {
        "compound": world.compound_b.pk, "kind": "notice", "title": "x", "body_html": "y"}).status_code == 400


def test_receipt_lookups_are_rate_limited(client, world, settings):
    settings.ANJU_PARTICIPATION_RATE_LIMITS = {"track": (3, 600)}
    codes = [client.get(reverse("participation:receipt", args=[f"GUESS{i:05d}"])).status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]


def test_the_compound_visit_page_lists_who_is_left_and_the_tally(client, world, volunteer_a):
    login(client, volunteer_a)
    page = client.get(reverse("participation:visits_compound", args=[world.compound_a.pk])).content.decode()
    assert "3栋1单元501" in page and "五个问题的回答" in page
    client.post(reverse("participation:household_visits", args=[world.household_a.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "黎建国", "renovation": "yes"})
    page = client.get(reverse("participation:visits_compound", args=[world.compound_a.pk])).content.decode()
    assert "全部已走访" in page


def test_a_picture_placed_in_the_text_is_offered_to_the_editor_and_shown_once(client, world, staff_a):
    n = services.notice_save(compound=world.compound_a, building=None, title="围墙修缮", body_html="<p>见图</p>", actor=SYSTEM)
    inline = services.notice_add_image(notice=n, name="a.jpg", data=jpeg_bytes(), caption="北侧围墙", actor=SYSTEM)
    below = services.notice_add_image(notice=n, name="b.jpg", data=jpeg_bytes(), caption="南侧", actor=SYSTEM)
    login(client, staff_a)
    form = client.get(reverse("participation:notice_edit", args=[n.pk])).content.decode()
    # Without JavaScript the textarea is the editor; with it, notice_editor.js enhances it and offers the pictures.
    assert 'name="body_html"' in form and "data-rich-editor" in form and "core/notice_editor.js" in form
    src = reverse("participation:notice_image", args=[inline.pk])
    offered = json.loads(re.search(r'<script id="notice-images" type="application/json">(.*?)</script>', form).group(1))
    assert {"src": src, "alt": "北侧围墙"} in offered and len(offered) == 2
    client.post(reverse("participation:notice_edit", args=[n.pk]), {
        "compound": world.compound_a.pk, "kind": "notice", "title": "围墙修缮",
        "body_html": f'<h2>现状</h2><p><img src="{src}" alt="北侧围墙" style="x"></p>'})
    services.notice_publish(notice=Notice.objects.get(pk=n.pk), actor=SYSTEM)
    n.refresh_from_db()
    page = client.get(reverse("participation:notice", args=[n.pk])).content.decode()
    assert page.count(f'src="{src}"') == 1 and f'src="{reverse("participation:notice_image", args=[below.pk])}"' in page
    printed = queries.body_for_print(n)
    assert f'src="{src}"' not in printed and 'src="file://' in printed


def test_the_branch_page_refuses_the_people_the_api_refuses(client, world, subdistrict_staff):
    from anju.participation.models import OrgLevel

    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    login(client, subdistrict_staff)
    act = reverse("participation:organisation_act", args=[branch.pk, "activity"])
    hours = {"on": timezone.localdate().isoformat(), "kind": "visit", "hours": "2", "visits": "0"}
    client.post(act, {**hours, "person": world.owner_a.pk})  # lives there, but neither member nor volunteer yet
    client.post(reverse("participation:organisation_act", args=[branch.pk, "volunteer"]), {"person": world.owner_b.pk, "role": "speaker"})
    assert not world.compound_a.activities.exists() and not world.owner_b.volunteer_roles.exists()
    client.post(reverse("participation:organisation_act", args=[branch.pk, "volunteer"]), {"person": world.owner_a.pk, "role": "speaker"})
    response = client.post(act, {**hours, "person": world.owner_a.pk}, follow=True)
    assert world.compound_a.activities.count() == 1 and "已保存" in response.content.decode()


def test_the_visit_form_names_the_signed_in_volunteer_as_visitor(client, world, volunteer_a):
    volunteer_a.anju_profile.display_name = "黎建国"
    volunteer_a.anju_profile.save()
    login(client, volunteer_a)
    page = client.get(reverse("participation:household_visits", args=[world.household_a.pk])).content.decode()
    assert re.search(r'<input[^>]*name="visitors"[^>]*value="黎建国"', page)
    # A second visitor is typed next to it; what is posted is what is saved.
    response = client.post(reverse("participation:household_visits", args=[world.household_a.pk]), {
        "visited_on": timezone.localdate().isoformat(), "visitors": "黎建国、李华", "renovation": "yes", "elevator": "no"})
    assert response.status_code == 302 and world.household_a.visits.get().visitors == "黎建国、李华"


def test_the_admin_link_shows_only_to_those_who_may_use_the_admin(client, world, staff_a, volunteer_a):
    login(client, staff_a)
    assert "管理后台" in client.get(reverse("participation:index")).content.decode()
    client.logout()
    volunteer_a.is_staff = False  # as the demo's volunteer: no admin
    volunteer_a.save()
    login(client, volunteer_a)
    page = client.get(reverse("participation:visits")).content.decode()
    assert "管理后台" not in page and client.get("/admin/").status_code == 302
