"""Property: the grouped tally of the staff page (`queries.tally`) equals the household-by-household
computation it replaced (`queries.tally_per_household`) after any ballots through the real write
paths: revotes (the replaced ballot stays as history), online and paper ballots in conflict and their
resolution, owners of several flats voting alike or differently and staff settling them, the close,
corrections (also withdrawing a household's answers), on yes/no questions counting owners or
households, choices, numbers, texts and an election with seats; and `queries.tally_differences`,
the recount check, reports nothing."""

from __future__ import annotations

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, QuestionKind
from anju.consultations.question_templates import NINETY_PERCENT
from anju.core.errors import Conflict, ValidationFailed
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM

CANDIDATES = ["王建国", "李秀兰", "张伟"]
YES_NO = st.sampled_from(["yes", "no", "abstain"])


def build(world):
    """The six-flat unit of conftest (the owner of floor 5 also owns floor 6), with one question of each kind."""
    v = make_unit_vote(world, open_it=False)
    c = v.consultation
    add = services.question_add
    add(consultation=c, kind=QuestionKind.YES_NO, text="楼道改造（按户，九成同意）", actor=SYSTEM, rule=NINETY_PERCENT)
    add(consultation=c, kind=QuestionKind.SINGLE, text="施工时段", actor=SYSTEM, choices=["上午", "下午"])
    add(consultation=c, kind=QuestionKind.MULTIPLE, text="希望增加", actor=SYSTEM, choices=["扶手", "照明", "座椅"])
    add(consultation=c, kind=QuestionKind.NUMBER, text="愿出资", actor=SYSTEM, unit_label="元")
    add(consultation=c, kind=QuestionKind.TEXT, text="建议", actor=SYSTEM)
    add(consultation=c, kind=QuestionKind.ELECTION, text="楼长", actor=SYSTEM, choices=CANDIDATES, seats=2)
    services.consultation_open(consultation=c, actor=SYSTEM)
    return c, list(c.questions.order_by("order")), list(c.electors.order_by("floor"))


@st.composite
def answers_st(draw, questions) -> dict:
    out: dict = {}
    for q in questions:
        if draw(st.integers(0, 5)) == 0:
            continue  # left blank
        key = str(q.pk)
        if q.kind == QuestionKind.YES_NO:
            out[key] = draw(YES_NO)
        elif q.kind == QuestionKind.SINGLE:
            out[key] = draw(st.sampled_from(q.choices))
        elif q.kind in (QuestionKind.MULTIPLE, QuestionKind.ELECTION):
            out[key] = draw(st.lists(st.sampled_from(q.choices), unique=True, max_size=q.seats or 3))
        elif q.kind == QuestionKind.NUMBER:
            out[key] = draw(st.sampled_from([0, 500, "1200.5", 3000]))
        else:
            out[key] = draw(st.sampled_from(["尽快", "注意噪音"]))
    return out


ACTIONS = st.sampled_from(["online", "paper", "door", "online", "paper", "resolve", "settle"])


def assert_same(c) -> None:
    fast, slow = queries.tally(c), queries.tally_per_household(c)
    assert queries.tally_differences(c) == []
    assert fast == slow


def test_grouped_tally_equals_the_household_by_household_one(world):
    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        with transaction.atomic():
            c, questions, electors = build(world)
            elevator = questions[0]
            for _ in range(data.draw(st.integers(0, 14))):
                action, i = data.draw(ACTIONS), data.draw(st.integers(0, 5))
                try:
                    if action == "resolve":
                        ballot = Ballot.objects.filter(elector=electors[i], state=BallotState.CONFLICT).first()
                        if ballot is not None:
                            services.conflict_resolve(ballot=ballot, actor=SYSTEM, reason="核实")
                    elif action == "settle":
                        services.owner_conflict_settle(consultation=c, question=elevator,
                                                       owner_key=electors[4].owner_key, vote=data.draw(YES_NO),
                                                       reason="电话核实", actor=SYSTEM)
                    else:
                        services.ballot_cast(consultation=c, household=electors[i], channel=action, actor=SYSTEM,
                                             answers=data.draw(answers_st(questions)))
                except (Conflict, ValidationFailed):
                    pass  # refused as the rules say (e.g. nothing to settle); the tally must still agree
                assert_same(c)
            if data.draw(st.booleans()):
                services.consultation_close(consultation=c, actor=SYSTEM)
                for _ in range(data.draw(st.integers(0, 3))):
                    i = data.draw(st.integers(0, 5))
                    withdraw = data.draw(st.booleans())
                    services.correction_append(consultation=c, household=electors[i], reason="更正", actor=SYSTEM,
                                               answers={} if withdraw else data.draw(answers_st(questions)))
                assert_same(c)
            transaction.set_rollback(True)

    check()


def test_the_recount_check_names_what_differs(world):
    c, questions, electors = build(world)
    services.ballot_cast(consultation=c, household=electors[0], channel="online", actor=SYSTEM,
                         answers={str(questions[0].pk): "yes"})
    before = queries.tally(c)
    assert queries.tally_differences(c) == [] and queries.tally_differences(c, before) == []
    services.ballot_cast(consultation=c, household=electors[1], channel="paper", actor=SYSTEM,
                         answers={str(questions[0].pk): "no"})
    found = queries.tally_differences(c, before)  # a tally read before the second ballot
    assert "heard: 1 != 2" in found
    assert any(line.startswith("question 1 result:") for line in found)


def test_settled_owner_and_an_election_with_seats_agree(world):
    c, questions, electors = build(world)
    elevator, election = str(questions[0].pk), str(questions[-1].pk)
    for i, e in enumerate(electors):  # floors 5 and 6 (one owner) vote differently on the elevator
        services.ballot_cast(consultation=c, household=e, channel="online", actor=SYSTEM,
                             answers={elevator: "no" if i == 5 else "yes", election: CANDIDATES[:2]})
    t = queries.tally(c)
    assert t.owner_conflicts == 1 and t.questions[0].result is None
    assert set(t.questions[-1].election.elected) == set(CANDIDATES[:2])
    assert_same(c)
    services.owner_conflict_settle(consultation=c, question=questions[0], owner_key=electors[4].owner_key,
                                   vote="yes", reason="电话核实", actor=SYSTEM)
    t = queries.tally(c)
    assert t.owner_conflicts == 0 and t.questions[0].result.passed
    assert_same(c)
    services.ballot_cast(consultation=c, household=electors[5], channel="online", actor=SYSTEM,
                         answers={elevator: "abstain"})  # a new ballot: the settlement no longer holds
    assert queries.tally(c).owner_conflicts == 1
    assert_same(c)
