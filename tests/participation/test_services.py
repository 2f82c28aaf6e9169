"""Suggestion workflow, timings and overdue, meetings, visits, the party network."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.core.sanitise import sanitise_html
from anju.core.scoping import Scope
from anju.participation import queries, services
from anju.participation.images import clean_image
from anju.participation.models import OrgLevel, PledgeStatus, Suggestion, SuggestionStatus
from tests.factories import SYSTEM
from tests.participation.conftest import jpeg_bytes

pytestmark = pytest.mark.django_db


def submit(world, **kw):
    args = dict(compound=world.compound_a, building=world.building_a, category="repair", title="楼道灯坏了",
                body="3栋1单元三楼楼道灯不亮", actor=SYSTEM)
    args.update(kw)
    return services.suggestion_submit(**args)


def test_a_suggestion_gets_a_random_receipt_code_and_an_encrypted_phone(world):
    s = submit(world, contact_phone="13812345678", contact_name="王阿姨")
    other = submit(world)
    assert len(s.receipt_code) == 10 and s.receipt_code != other.receipt_code
    assert "13812345678" not in s.contact_phone_encrypted
    assert s.contact_phone == "13812345678" and s.contact_phone_masked == "138****5678"
    event = AuditEvent.objects.get(action="suggestion_submit", object_id=str(s.pk))
    assert "13812345678" not in str(event.after)


def test_a_building_of_another_compound_is_refused(world):
    with pytest.raises(ValidationFailed):
        submit(world, building=world.building_b)


def test_status_workflow_measures_response_and_closing_times(world):
    s = submit(world)
    created = s.created
    services.suggestion_assign(suggestion=s, org="某物业公司", actor=SYSTEM)
    assert s.status == SuggestionStatus.ASSIGNED
    with pytest.raises(Conflict):
        services.suggestion_close(suggestion=s, actor=SYSTEM)
    services.suggestion_reply(suggestion=s, reply="已安排维修", actor=SYSTEM, now=created + datetime.timedelta(hours=20))
    services.suggestion_reply(suggestion=s, reply="已修好", actor=SYSTEM, now=created + datetime.timedelta(days=9))
    services.suggestion_close(suggestion=s, actor=SYSTEM, now=created + datetime.timedelta(days=2))
    t = queries.timing(s)
    assert t.response == datetime.timedelta(hours=20)  # the first reply counts
    assert t.closing == datetime.timedelta(days=2)
    assert not t.overdue and s.status == SuggestionStatus.CLOSED
    with pytest.raises(Conflict):
        services.suggestion_reply(suggestion=s, reply="again", actor=SYSTEM)


def local(*args: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def test_reply_is_due_three_working_days_on_and_the_national_day_week_does_not_count(world, settings):
    # Before working days, this suggestion was overdue on 3 October, in the middle of the holiday.
    s = submit(world)
    Suggestion.objects.filter(pk=s.pk).update(created=local(2025, 9, 30, 10))
    s.refresh_from_db()
    everything = Scope(everything=True)
    on_time, late = local(2025, 10, 11, 18), local(2025, 10, 12, 9)  # Sat 11 Oct is a make-up working day
    t = queries.timing(s, now=on_time)
    assert t.reply_due == datetime.date(2025, 10, 11) and not t.overdue and t.calendar_known
    assert not queries.suggestions_for(everything, overdue=True, now=on_time).exists()
    assert queries.timing(s, now=late).reply_overdue
    assert list(queries.suggestions_for(everything, overdue=True, now=late)) == [s]
    settings.ANJU_SUGGESTION_REPLY_DAYS = 5
    assert queries.timing(s, now=late).reply_due == datetime.date(2025, 10, 14)
    assert not queries.timing(s, now=late).reply_overdue
    assert not queries.suggestions_for(everything, overdue=True, now=late).exists()
    services.suggestion_reply(suggestion=s, reply="收到", actor=SYSTEM, now=late)
    settings.ANJU_SUGGESTION_REPLY_DAYS = 3
    assert not queries.suggestions_for(everything, overdue=True, now=late).exists()
    figures = queries.suggestion_figures(everything, now=late)
    assert figures.total == 1 and figures.answered == 1 and figures.mean_response_hours == Decimal("287.0")


@pytest.mark.parametrize(("created", "due"), [
    (local(2026, 11, 20, 23, 30), datetime.date(2026, 11, 25)),  # late Friday evening, Beijing time
    (local(2026, 11, 21, 0, 30), datetime.date(2026, 11, 25)),  # Saturday: counting starts on Monday
    (local(2026, 9, 30, 9), datetime.date(2026, 10, 10)),  # 国庆 1–7 Oct: Thu 8, Fri 9, make-up Sat 10
])
def test_the_list_and_the_page_agree_on_the_due_day(world, created, due):
    s = submit(world)
    Suggestion.objects.filter(pk=s.pk).update(created=created)
    s.refresh_from_db()
    everything = Scope(everything=True)
    assert queries.timing(s).reply_due == due
    for now, late in ((local(due.year, due.month, due.day, 23, 59), False),
                      (local(due.year, due.month, due.day, 23, 59) + datetime.timedelta(minutes=2), True)):
        assert queries.timing(s, now=now).reply_overdue is late
        assert queries.suggestions_for(everything, overdue=True, now=now).exists() is late
        assert queries.suggestion_figures(everything, now=now).overdue == late


def test_assignment_to_another_community_makes_it_visible_there(world):
    s = submit(world)
    scope_b = Scope(everything=False, subdistrict_id=world.subdistrict.pk, community_id=world.community_b.pk)
    assert not queries.suggestions_for(scope_b).exists()
    services.suggestion_assign(suggestion=s, community=world.community_b, actor=SYSTEM)
    assert list(queries.suggestions_for(scope_b)) == [s]


def test_photos_must_be_images_and_lose_their_gps():
    with pytest.raises(ValidationFailed):
        clean_image(b"%PDF-1.4 not a picture", name="x.jpg")
    original = jpeg_bytes(gps=True, size=(3000, 2000))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    cleaned = clean_image(original, name="a.jpg")
    image = Image.open(io.BytesIO(cleaned.content))
    assert not image.getexif().get_ifd(0x8825) and not image.getexif()
    assert max(image.size) == 1600 and (cleaned.width, cleaned.height) == image.size


def test_at_most_three_photos_and_stored_without_gps(world):
    with pytest.raises(ValidationFailed):
        submit(world, photos=[("a.jpg", jpeg_bytes())] * 4)
    s = submit(world, photos=[("a.jpg", jpeg_bytes(gps=True))])
    stored = s.photos.get().image.read()
    assert not Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825)


@pytest.mark.parametrize("dirty, gone", [
    ('<p>hi<script>alert(1)</script></p>', "alert"),
    ('<img src="x.png" onerror="alert(1)">', "onerror"),
    ('<a href="javascript:alert(1)">x</a>', "javascript"),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', "alert"),
    ('<p style="background:url(x)">x</p>', "style"),
    ('<iframe src="https://evil"></iframe>ok', "iframe"),
    ('<svg><script>alert(1)</script></svg>', "alert"),
])
def test_sanitiser_removes_what_runs(dirty, gone):
    assert gone.lower() not in sanitise_html(dirty).lower()


def test_sanitiser_keeps_formatting_and_safe_links():
    html = sanitise_html('<h2>通知</h2><p><strong>周六</strong> 开会 &lt;3</p><ul><li>一</li></ul><a href="https://x.cn/a">链接</a>')
    assert html == ('<h2>通知</h2><p><strong>周六</strong> 开会 &lt;3</p><ul><li>一</li></ul>'
                    '<a href="https://x.cn/a" rel="nofollow noopener">链接</a>')


def test_notice_body_is_sanitised_when_saved(world):
    n = services.notice_save(compound=world.compound_a, building=None, title="公示", body_html="<p onclick='x()'>内容</p>",
                             actor=SYSTEM)
    assert n.body_html == "<p>内容</p>" and not n.is_published
    services.notice_publish(notice=n, actor=SYSTEM)
    assert list(queries.notices_for_place(world.compound_a, world.building_a)) == [n]


def test_meeting_invites_attendance_decisions_and_overdue_actions(world):
    m = services.meeting_create(compound=world.compound_a, starts_at=timezone.now(), place="活动室", topic="加装电梯",
                                actor=SYSTEM)
    assert services.meeting_invite(meeting=m, households=[world.household_a], actor=SYSTEM) == 1
    with pytest.raises(ValidationFailed):
        services.meeting_invite(meeting=m, households=[world.household_b], actor=SYSTEM)
    services.meeting_attendance(meeting=m, present=[world.household_a], actor=SYSTEM)
    d = services.decision_add(meeting=m, text="同意加装", linked=world.compound_a, actor=SYSTEM)
    assert d.linked == world.compound_a
    s = submit(world)
    services.meeting_link_suggestion(meeting=m, suggestion=s, actor=SYSTEM)
    assert list(s.meetings.all()) == [m]
    late = services.followup_add(meeting=m, description="报价", owner="李华", due=timezone.localdate() - datetime.timedelta(days=1),
                                 actor=SYSTEM)
    assert list(queries.overdue_actions(Scope(everything=True))) == [late]
    services.followup_done(action=late, actor=SYSTEM)
    assert not queries.overdue_actions(Scope(everything=True)).exists()


def test_visits_and_households_not_yet_visited(world):
    everything = Scope(everything=True)
    assert list(queries.households_not_visited(everything, world.compound_a)) == [world.household_a]
    services.visit_record(household=world.household_a, visited_on=timezone.localdate(), visitors="李华",
                          answers={"renovation": "yes", "elevator": "unsure"}, concerns="费用", actor=SYSTEM)
    assert not queries.households_not_visited(everything, world.compound_a).exists()
    assert queries.visit_coverage(everything, world.compound_a) == (1, 1)
    with pytest.raises(ValidationFailed):
        services.visit_record(household=world.household_a, visited_on=timezone.localdate(), visitors="x",
                              answers={"renovation": "maybe"}, actor=SYSTEM)


def test_three_level_party_network_pledges_and_hours(world):
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="街道党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.organisation_create(level=OrgLevel.BRANCH, name="x", parent=top, compound=world.compound_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    membership = services.member_add(organisation=branch, person=world.owner_a, actor=SYSTEM)
    world.owner_a.refresh_from_db()
    assert world.owner_a.party_member
    services.pledge_set(membership=membership, kind="support", actor=SYSTEM)
    services.pledge_set(membership=membership, kind="support", status=PledgeStatus.FULFILLED, actor=SYSTEM)
    assert queries.pledge_summary(branch) == {"pledged": 0, "in_progress": 0, "fulfilled": 1}
    services.volunteer_assign(person=world.owner_a, compound=world.compound_a, role="observer", actor=SYSTEM)
    today = timezone.localdate()
    services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="visit", hours="2.5", visits=4, actor=SYSTEM)
    services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="patrol", hours="1", actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="patrol", hours="25", actor=SYSTEM)
    totals = queries.branch_totals(branch)
    # 走访户数 counts households with a visit record (none yet), not what a service entry says it visited.
    assert (totals["hours"], totals["visits"], totals["reported_visits"], totals["entries"]) == (Decimal("3.5"), 0, 4, 2)
    assert queries.branch_totals(top)["hours"] == Decimal("3.5")
    [row] = queries.hours_by_person(queries.branch_activities(branch))
    assert row.name == "王秀兰" and row.hours == Decimal("3.5")


def test_a_notice_typed_as_plain_text_becomes_paragraphs(world):
    n = services.notice_save(compound=world.compound_a, building=None, title="通知", body_html="第一段\n第二行\n\n第二段 3 & 4 > 2",
                             actor=SYSTEM)
    assert n.body_html == "<p>第一段<br>第二行</p><p>第二段 3 &amp; 4 &gt; 2</p>"


def test_the_tally_counts_each_household_at_its_latest_visit(world):
    everything = Scope(everything=True)
    day = timezone.localdate()
    services.visit_record(household=world.household_a, visited_on=day - datetime.timedelta(days=3), visitors="李华",
                          answers={"elevator": "no"}, actor=SYSTEM)
    services.visit_record(household=world.household_a, visited_on=day, visitors="李华", answers={"elevator": "yes"}, actor=SYSTEM)
    tally = {key: counts for key, _label, counts in queries.visit_tally(everything, world.compound_a)}
    assert tally["elevator"] == {"yes": 1, "no": 0, "unsure": 0, "none": 0}
    assert tally["renovation"]["none"] == 1


def test_only_the_compounds_people_join_volunteer_and_log_hours(world):
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name="街道党工委", subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    mid = services.organisation_create(level=OrgLevel.COMMUNITY, name="甲社区党委", parent=top, community=world.community_a, actor=SYSTEM)
    branch = services.organisation_create(level=OrgLevel.BRANCH, name="甲小区党支部", parent=mid, compound=world.compound_a, actor=SYSTEM)
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as refused:
        services.member_add(organisation=branch, person=world.owner_b, actor=SYSTEM)  # lives in the other community
    assert refused.value.field == "person"
    with pytest.raises(ValidationFailed):
        services.volunteer_assign(person=world.owner_b, compound=world.compound_a, role="observer", actor=SYSTEM)
    with pytest.raises(ValidationFailed):  # a resident, but neither a member nor a volunteer
        services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="visit", hours="1", actor=SYSTEM)
    services.member_add(organisation=mid, person=world.owner_a, actor=SYSTEM)  # the community committee: its community's people
    with pytest.raises(ValidationFailed):  # a member of the community committee is not the compound branch's
        services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="visit", hours="1", actor=SYSTEM)
    services.member_add(organisation=branch, person=world.owner_a, actor=SYSTEM)
    with pytest.raises(ValidationFailed):
        services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="nap", hours="1", actor=SYSTEM)
    services.activity_log(person=world.owner_a, compound=world.compound_a, on=today, kind="visit", hours="1", actor=SYSTEM)
    assert queries.branch_totals(branch)["entries"] == 1
