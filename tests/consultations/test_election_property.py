"""Property, through the Django path: a ballot choosing more than N candidates is always refused on
every channel and leaves nothing, and the count never seats more than N nor anyone below art. 278."""

from __future__ import annotations

from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from anju.consultations import queries, services
from anju.consultations.models import Ballot
from anju.core.errors import ValidationFailed
from tests.consultations.test_election import CANDIDATES, make_election
from tests.factories import SYSTEM

CHOICES = st.one_of(st.none(), st.lists(st.sampled_from(CANDIDATES), unique=True))
CHANNELS = st.sampled_from(["online", "paper", "door"])


def test_more_than_n_is_refused_and_the_elected_never_exceed_n(world):
    @settings(max_examples=25, deadline=None)
    @given(seats=st.integers(1, 3), ballots=st.lists(st.tuples(CHOICES, CHANNELS), min_size=6, max_size=6))
    def check(seats, ballots):
        with transaction.atomic():
            e = make_election(world, seats=seats)
            accepted = 0
            for h, (chosen, channel) in zip(e.households, ballots, strict=True):
                if chosen is None:
                    continue
                try:
                    services.ballot_cast(
                        consultation=e.consultation,
                        household=h,
                        channel=channel,
                        actor=SYSTEM,
                        answers={str(e.question.pk): chosen},
                    )
                except ValidationFailed:
                    assert len(chosen) > seats
                else:
                    assert len(chosen) <= seats
                    accepted += 1
            assert Ballot.objects.filter(consultation=e.consultation).count() == accepted
            [qt] = queries.tally(e.consultation).questions
            if qt.election is not None:  # None while the owner of floors 5 and 6 chose differently
                assert len(qt.election.elected) <= seats
                assert all(c.passed for c in qt.election.candidates if c.status == "elected")
            transaction.set_rollback(True)

    check()
