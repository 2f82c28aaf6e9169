"""Consultations: the electorate freeze, one ballot per household, revotes, conflicts, corrections."""

from __future__ import annotations

import io

import pytest
from django.db import IntegrityError, transaction
from PIL import Image

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, Channel, QuestionKind, Status
from anju.core.audit import Actor
from anju.core.errors import Conflict, NotFound, ValidationFailed
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM

RESIDENT = Actor.system("resident")


def q1(v):
    return str(v.consultation.questions.get(order=1).pk)


def test_opening_freezes_the_electorate_with_one_owner_key_per_person(vote6):
    electors = list(vote6.consultation.electors.order_by("floor"))
    assert [e.key for e in electors] == ["3-2-101", "3-2-201", "3-2-301", "3-2-401", "3-2-501", "3-2-601"]
    assert electors[4].owner_key == electors[5].owner_key  # one person, two flats: counted once
    assert len({e.owner_key for e in electors}) == 5
    assert str(electors[0].area) == "61.00"


def test_a_household_added_after_opening_is_not_in_the_electorate(vote6, world):
    from anju.roster import services as roster

    roster.household_create(unit=vote6.households[0].unit, floor=6, room="602", exclusive_area="70", actor=SYSTEM)
    assert vote6.consultation.electors.count() == 6


def test_an_online_revote_replaces_the_earlier_ballot_and_history_stays(vote6):
    c, h = vote6.consultation, vote6.households[0]
    first = services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "no"}, channel=Channel.ONLINE,
                                 actor=RESIDENT, expected="")
    second = services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "yes"}, channel=Channel.ONLINE,
                                  actor=RESIDENT, expected=first.receipt)
    first.refresh_from_db()
    assert first.state == BallotState.REPLACED and second.state == BallotState.COUNTED
    assert queries.current_answers(c)[second.elector_id].answers == {q1(vote6): "yes"}


def test_a_stale_page_gets_a_conflict_not_a_second_ballot(vote6):
    c, h = vote6.consultation, vote6.households[0]
    services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "no"}, channel=Channel.ONLINE,
                         actor=RESIDENT, expected="")
    with pytest.raises(Conflict):
        services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "yes"}, channel=Channel.ONLINE,
                             actor=RESIDENT, expected="")
    assert Ballot.objects.filter(consultation=c).count() == 1


def test_paper_and_online_for_one_household_is_a_conflict_counted_for_nothing_until_resolved(vote6):
    c, h = vote6.consultation, vote6.households[0]
    online = services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "yes"}, channel=Channel.ONLINE,
                                  actor=RESIDENT)
    paper = services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "no"}, channel=Channel.PAPER,
                                 actor=SYSTEM, signer="业主1")
    online.refresh_from_db()
    assert online.state == paper.state == BallotState.CONFLICT
    assert queries.current_answers(c) == {}
    assert [e.key for e in queries.not_heard(c)][0] == "3-2-101"
    services.conflict_resolve(ballot=paper, actor=SYSTEM, reason="业主本人签字的纸质票为准")
    online.refresh_from_db()
    assert online.state == BallotState.SET_ASIDE
    assert queries.current_answers(c)[paper.elector_id].channel == "paper"


def test_the_database_refuses_a_second_counted_ballot(vote6):
    c, h = vote6.consultation, vote6.households[0]
    b = services.ballot_cast(consultation=c, household=h, answers={q1(vote6): "yes"}, channel=Channel.ONLINE,
                             actor=RESIDENT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(consultation=c, elector=b.elector, channel="paper", online=False, state="counted",
                              answers={}, receipt="X", entered_by_label="x")


def test_after_the_close_ballots_are_refused_and_corrections_are_appended(vote6):
    c, hs = vote6.consultation, vote6.households
    services.ballot_cast(consultation=c, household=hs[0], answers={q1(vote6): "no"}, channel=Channel.DOOR,
                         actor=SYSTEM)
    services.consultation_close(consultation=c, actor=SYSTEM)
    with pytest.raises(Conflict):
        services.ballot_cast(consultation=c, household=hs[1], answers={q1(vote6): "yes"}, channel=Channel.ONLINE,
                             actor=RESIDENT)
    with pytest.raises(ValidationFailed):
        services.correction_append(consultation=c, household=hs[0], answers={q1(vote6): "yes"}, reason="", actor=SYSTEM)
    services.correction_append(consultation=c, household=hs[0], answers={q1(vote6): "yes"},
                               reason="录入时把同意错录为不同意", actor=SYSTEM)
    assert list(queries.current_answers(c).values())[0].answers == {q1(vote6): "yes"}
    assert Ballot.objects.get(consultation=c).answers == {q1(vote6): "no"}  # never overwritten


def test_answers_are_checked_against_the_questions(world):
    v = make_unit_vote(world, template="household5")
    qs = {q.template_key: q for q in v.consultation.questions.all()}
    cast = dict(consultation=v.consultation, household=v.households[0], channel=Channel.ONLINE, actor=RESIDENT)
    with pytest.raises(ValidationFailed):
        services.ballot_cast(answers={str(qs["renovate"].pk): "maybe"}, **cast)
    with pytest.raises(ValidationFailed):
        services.ballot_cast(answers={str(qs["elevator_pay"].pk): "-3"}, **cast)
    with pytest.raises(ValidationFailed):
        services.ballot_cast(answers={}, **cast)
    b = services.ballot_cast(answers={str(qs["elevator_pay"].pk): "3000.00", str(qs["property_management"].pk): "业主自治管理"},
                             **cast)
    assert b.answers[str(qs["elevator_pay"].pk)] == "3000"


def test_a_rule_is_validated_by_the_engine(world):
    v = make_unit_vote(world, open_it=False)
    with pytest.raises(ValidationFailed) as err:
        services.question_add(consultation=v.consultation, kind=QuestionKind.YES_NO, text="?", actor=SYSTEM,
                              rule={"rule": {"approval": {"count": "9/5"}}})
    assert err.value.field == "rule.approval.count"
    q = services.question_add(consultation=v.consultation, kind=QuestionKind.YES_NO, text="九成以上同意？", actor=SYSTEM,
                              rule={"rule": {"approval": {"count": "90%", "of": "all", "strict": True},
                                             "headcount": "households"}})
    assert q.rule["rule"]["approval"]["count"] == "90%"


def test_the_elevator_vote_passes_under_article_278_with_the_owner_of_two_flats_counted_once(vote6):
    c, hs = vote6.consultation, vote6.households
    for h, answer in zip(hs, ["no", "yes", "yes", "yes", "yes", "yes"], strict=True):
        services.ballot_cast(consultation=c, household=h, answers={q1(vote6): answer}, channel=Channel.PAPER,
                             actor=SYSTEM)
    t = queries.tally(c).questions[0]
    assert t.result.passed
    assert t.result.tally.yes.owners == 4 and t.result.tally.yes.households == 5
    assert [r.yes for r in t.by_floor] == [0, 1, 1, 1, 1, 1]


def test_identity_check_uses_the_frozen_owners_and_the_full_id_number(vote6):
    e = vote6.consultation.electors.get(key="3-2-301")
    owner = vote6.owners[2]
    assert services.identity_matches(e, name="业主3", number=owner.id_number)
    assert services.identity_matches(e, name="业主3", number=" " + owner.id_number.lower() + " ")
    assert not services.identity_matches(e, name="业主2", number=vote6.owners[1].id_number)
    assert not services.identity_matches(e, name="业主3", number=vote6.owners[1].id_number)
    with pytest.raises(services.IdentityFormat):  # what a mask shows is not even the right shape
        services.identity_matches(e, name="业主3", number=owner.id_number[-4:])


def test_letter_codes_are_stored_hashed_and_found_again(vote6):
    e = vote6.consultation.electors.get(key="3-2-101")
    issued = services.letter_codes([e])
    code = issued[0][1]
    assert len(code) == services.CODE_LENGTH and set(code) <= set(services.CODE_ALPHABET)
    assert services.letters_record(consultation=vote6.consultation, issued=issued, actor=SYSTEM) == 1
    letter = services.letter_for_code(code)
    assert letter.elector == e and code not in letter.code_hash
    with pytest.raises(NotFound):
        services.letter_for_code("nope")
    assert len({c for _e, c in services.letter_codes(list(vote6.consultation.electors.all()) * 50)}) == 300


def test_scans_must_be_images(vote6, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationFailed):
        services.scan_store(consultation=vote6.consultation, data=b"%PDF-1.4 not an image", name="a.jpg")
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, "PNG")
    path = services.scan_store(consultation=vote6.consultation, data=buf.getvalue(), name="a.png")
    assert (tmp_path / path).read_bytes() == buf.getvalue()


def test_round_two_copies_the_questions_that_did_not_pass(world):
    v = make_unit_vote(world, template="renovation_items")
    c = v.consultation
    qs = list(c.questions.order_by("order"))
    for h in v.households:
        services.ballot_cast(consultation=c, household=h, channel=Channel.PAPER, actor=SYSTEM,
                             answers={str(q.pk): "yes" if q.order != 2 else "no" for q in qs if q.kind == "yes_no"})
    services.consultation_close(consultation=c, actor=SYSTEM)
    nxt = services.next_round(consultation=c, actor=SYSTEM)
    assert nxt.round == 2 and nxt.predecessor == c and nxt.status == Status.DRAFT
    assert [q.copied_from.order for q in nxt.questions.all()] == [2, 10]
    assert len(services.next_round(consultation=c, actor=SYSTEM, only_failed=False).questions.all()) == 10


def test_digest_is_sha256_of_the_documented_lines(vote6):
    import hashlib

    c = vote6.consultation
    services.ballot_cast(consultation=c, household=vote6.households[1], answers={q1(vote6): "yes"},
                         channel=Channel.ONLINE, actor=RESIDENT)
    lines = queries.canonical_lines(c)
    alias = dict(c.electors.values_list("key", "alias"))
    assert f"{alias['3-2-201']}\tonline\t1=yes\n" in lines
    assert f"{alias['3-2-101']}\tnone\t1=-\n" in lines
    assert lines == sorted(lines) and len(lines) == 6
    assert queries.digest(lines) == hashlib.sha256("".join(lines).encode()).hexdigest()
    c.open_ballots = True
    lines = queries.canonical_lines(c)
    assert lines[1] == "3-2-201\t2\t62.00\tonline\t1=yes\n"
    assert lines[0] == "3-2-101\t1\t61.00\tnone\t1=-\n"


def test_approval_rates_for_the_dashboard(vote6, staff_a, staff_b):
    from anju.core.scoping import scope_of

    services.ballot_cast(consultation=vote6.consultation, household=vote6.households[1], answers={q1(vote6): "yes"},
                         channel=Channel.ONLINE, actor=RESIDENT)
    [rate] = queries.approval_rates(scope_of(staff_a))
    assert (rate.yes_households, rate.participating_households, rate.eligible_households) == (1, 1, 6)
    assert rate.approval == 1 and not rate.passed and rate.compound_name == "甲小区"
    assert queries.approval_rates(scope_of(staff_b)) == []
