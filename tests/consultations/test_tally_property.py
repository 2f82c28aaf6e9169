"""Property: after any sequence of votes, revotes, paper entries, conflict resolutions, the close
and corrections, the tally equals a recount from the ballots and corrections on record, and both
equal what a plain model of the rules expects."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from anju.consultations import queries, services
from anju.consultations.models import Ballot, BallotState, Channel, Correction
from anju.core.audit import Actor
from anju.core.errors import Conflict
from tests.consultations.conftest import make_unit_vote
from tests.factories import SYSTEM

HOUSES = st.integers(0, 5)
ANSWERS = st.sampled_from(["yes", "no", "abstain"])


def recount(c, q: str) -> dict[str, str]:
    """Independent of `queries`: the latest correction, else the one COUNTED ballot; key -> answer."""
    out = {}
    for b in Ballot.objects.filter(consultation=c).select_related("elector"):
        if b.state == BallotState.COUNTED:
            assert b.elector.key not in out, "two counted ballots for one household"
            out[b.elector.key] = b.answers[q]
    for corr in Correction.objects.filter(consultation=c).select_related("elector").order_by("id"):
        if corr.answers:
            out[corr.elector.key] = corr.answers[q]
        else:
            out.pop(corr.elector.key, None)
    return out


class Ballots(RuleBasedStateMachine):
    world = None

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        v = make_unit_vote(self.world)
        self.c = v.consultation
        self.q = str(self.c.questions.get().pk)
        self.keys = [e.key for e in self.c.electors.order_by("floor")]
        self.electors = {e.key: e for e in self.c.electors.all()}
        self.online: dict[str, str] = {}
        self.paper: dict[str, str] = {}
        self.corrected: dict[str, str | None] = {}
        self.closed = False

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _cast(self, i: int, answer: str, channel: str) -> None:
        key = self.keys[i]
        services.ballot_cast(consultation=self.c, household=self.electors[key], answers={self.q: answer},
                             channel=channel, actor=Actor.system("resident") if channel == "online" else SYSTEM)
        (self.online if channel == Channel.ONLINE else self.paper)[key] = answer

    @precondition(lambda self: not self.closed)
    @rule(i=HOUSES, answer=ANSWERS)
    def vote_online(self, i, answer):
        self._cast(i, answer, Channel.ONLINE)

    @precondition(lambda self: not self.closed)
    @rule(i=HOUSES, answer=ANSWERS, door=st.booleans())
    def enter_paper(self, i, answer, door):
        self._cast(i, answer, Channel.DOOR if door else Channel.PAPER)

    @precondition(lambda self: not self.closed)
    @rule(i=HOUSES, keep_online=st.booleans())
    def resolve(self, i, keep_online):
        key = self.keys[i]
        ballot = Ballot.objects.filter(elector=self.electors[key], state=BallotState.CONFLICT,
                                       online=keep_online).first()
        if ballot is None:
            assert not (key in self.online and key in self.paper)
            return
        services.conflict_resolve(ballot=ballot, actor=SYSTEM, reason="核实")
        (self.paper if keep_online else self.online).pop(key)

    @precondition(lambda self: not self.closed)
    @rule()
    def close(self):
        services.consultation_close(consultation=self.c, actor=SYSTEM)
        self.closed = True

    @precondition(lambda self: self.closed)
    @rule(i=HOUSES, answer=st.one_of(st.none(), ANSWERS))
    def correct(self, i, answer):
        key = self.keys[i]
        services.correction_append(consultation=self.c, household=self.electors[key],
                                   answers={self.q: answer} if answer else {}, reason="更正", actor=SYSTEM)
        self.corrected[key] = answer

    @precondition(lambda self: self.closed)
    @rule(i=HOUSES, answer=ANSWERS)
    def late_ballot_is_refused(self, i, answer):
        with pytest.raises(Conflict):
            services.ballot_cast(consultation=self.c, household=self.electors[self.keys[i]],
                                 answers={self.q: answer}, channel=Channel.ONLINE, actor=SYSTEM)

    def expected(self) -> dict[str, str]:
        out = {}
        for key in self.keys:
            if key in self.online and key in self.paper:
                continue  # conflict: counted for nothing
            answer = self.online.get(key, self.paper.get(key))
            if answer:
                out[key] = answer
        for key, answer in self.corrected.items():
            if answer:
                out[key] = answer
            else:
                out.pop(key, None)
        return out

    @invariant()
    def tally_equals_recount(self):
        expected = self.expected()
        assert recount(self.c, self.q) == expected
        t = queries.tally(self.c)
        assert t.heard == len(expected)
        # The engine counts an owner of several flats once, with the vote cast for any of them;
        # two different votes from one owner are refused for staff to settle.
        by_owner: dict[str, set[str]] = {}
        for key, answer in expected.items():
            by_owner.setdefault(self.electors[key].owner_key, set()).add(answer)
        qt = t.questions[0]
        if any(len(votes) > 1 for votes in by_owner.values()):
            assert qt.result is None and qt.error
        else:
            for vote in ("yes", "no", "abstain"):
                assert getattr(qt.result.tally, vote).owners == sum(votes == {vote} for votes in by_owner.values())
            assert qt.result.tally.not_voted.owners == 5 - len(by_owner)
        alias_of = dict(self.c.electors.values_list("alias", "key"))
        keys_heard = {alias_of[line.split("\t")[0]] for line in queries.canonical_lines(self.c)
                      if "\tnone\t" not in line}
        assert keys_heard == set(expected)


@pytest.mark.django_db
def test_the_tally_is_always_a_recount_of_the_current_ballots(world):
    Ballots.world = world
    run_state_machine_as_test(Ballots, settings=settings(max_examples=15, stateful_step_count=15, deadline=None,
                                                         suppress_health_check=list(HealthCheck)))
