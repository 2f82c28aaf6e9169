"""Owners of several flats count once (SPC interpretation art. 9), and staff settle an owner whose
flats voted differently before the tally of that question can be computed."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from anju.consultations import queries, question_templates, services
from anju.consultations.models import Consultation, OwnerSettlement
from anju.core.audit import Actor
from anju.core.errors import Conflict, ValidationFailed
from anju.core.models import AuditEvent
from anju.roster import services as roster
from anju.roster.models import Household, Person
from tests.factories import PASSWORD, SYSTEM, id_number

RESIDENT = Actor.system("resident")


@dataclass
class Joint:
    consultation: Consultation
    x: Person  # owns 101 alone and 102 together with y
    y: Person
    z: Person  # owns 103
    flats: list[Household]  # 101, 102, 103


@pytest.fixture
def joint(world) -> Joint:
    unit = world.building_a.units.get(number="2")
    people = [roster.person_create(subdistrict=world.subdistrict, name=name, sex="M", birth_year=1960,
                                   id_number=id_number(200 + i), phone=f"1390000{i:04d}", actor=SYSTEM)
              for i, name in enumerate(["李大成", "李小梅", "周一"], 1)]
    x, y, z = people
    flats = [roster.household_create(unit=unit, floor=1, room=f"10{i}", exclusive_area="60.00", actor=SYSTEM)
             for i in (1, 2, 3)]
    for person, flat in ((x, flats[0]), (x, flats[1]), (y, flats[1]), (z, flats[2])):
        roster.ownership_add(person=person, household=flat, actor=SYSTEM)
    c = services.consultation_create(compound=world.compound_a, unit=unit, title="2单元加装电梯表决", actor=SYSTEM)
    services.questions_from_template(consultation=c, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=c, actor=SYSTEM)
    return Joint(c, x, y, z, flats)


def q1(j: Joint) -> str:
    return str(j.consultation.questions.get(order=1).pk)


def vote(j: Joint, flat: int, value: str, channel: str = "online"):
    return services.ballot_cast(consultation=j.consultation, household=j.flats[flat], answers={q1(j): value},
                                channel=channel, actor=RESIDENT)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


# --- owner keys ----------------------------------------------------------------------------------


def test_an_owner_of_one_flat_alone_and_one_jointly_is_one_owner(joint):
    e101, e102, e103 = joint.consultation.electors.order_by("key")
    assert e101.owner_key == e102.owner_key == f"p{min(joint.x.pk, joint.y.pk)}"
    assert e103.owner_key == f"p{joint.z.pk}"
    assert sorted(e102.owner_ids) == sorted([joint.x.pk, joint.y.pk])  # both may pass the identity check
    vote(joint, 0, "yes")
    vote(joint, 1, "yes")
    vote(joint, 2, "yes")
    result = queries.tally(joint.consultation).questions[0].result
    assert result.tally.total.owners == 2 and result.tally.yes.owners == 2 and result.tally.yes.households == 3


def test_owner_keys_without_shared_owners_stay_apart():
    assert services.owner_keys({1: [7], 2: [3, 9], 3: [9, 4], 4: [5]}) == {1: "p7", 2: "p3", 3: "p3", 4: "p5"}
    assert services.owner_keys({}) == {}


def _components(owners: dict[int, list[int]]) -> set[frozenset[int]]:
    """Households linked by shared owners, the slow obvious way."""
    groups: list[set[int]] = []
    for hid, ids in owners.items():
        linked = [g for g in groups if any(set(ids) & set(owners[h]) for h in g)]
        merged = {hid}.union(*linked)
        groups = [g for g in groups if g not in linked] + [merged]
    return {frozenset(g) for g in groups}


@given(st.dictionaries(st.integers(1, 30), st.lists(st.integers(1, 12), min_size=1, max_size=3, unique=True),
                       max_size=15))
def test_owner_keys_are_the_groups_of_households_sharing_an_owner(owners):
    keys = services.owner_keys(owners)
    by_key: dict[str, set[int]] = {}
    for hid, key in keys.items():
        by_key.setdefault(key, set()).add(hid)
    assert {frozenset(g) for g in by_key.values()} == _components(owners)
    for key, hids in by_key.items():  # the key is the smallest person of the group: order does not matter
        assert key == f"p{min(pid for h in hids for pid in owners[h])}"
    assert services.owner_keys(dict(reversed(list(owners.items())))) == keys


# --- owner conflicts -----------------------------------------------------------------------------


def test_different_votes_for_one_owners_flats_wait_for_staff(joint):
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    t = queries.tally(joint.consultation)
    assert t.owner_conflicts == 1 and t.questions[0].result is None
    [owner] = queries.owner_conflicts(joint.consultation).owners
    assert [p.elector.key for p in owner.parts] == ["3-2-101", "3-2-102"]
    assert [p.votes[0] for p in owner.parts] == ["yes", "no"]
    assert sorted(owner.owner_ids) == sorted([joint.x.pk, joint.y.pk])


def test_staff_settle_which_vote_stands_and_the_tally_counts_one_owner(joint, staff_a):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    vote(joint, 2, "yes")
    key = c.electors.get(key="3-2-101").owner_key
    question = c.questions.get(order=1)
    with pytest.raises(ValidationFailed):
        services.owner_conflict_settle(consultation=c, question=question, owner_key=key, vote="yes", reason=" ",
                                       actor=Actor.of(staff_a))
    services.owner_conflict_settle(consultation=c, question=question, owner_key=key, vote="yes",
                                   reason="电话向李大成本人核实，同意", actor=Actor.of(staff_a))
    t = queries.tally(c)
    assert t.owner_conflicts == 0
    result = t.questions[0].result
    assert result.tally.yes.owners == 2 and result.tally.total.owners == 2 and result.tally.no.owners == 0
    event = AuditEvent.objects.get(action="consultation.owner_settle")
    assert event.actor == staff_a and event.after["vote"] == "yes" and event.before["votes"] == {
        "3-2-101": "yes", "3-2-102": "no"}
    alias = c.electors.get(key="3-2-102").alias
    assert f"{alias}\tcorrection\t1=yes\n" in queries.canonical_lines(c)
    with pytest.raises(Conflict):  # nothing left to settle
        services.owner_conflict_settle(consultation=c, question=question, owner_key=key, vote="no", reason="再改",
                                       actor=Actor.of(staff_a))


def test_a_later_ballot_for_one_of_the_flats_reopens_the_settled_conflict(joint, staff_a):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    key = c.electors.get(key="3-2-101").owner_key
    services.owner_conflict_settle(consultation=c, question=c.questions.get(order=1), owner_key=key, vote="yes",
                                   reason="核实", actor=Actor.of(staff_a))
    assert queries.tally(c).owner_conflicts == 0
    vote(joint, 1, "abstain", channel="paper")  # a re-entered paper form: a new ballot the settlement never saw
    assert queries.tally(c).owner_conflicts == 1
    [(settlement, holds)] = queries.settlements(c)
    assert not holds and settlement.vote == "yes"


def test_the_conflict_page_is_linked_from_the_tally_and_settles_with_a_reason(client, joint, staff_a):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    login(client, staff_a)
    tally_html = client.get(reverse("consultations:tally", args=[c.pk])).content.decode()
    page_url = reverse("consultations:owner_conflicts", args=[c.pk])
    assert "owner-conflicts-alert" in tally_html and page_url in tally_html
    page = client.get(page_url).content.decode()
    assert "李大成" in page and "李小梅" in page and "139****0001" in page and "13900000001" not in page
    assert reverse("roster:person_reveal", args=[joint.x.pk]) in page  # staff call the owner after a logged 显示
    assert "3栋2单元101室" in page and "3栋2单元102室" in page and "settle-form" in page
    key = c.electors.get(key="3-2-101").owner_key
    question = c.questions.get(order=1)
    refused = client.post(reverse("consultations:owner_settle", args=[c.pk]),
                          {"owner": key, "question": question.pk, "vote": "no", "reason": ""}, follow=True)
    assert "请说明以哪种意见为准的理由" in refused.content.decode() and not OwnerSettlement.objects.exists()
    done = client.post(reverse("consultations:owner_settle", args=[c.pk]),
                       {"owner": key, "question": question.pk, "vote": "no", "reason": "上门核实，不同意"}, follow=True)
    html = done.content.decode()
    assert "没有待处理的业主意见冲突" in html and "上门核实，不同意" in html
    assert queries.tally(c).questions[0].result.tally.no.owners == 1


def test_volunteers_see_the_conflicts_masked_and_cannot_settle(client, joint, volunteer_a, staff_b):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    page_url = reverse("consultations:owner_conflicts", args=[c.pk])
    login(client, volunteer_a)
    page = client.get(page_url).content.decode()
    assert "3栋2单元102室" in page and "13900000001" not in page and "139****0001" in page
    assert "settle-form" not in page
    key = c.electors.get(key="3-2-101").owner_key
    r = client.post(reverse("consultations:owner_settle", args=[c.pk]),
                    {"owner": key, "question": c.questions.get(order=1).pk, "vote": "no", "reason": "x"})
    assert r.status_code == 403 and not OwnerSettlement.objects.exists()
    client.logout()
    login(client, staff_b)
    assert client.get(page_url).status_code == 404


def test_after_the_close_an_unsettled_conflict_blocks_the_notice_and_the_next_round(client, joint, staff_a):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    services.consultation_close(consultation=c, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.next_round(consultation=c, actor=SYSTEM)
    login(client, staff_a)
    r = client.get(reverse("consultations:notice", args=[c.pk]))
    assert r.status_code == 302 and r.url == reverse("consultations:owner_conflicts", args=[c.pk])
    key = c.electors.get(key="3-2-101").owner_key
    services.owner_conflict_settle(consultation=c, question=c.questions.get(order=1), owner_key=key, vote="yes",
                                   reason="截止后核实", actor=Actor.of(staff_a))
    assert services.next_round(consultation=c, actor=SYSTEM).round == 2


def test_the_api_lists_and_settles_owner_conflicts(client, joint, staff_a, volunteer_a):
    c = joint.consultation
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    client.force_login(staff_a)
    base = f"/api/consultations/consultations/{c.pk}"
    assert client.get(f"{base}/tally").json()["owner_conflicts"] == 1
    [owner] = client.get(f"{base}/owner-conflicts").json()
    q = c.questions.get(order=1)
    assert [p["votes"][str(q.pk)] for p in owner["parts"]] == ["yes", "no"] and owner["question_ids"] == [q.pk]
    body = {"owner_key": owner["owner_key"], "question_id": q.pk, "vote": "yes", "reason": "电话核实"}
    client.force_login(volunteer_a)
    assert client.post(f"{base}/owner-conflicts/settle", body, content_type="application/json").status_code == 403
    client.force_login(staff_a)
    r = client.post(f"{base}/owner-conflicts/settle", body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert client.get(f"{base}/owner-conflicts").json() == []


def test_the_conflict_page_uses_a_fixed_number_of_queries(client, joint, staff_a, django_assert_max_num_queries):
    vote(joint, 0, "yes")
    vote(joint, 1, "no", channel="paper")
    key = joint.consultation.electors.get(key="3-2-101").owner_key
    services.owner_conflict_settle(consultation=joint.consultation, question=joint.consultation.questions.get(order=1),
                                   owner_key=key, vote="yes", reason="核实", actor=SYSTEM)
    vote(joint, 1, "abstain", channel="paper")  # reopened: one conflict and one void settlement on the page
    login(client, staff_a)
    # 19: the page's own queries plus the per-request ones every signed-in page now makes (the
    # idle-timeout's session write, the account-lock check), none of them per household.
    with django_assert_max_num_queries(19):
        page = client.get(reverse("consultations:owner_conflicts", args=[joint.consultation.pk]))
    assert page.status_code == 200 and "本条不再适用" in page.content.decode()


def test_open_votes_frozen_with_the_old_keys_are_regrouped_and_closed_ones_kept(joint):
    import importlib

    from django.apps import apps

    from anju.consultations.models import Elector

    migration = importlib.import_module("anju.consultations.migrations.0003_regroup_owner_keys_of_open_votes")
    e101, e102, _ = joint.consultation.electors.order_by("key")
    Elector.objects.filter(pk=e101.pk).update(owner_key=f"p{joint.x.pk}")  # as the earlier code froze them
    Elector.objects.filter(pk=e102.pk).update(owner_key=f"p{joint.x.pk}+{joint.y.pk}")
    unit = joint.flats[0].unit
    closed = services.consultation_create(compound=unit.building.compound, unit=unit, title="上一次", actor=SYSTEM)
    services.questions_from_template(consultation=closed, template="elevator", actor=SYSTEM)
    services.consultation_open(consultation=closed, actor=SYSTEM)
    services.consultation_close(consultation=closed, actor=SYSTEM)
    Elector.objects.filter(consultation=closed).update(owner_key="old")
    migration.regroup(apps, None)
    assert set(joint.consultation.electors.values_list("owner_key", flat=True)) == {
        f"p{min(joint.x.pk, joint.y.pk)}", f"p{joint.z.pk}"}
    assert set(closed.electors.values_list("owner_key", flat=True)) == {"old"}  # published results stay


def test_a_question_counted_by_household_lets_each_flat_vote_on_its_own(joint, staff_a):
    c = joint.consultation
    ninety = services.consultation_create(compound=c.compound, unit=c.unit, title="改造意愿", actor=SYSTEM)
    services.question_add(consultation=ninety, kind="yes_no", text="同意改造？", actor=SYSTEM,
                          rule=question_templates.NINETY_PERCENT)
    services.consultation_open(consultation=ninety, actor=SYSTEM)
    q = ninety.questions.get()
    for flat, value in ((0, "yes"), (1, "no")):
        services.ballot_cast(consultation=ninety, household=joint.flats[flat], answers={str(q.pk): value},
                             channel="online", actor=RESIDENT)
    assert queries.tally(ninety).questions[0].result.tally.no.households == 1
    assert queries.owner_conflicts(ninety).owners == []
    with pytest.raises(Conflict):
        services.owner_conflict_settle(consultation=ninety, question=q, owner_key=joint.consultation.electors.first()
                                       .owner_key, vote="yes", reason="x", actor=Actor.of(staff_a))
