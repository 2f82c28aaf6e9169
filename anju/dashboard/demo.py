"""Demo reports of 南庄坪街道: the 2021 months of November and December submitted on the built-in template.

November 2021: every one of the 10 compounds under construction, none finished; December: all finished
(the demo programme's construction ends in the second half of December), so the December report shows
its change against the frozen November one. The signing names are invented."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from anju.core.audit import Actor
from anju.dashboard import reports
from anju.roster.models import Subdistrict

FILLED_BY = "陈敏（演示）"
REVIEWED_BY = "周立新（演示）"
TZ = ZoneInfo("Asia/Shanghai")
SENT = {11: datetime.datetime(2021, 12, 3, 16, 0, tzinfo=TZ), 12: datetime.datetime(2022, 1, 5, 16, 0, tzinfo=TZ)}


@transaction.atomic
def load_demo(subdistrict: Subdistrict) -> None:
    """Submit 2021-11 and 2021-12 once; nothing on a second run."""
    template = reports.template_national()
    actor = Actor.system("demo")
    for month in (11, 12):
        if reports.submission_of(template=template, subdistrict=subdistrict, year=2021, month=month) is None:
            reports.submit(template=template, subdistrict=subdistrict, year=2021, month=month,
                           compiled_by=subdistrict.issuer, filled_by=FILLED_BY, reviewed_by=REVIEWED_BY, actor=actor,
                           at=SENT[month])
