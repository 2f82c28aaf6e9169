"""The demo's 物业费: 世纪花园 a year after its manager came, "由不交物业费到主动交物业费".

The fee is the contract's 0.80 元/㎡·月. Twelve months are billed, up to last month, and paid as
households came round: about 60% of homes paid on time in the first month, a few more each month,
above 90% in the last; a household that came round paid all it owed with that month's bill. Party members
paid on time from the start (the article's pledge). Forty days ago the homes owing three months or
more got a written demand with 30 days to pay; the ones that have not paid since are on the list
for court or arbitration. Deterministic: the same households pay on every run of the same day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.domain.stewardship.fees import Period
from anju.roster.models import Compound, Household, Ownership, Subdistrict
from anju.stewardship.models_fees import Bill, Channel, FeeStandard
from anju.stewardship.services import fees as services

COMPOUND = "世纪花园"
MONTHS = 12
FIRST_RATE, STEP = 60, 3  # percent of homes paying on time in the first month, and the rise each month


def _pays(index: int, month: int) -> bool:
    """Whether the index-th household pays in month `month` (0-based): once it starts, it keeps paying."""
    return (index * 37) % 100 < FIRST_RATE + STEP * month


def load_demo(subdistrict: Subdistrict) -> None:
    compound = Compound.objects.filter(subdistrict=subdistrict, name=COMPOUND).first()
    if compound is None or FeeStandard.objects.filter(compound=compound).exists():
        return
    actor = Actor.system("demo")
    today = timezone.localdate()
    last = Period.of(today) + -1
    first = last + (1 - MONTHS)
    households = list(Household.objects.filter(compound=compound).order_by("pk").values_list("pk", flat=True))
    party = set(Ownership.objects.filter(household__compound=compound, person__party_member=True)
                .values_list("household_id", flat=True))
    channels = (Channel.WECHAT, Channel.ALIPAY, Channel.CASH, Channel.BANK)
    with transaction.atomic():
        services.standard_set(compound=compound, since=datetime.date(2021, 2, 1), rate_yuan="0.80",
                              basis="物业服务合同约定（0.80 元/㎡·月）", actor=actor)
        letters_on = today - datetime.timedelta(days=40)
        for month in range(MONTHS):
            period = first + month
            services.bill_month(compound=compound, period=period, actor=actor, today=today)
            due = dict(Bill.objects.filter(compound=compound, period=period.first).values_list("household_id", "amount_fen"))
            owed: dict[int, int] = defaultdict(int)
            for hid, amount, paid in Bill.objects.filter(compound=compound, period__lt=period.first,
                                                          paid_fen__lt=F("amount_fen")).values_list(
                    "household_id", "amount_fen", "paid_fen"):
                owed[hid] += amount - paid
            rows = []
            for index, hid in enumerate(households):
                if hid not in due:
                    continue
                day = period.first + datetime.timedelta(days=(index * 7) % 25)
                if hid in party or _pays(index, month):
                    # A household that comes round pays what it owed with this month's bill.
                    back = owed.get(hid, 0)
                    rows.append((hid, min(day, today), due[hid] + back, f"DEMO-{period}-{hid}", channels[index % 4]))
            services.payments_write(compound=compound, rows=rows, actor=actor, label=f"演示：{period.zh}缴费",
                                    source="demo")
            if Period.of(letters_on) == period + 1 and letters_on <= today:
                _letters(compound, letters_on, actor)


def _letters(compound: Compound, on: datetime.date, actor: Actor) -> None:
    try:
        services.letters_issue(compound=compound, min_months=3, issued_on=on,
                               pay_by=on + datetime.timedelta(days=30), actor=actor)
    except ValidationFailed:  # nobody owes three months: no letters, which is fine for a demo
        return
