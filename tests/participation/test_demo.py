"""The demo: 世纪花园's party branch, suggestions, the meeting where one was discussed, a notice, visits."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent
from anju.participation import demo, queries
from anju.participation.models import (
    Activity,
    Meeting,
    Notice,
    OrgLevel,
    PartyOrganisation,
    Pledge,
    Suggestion,
    Visit,
    Volunteer,
)
from anju.roster import demo as roster_demo

pytestmark = pytest.mark.django_db


def counts():
    return tuple(m.objects.count() for m in (PartyOrganisation, Pledge, Volunteer, Activity, Suggestion, Meeting, Notice, Visit,
                                             AuditEvent))


def test_demo_is_loaded_once_and_tells_the_story():
    sd = roster_demo.load_demo()
    demo.load_demo(sd)
    branch = PartyOrganisation.objects.get(name="世纪花园小区党支部")
    assert branch.level == OrgLevel.BRANCH and branch.parent.level == OrgLevel.COMMUNITY
    assert branch.parent.parent.level == OrgLevel.SUBDISTRICT
    assert branch.memberships.count() >= 6 and Pledge.objects.filter(membership__organisation=branch).count() >= 12
    assert all(m.person.party_member for m in branch.memberships.select_related("person"))
    assert set(Volunteer.objects.filter(compound=branch.compound).values_list("role", flat=True)) == {
        "speaker", "observer", "environment", "supervisor"}
    assert queries.branch_totals(branch)["hours"] > 0
    photo = Suggestion.objects.get(title="2栋门口路灯不亮")
    assert photo.photos.count() == 1 and photo.status == "closed"
    elevator = Suggestion.objects.get(title="1栋2单元也想加装电梯")
    meeting = elevator.meetings.get()
    assert meeting.compound.name == "世纪花园" and meeting.present.count() < meeting.invited.count()
    # The cracked wall has no reply; the parking suggestion was answered but is still open.
    assert set(Suggestion.objects.filter(queries.overdue_q()).values_list("title", flat=True)) == {"3栋北侧围墙有裂缝", "改造时能否增加停车位"}
    # Both came in days before the demo was loaded: overdue by days as a working office sees it, not by years.
    for s in Suggestion.objects.exclude(status="closed"):
        assert (timezone.now() - s.created).days <= 90
    assert not Meeting.objects.get().actions.filter(done_at__isnull=True, due__lt=timezone.localdate()).exists()
    notice = Notice.objects.get(title__contains="1栋2单元加装电梯")
    assert notice.is_published and notice.building.number == "1"
    assert Visit.objects.filter(compound=branch.compound).count() == 24
    codes = sorted(Suggestion.objects.values_list("receipt_code", flat=True))

    before = counts()
    demo.load_demo(sd)
    assert counts() == before
    assert sorted(Suggestion.objects.values_list("receipt_code", flat=True)) == codes
