"""The open consultation work of one user (我的待办): ballot and owner conflicts to settle, and votes
closing within three days with how far their turnout is from the bound."""

from __future__ import annotations

import datetime
import math
from fractions import Fraction
from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone

from anju.consultations import queries
from anju.consultations.models import Ballot, BallotState, Consultation, Status
from anju.core.formatting import area, count
from anju.core.scoping import Scope, scope_of
from anju.core.work import DUE_SOON, OVERDUE, WorkItem

if TYPE_CHECKING:
    from anju.core.access import User

BALLOT_CONFLICTS = "ballot_conflicts"
OWNER_CONFLICTS = "owner_conflicts"
CLOSING = "closing"
CONFLICTS_GROUP = "conflicts"
CLOSING_DAYS = 3
# A closed vote's owner conflicts can still be settled (the tally waits for them); after this many days
# they are the record's, no longer anyone's work of the day.
SETTLE_AFTER_CLOSE_DAYS = 30
PARTICIPATION = ("participation_count", "participation_area")
_DIGITS = "零一二三四五六七八九十"


def open_work(user: User, now: datetime.datetime | None = None) -> list[WorkItem]:
    """Conflicts and closing votes in the user's scope, for staff who may settle them (volunteers: none)."""
    now = now or timezone.now()
    scope = scope_of(user)
    if not scope.can_edit or (not scope.everything and scope.subdistrict_id is None):
        return []
    return _ballot_conflicts(scope) + _owner_conflicts(scope, now) + _closing(scope, now)


def _place(c: Consultation) -> dict:
    return {
        "subdistrict_id": c.subdistrict_id,
        "community_id": c.compound.community_id,
        "compound_id": c.compound_id,
    }


def _ballot_conflicts(scope: Scope) -> list[WorkItem]:
    """An open vote with households that voted both online and on paper: neither counts until staff choose."""
    rows = (
        Ballot.objects.within(scope)
        .filter(state=BallotState.CONFLICT, consultation__status=Status.OPEN)
        .values("consultation_id")
        .annotate(households=Count("elector", distinct=True), since=Min("cast_at"))
    )
    by_id = {r["consultation_id"]: r for r in rows}
    found = Consultation.objects.filter(pk__in=list(by_id)).select_related("compound").order_by("id")
    items = []
    for c in found:
        n, since = by_id[c.pk]["households"], by_id[c.pk]["since"]
        items.append(
            WorkItem(
                BALLOT_CONFLICTS,
                c.pk,
                CONFLICTS_GROUP,
                f"{c.compound.name}：{c.title}",
                f"{c.compound.name}: {c.title}",
                reverse("consultations:detail", args=[c.pk]),
                _day(c.closes_at),
                DUE_SOON,
                since=timezone.localdate(since) if since else None,
                detail_zh=f"{n} 户网上票与纸质票冲突，待核实",
                detail_en=f"{n} households voted both online and on paper",
                **_place(c),
            )
        )
    return items


def _owner_conflicts(scope: Scope, now: datetime.datetime) -> list[WorkItem]:
    """Owners whose flats voted differently (the question's tally waits until staff settle which vote stands)."""
    recent = now - datetime.timedelta(days=SETTLE_AFTER_CLOSE_DAYS)
    found = (
        Consultation.objects.within(scope)
        .filter(Q(status=Status.OPEN) | Q(status=Status.CLOSED, closed_at__gte=recent))
        .select_related("compound")
        .prefetch_related("questions")
        .order_by("id")
    )
    items = []
    for c in found:
        owners = queries.owner_conflicts(c).owners
        if not owners:
            continue
        closed = c.status == Status.CLOSED
        items.append(
            WorkItem(
                OWNER_CONFLICTS,
                c.pk,
                CONFLICTS_GROUP,
                f"{c.compound.name}：{c.title}",
                f"{c.compound.name}: {c.title}",
                reverse("consultations:owner_conflicts", args=[c.pk]),
                _day(c.closed_at if closed else c.closes_at),
                OVERDUE if closed else DUE_SOON,
                since=_day(c.opened_at),
                detail_zh=f"{len(owners)} 位多套房业主的意见不一致，待核对",
                detail_en=f"{len(owners)} owners of several flats voted differently",
                **_place(c),
            )
        )
    return items


def _closing(scope: Scope, now: datetime.datetime) -> list[WorkItem]:
    found = (
        Consultation.objects.within(scope)
        .filter(
            status=Status.OPEN, closes_at__gte=now, closes_at__lte=now + datetime.timedelta(days=CLOSING_DAYS)
        )
        .select_related("compound")
        .order_by("closes_at", "id")
    )
    items = []
    for c in found:
        zh, en = turnout_gap(queries.tally(c))
        items.append(
            WorkItem(
                CLOSING,
                c.pk,
                CLOSING,
                f"{c.compound.name}：{c.title}",
                f"{c.compound.name}: {c.title}",
                reverse("consultations:detail", args=[c.pk]),
                _day(c.closes_at),
                DUE_SOON,
                since=_day(c.opened_at),
                detail_zh=zh,
                detail_en=en,
                **_place(c),
            )
        )
    return items


def turnout_gap(t: queries.Tally) -> tuple[str, str]:
    """How far the turnout is from the participation bound (Chinese, English), exactly: the shortfall
    in heads rounded up to a whole one and in area up to the hundredth of a m², so it never understates.

    Read from the first yes/no question whose participation is short, else said to be reached; a
    survey without yes/no questions (or whose results wait for an owner conflict) says how many
    households answered."""
    results = [qt.result for qt in t.questions if qt.result is not None]
    if not results:
        zh, en = (
            f"已收回 {count(t.heard)} / {count(t.eligible)} 户",
            f"{count(t.heard)} of {count(t.eligible)} households answered",
        )
        if any(qt.error for qt in t.questions):  # the engine waits for staff to settle an owner's flats
            return f"{zh}；业主意见冲突核对后才能算出差额", f"{en}; settle the owner conflicts to see the gap"
        return zh, en
    for result in results:
        short = [c for c in result.conditions if c.name in PARTICIPATION and not c.met]
        if not short:
            continue
        zh_parts, en_parts = [], []
        for c in sorted(short, key=lambda c: c.name != "participation_count"):
            missing = -Fraction(c.slack)
            if c.unit == "m2":
                figure = area(Fraction(max(1, math.ceil(missing * 100)), 100))
                zh_parts.append(figure)
                en_parts.append(figure.replace("㎡", "m²"))
            else:
                n = max(1, math.ceil(missing))
                zh_parts.append(f"{count(n)} {'人' if c.unit == 'owners' else '户'}")
                en_parts.append(f"{count(n)} {'owners' if c.unit == 'owners' else 'households'}")
        bound = short[0].bound
        return (
            f"还差 {' / '.join(zh_parts)} 达到{fraction_zh(bound)}",
            f"{' / '.join(en_parts)} short of {bound}",
        )
    return "参与已达到法定比例", "Turnout has reached the legal bound"


def fraction_zh(value: Fraction) -> str:
    """2/3 → "三分之二" (numbers up to ten in characters, larger ones in digits)."""

    def word(n: int) -> str:
        return _DIGITS[n] if 0 <= n <= 10 else str(n)

    return f"{word(value.denominator)}分之{word(value.numerator)}"


def _day(moment: datetime.datetime | None) -> datetime.date | None:
    return timezone.localdate(moment) if moment else None


def closing_between(start: datetime.datetime, end: datetime.datetime) -> list[Consultation]:
    """Every open vote, in any sub-district, that closes within [start, end]: for the residents'
    reminders (`anju send-vote-reminders`), a system job, so not scoped to a user."""
    return list(Consultation.objects.filter(status=Status.OPEN, closes_at__gte=start, closes_at__lte=end)
                .order_by("closes_at", "id"))


def subdistrict_has_consultation(subdistrict_id: int) -> bool:
    """Whether the sub-district has started any consultation (a draft counts: the third first step)."""
    return Consultation.objects.filter(subdistrict_id=subdistrict_id).exists()
