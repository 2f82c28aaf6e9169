"""The election question, "elect up to N of these candidates": created through the services, ballots
refused beyond N on every channel, counted per candidate by art. 278 (anju.domain.stewardship.election)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse

from anju.consultations import queries, queries_election, services
from anju.consultations.models import Ballot, Consultation, Question
from anju.core.errors import ValidationFailed
from anju.roster import services as roster
from anju.roster.models import Household
from tests.consultations.conftest import issue_letter
from tests.factories import PASSWORD, SYSTEM, id_number

CANDIDATES = ["张建国", "李秀英", "王志强"]


@dataclass
class Election:
    consultation: Consultation
    question: Question
    households: list[Household]  # floors 1..6 of 3栋2单元, 61..66 ㎡; floors 5 and 6 have one owner


def make_election(world, *, seats: int = 2, open_it: bool = True) -> Election:
    unit = world.building_a.units.get(number="2")
    households, owners = [], []
    for floor in range(1, 7):
        h = roster.household_create(
            unit=unit,
            floor=floor,
            room=f"{floor}01",
            exclusive_area=str(Decimal("60.00") + floor),
            actor=SYSTEM,
        )
        households.append(h)
        if floor <= 5:
            owners.append(
                roster.person_create(
                    subdistrict=world.subdistrict,
                    name=f"业主{floor}",
                    sex="F",
                    birth_year=1962,
                    id_number=id_number(300 + floor),
                    phone=f"1390000{floor:04d}",
                    actor=SYSTEM,
                )
            )
        roster.ownership_add(person=owners[min(floor, 5) - 1], household=h, actor=SYSTEM)
    c = services.consultation_create(compound=world.compound_a, unit=unit, title="首次业主大会", actor=SYSTEM)
    q = services.question_add(
        consultation=c,
        kind="election",
        text="选举第一届业主委员会委员",
        choices=CANDIDATES,
        seats=seats,
        actor=SYSTEM,
    )
    if open_it:
        services.consultation_open(consultation=c, actor=SYSTEM)
    return Election(c, q, households)


@pytest.fixture
def election(world) -> Election:
    return make_election(world)


def cast(e: Election, floor: int, chosen: list[str], channel: str = "paper") -> Ballot:
    return services.ballot_cast(
        consultation=e.consultation,
        household=e.households[floor - 1],
        answers={str(e.question.pk): chosen},
        channel=channel,
        actor=SYSTEM,
    )


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


# --- creating the question ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "seats", "field", "zh"),
    [
        (["甲", "乙"], 3, "seats", "应选名额（3 名）多于候选人数（2 人）"),
        ([], 1, "choices", "还没有候选人"),
        (["甲", "乙", "甲"], 1, "choices", "候选人“甲”重复列出"),
        (["甲", "乙"], 0, "seats", "请填写应选名额"),
        (["甲", "乙"], "两", "seats", "请填写应选名额"),
        (["甲", "乙+丙"], 1, "choices", "不能含有"),
    ],
)
def test_an_election_with_bad_candidates_or_seats_is_refused_and_nothing_saved(
    world, choices, seats, field, zh
):
    c = services.consultation_create(compound=world.compound_a, title="首次业主大会", actor=SYSTEM)
    with pytest.raises(ValidationFailed) as refused:
        services.question_add(
            consultation=c, kind="election", text="选举委员", choices=choices, seats=seats, actor=SYSTEM
        )
    assert refused.value.field == field and zh in refused.value.zh
    assert re.sub(r"[甲乙丙]", "", refused.value.en).isascii()  # English beside the names as typed
    assert not c.questions.exists()


def test_seats_belong_to_elections_only(world):
    c = services.consultation_create(compound=world.compound_a, title="意见征求", actor=SYSTEM)
    q = services.question_add(
        consultation=c, kind="single", text="物业方式", choices=["甲", "乙"], seats=2, actor=SYSTEM
    )
    assert q.seats is None


def test_staff_add_an_election_on_the_page_and_too_many_seats_are_named(client, world, staff_a):
    login(client, staff_a)
    c = services.consultation_create(compound=world.compound_a, title="首次业主大会", actor=SYSTEM)
    url = reverse("consultations:question_new", args=[c.pk])
    refused = client.post(
        url, {"kind": "election", "text": "选举委员", "choices": "甲\n乙", "seats": "3"}, follow=True
    ).content.decode()
    assert "应选名额（3 名）多于候选人数（2 人）" in refused and not c.questions.exists()
    client.post(url, {"kind": "election", "text": "选举委员", "choices": "甲\n乙\n丙", "seats": "2"})
    q = c.questions.get()
    assert (q.kind, q.choices, q.seats) == ("election", ["甲", "乙", "丙"], 2)
    assert "应选 2 名" in client.get(reverse("consultations:detail", args=[c.pk])).content.decode()


def test_the_api_refuses_more_seats_than_candidates(client, world, staff_a):
    client.force_login(staff_a)
    c = services.consultation_create(compound=world.compound_a, title="首次业主大会", actor=SYSTEM)
    url = f"/api/consultations/consultations/{c.pk}/questions"
    bad = client.post(
        url,
        {"kind": "election", "text": "选举委员", "choices": ["甲"], "seats": 2},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "seats"
    ok = client.post(
        url,
        {"kind": "election", "text": "选举委员", "choices": ["甲", "乙"], "seats": 1},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["seats"] == 1


# --- ballots --------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["online", "paper", "door"])
def test_a_ballot_choosing_more_than_the_seats_is_refused_on_every_channel(election, channel):
    with pytest.raises(ValidationFailed) as refused:
        cast(election, 1, CANDIDATES, channel)
    assert refused.value.field == f"answers.{election.question.pk}" and "最多选 2 人" in refused.value.zh
    assert not Ballot.objects.exists()


def test_a_ballot_naming_someone_not_on_the_list_is_refused(election):
    with pytest.raises(ValidationFailed) as refused:
        cast(election, 1, ["赵六"])
    assert "不在候选人名单上" in refused.value.zh and not Ballot.objects.exists()


def test_a_ballot_choosing_nobody_takes_part(election):
    ballot = cast(election, 1, [])
    assert ballot.answers == {str(election.question.pk): []}
    result = queries_election.election_result(election.consultation, election.question)
    assert result.participants == 1 and result.participant_area == Decimal("61.00")


def test_the_resident_page_shows_checkboxes_and_refuses_one_too_many(client, election):
    code, e = issue_letter(election.consultation, "3-2-301")
    client.get(reverse("consultations:vote_link", args=[code]))
    url = reverse("consultations:vote")
    client.post(url, {"step": "identity", "name": "业主3", "number": id_number(303)})
    page = client.get(url).content.decode()
    q = election.question
    assert "最多选 2 人" in page
    assert all(f'type="checkbox" name="q{q.pk}" value="{name}"' in page for name in CANDIDATES)
    refused = client.post(url, {"step": "ballot", "expected": "", f"q{q.pk}": CANDIDATES})
    assert refused.status_code == 400 and "最多选 2 人" in refused.content.decode()
    assert not Ballot.objects.exists()
    done = client.post(url, {"step": "ballot", "expected": "", f"q{q.pk}": CANDIDATES[:2]}, follow=True)
    assert "张建国、李秀英" in done.content.decode()
    assert Ballot.objects.get(elector=e).answers == {str(q.pk): CANDIDATES[:2]}


def test_the_paper_form_takes_the_same_limit(client, election, staff_a):
    login(client, staff_a)
    c, q = election.consultation, election.question
    e = c.electors.get(key="3-2-101")
    detail = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert "最多选 2 人" in detail and f'type="checkbox" name="q{q.pk}" value="王志强"' in detail
    url = reverse("consultations:paper", args=[c.pk])
    refused = client.post(url, {"elector": e.pk, "channel": "paper", f"q{q.pk}": CANDIDATES}, follow=True)
    assert "最多选 2 人" in refused.content.decode() and not Ballot.objects.exists()
    client.post(url, {"elector": e.pk, "channel": "door", f"q{q.pk}": ["王志强"]})
    assert Ballot.objects.get(elector=e).answers == {str(q.pk): ["王志强"]}


def test_the_api_refuses_one_too_many(client, election, staff_a):
    client.force_login(staff_a)
    c, q = election.consultation, election.question
    url = f"/api/consultations/consultations/{c.pk}/ballots"
    bad = client.post(
        url,
        {"household_key": "3-2-101", "answers": {str(q.pk): CANDIDATES}, "channel": "door"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == f"answers.{q.pk}"
    assert not Ballot.objects.exists()


# --- the count --------------------------------------------------------------------------------


def vote_small_world(e: Election) -> None:
    """Five owners, 381 ㎡, all take part. Worked by hand (more than half: > 2.5 owners, > 190.5 ㎡):
    张建国: owners 1, 2, 5 = 3, 61 + 62 + 131 = 254 ㎡ → elected;
    李秀英: owners 1, 3 = 2, 124 ㎡ → below half; 王志强: owners 3, 5 = 2, 194 ㎡ → below half (owners)."""
    cast(e, 1, ["张建国", "李秀英"])
    cast(e, 2, ["张建国"], "online")
    cast(e, 3, ["李秀英", "王志强"], "door")
    cast(e, 4, [])
    cast(e, 5, ["张建国", "王志强"])
    cast(e, 6, ["王志强", "张建国"])  # the same owner's other flat, the same choice in another order


def test_the_count_per_candidate_on_a_small_world(election):
    vote_small_world(election)
    r = queries_election.election_result(election.consultation, election.question)
    assert (r.seats, r.turnout_met, r.participants, r.participant_area) == (2, True, 5, Decimal("381.00"))
    rows = {c.name: (c.votes, c.area, c.passed, c.status_label) for c in r.candidates}
    assert rows == {
        "张建国": (3, Decimal("254.00"), True, "当选"),
        "王志强": (2, Decimal("194.00"), False, "未过半数"),
        "李秀英": (2, Decimal("124.00"), False, "未过半数"),
    }
    assert [c.name for c in r.candidates] == ["张建国", "王志强", "李秀英"]  # votes, then area
    assert r.elected == ("张建国",) and r.vacant == 1 and not r.final


def test_below_the_turnout_nobody_is_elected(election):
    cast(election, 1, ["张建国"])
    cast(election, 2, ["张建国"])
    r = queries_election.election_result(election.consultation, election.question)
    assert not r.turnout_met and r.elected == ()
    assert {c.status_label for c in r.candidates} == {"参与率不足"}


def test_an_owner_whose_flats_chose_differently_waits_for_staff(client, election, staff_a):
    cast(election, 5, ["张建国"])
    cast(election, 6, ["李秀英"])
    with pytest.raises(ValidationFailed):
        queries_election.election_result(election.consultation, election.question)
    [qt] = queries.tally(election.consultation).questions
    assert qt.election is None and "各户勾选的候选人不一致（3栋2单元501室、3栋2单元601室，见“业主意见冲突”页）" in qt.error
    assert len(qt.owner_conflicts) == 1  # the owner is named on the owner-conflicts page and in 我的待办
    login(client, staff_a)
    assert client.get(reverse("consultations:tally", args=[election.consultation.pk])).status_code == 200


def test_the_tally_page_and_the_api_show_each_candidate(client, election, staff_a):
    vote_small_world(election)
    login(client, staff_a)
    c = election.consultation
    page = client.get(reverse("consultations:tally", args=[c.pk])).content.decode()
    assert "应选 2 名，当选 1 名" in page
    assert re.search(r'data-candidate="张建国" data-status="elected">.*?254\.00.*?当选', page, re.S)
    assert 'data-candidate="李秀英" data-status="below_threshold"' in page
    t = client.get(f"/api/consultations/consultations/{c.pk}/tally").json()
    el = t["questions"][0]["election"]
    assert el["elected"] == ["张建国"] and el["vacant"] == 1 and el["participants"] == 5
    assert el["candidates"][0] == {
        "name": "张建国",
        "votes": 3,
        "area": "254.00",
        "passed": True,
        "status": "elected",
        "status_label": "当选",
        "rank": 1,
    }


def test_the_notice_pdf_lists_the_elected(client, election, staff_a):
    vote_small_world(election)
    services.consultation_close(consultation=election.consultation, actor=SYSTEM)
    login(client, staff_a)
    client.cookies["django_language"] = "en"  # the poster is Chinese whatever the staff member reads
    pdf = client.get(reverse("consultations:notice", args=[election.consultation.pk])).content
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode(),
    )
    assert "应选2名，当选1名" in text and "当选：张建国。" in text
    assert "张建国3254.00㎡满足当选" in text and "李秀英2124.00㎡不满足未过半数" in text
    assert not re.search(r"Elected|Not over half|elected|below_threshold", text)
    r = queries_election.election_result(election.consultation, election.question)
    assert r.final


def test_the_printed_letter_lists_the_candidates_with_boxes(client, election, staff_a):
    from tests.printed import give_phone

    give_phone(election.consultation.compound.community)
    login(client, staff_a)
    e = election.consultation.electors.get(key="3-2-301")
    pdf = client.post(
        reverse("consultations:letter_pdf", args=[election.consultation.pk]), {"elector": e.pk}
    ).content
    text = re.sub(
        r"\s+",
        "",
        subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode(),
    )
    assert "最多选2人" in text and "□张建国□李秀英□王志强" in text


def test_an_election_is_carried_into_the_next_round(election):
    services.consultation_close(consultation=election.consultation, actor=SYSTEM)
    new = services.next_round(consultation=election.consultation, actor=SYSTEM)
    q = new.questions.get()
    assert (q.kind, q.choices, q.seats) == ("election", CANDIDATES, 2)


def test_a_correction_after_the_close_keeps_the_limit_and_settles_an_owners_flats(election):
    cast(election, 5, ["张建国"])
    cast(election, 6, ["李秀英"])  # the same owner: the count waits until staff settle it
    services.consultation_close(consultation=election.consultation, actor=SYSTEM)
    key = str(election.question.pk)
    with pytest.raises(ValidationFailed):
        services.correction_append(
            consultation=election.consultation,
            household=election.households[5],
            answers={key: CANDIDATES},
            reason="更正",
            actor=SYSTEM,
        )
    services.correction_append(
        consultation=election.consultation,
        household=election.households[5],
        answers={key: ["张建国"]},
        reason="业主本人书面确认两户意见一致",
        actor=SYSTEM,
    )
    r = queries_election.election_result(election.consultation, election.question)
    assert r.final and r.participants == 1 and r.candidates[0].name == "张建国"
