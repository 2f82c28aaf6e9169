"""The demo sub-district 南庄坪街道, put together from every app's demo module.

This is the shell: it sits above the apps and may import each of them, so that no app (and not
core) has to know the others to load the demo. `anju demo` runs it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import transaction
from django.urls import reverse

from anju.consultations import demo as consultations
from anju.consultations import queries as consultation_queries
from anju.consultations.models import Consultation, Status
from anju.core.audit import Actor
from anju.dashboard import demo as dashboard
from anju.dashboard.models import FirstStepsDismissal
from anju.elevators import demo as elevators
from anju.participation import demo as participation
from anju.participation import services as participation_services
from anju.participation.models import Notice
from anju.programme import demo as programme
from anju.roster import demo as roster
from anju.roster.models import Subdistrict
from anju.stewardship import demo as stewardship
from anju.stewardship import demo_fees as stewardship_fees
from anju.stewardship import demo_survey as stewardship_survey

# Order matters: the roster first, then projects, then what refers to them. Each loader is safe to run twice.
LOADERS: tuple[Callable[[Subdistrict], object], ...] = (
    programme.load_demo, elevators.load_demo, consultations.load_demo, participation.load_demo, stewardship.load_demo,
    stewardship_fees.load_demo, stewardship_survey.load_demo, dashboard.load_demo,
)


def load_demo() -> tuple[Subdistrict, bool]:
    """Load the whole demo (nothing changes on a second run); the sub-district, and whether it was there before."""
    existed = Subdistrict.objects.filter(name=roster.SUBDISTRICT).exists()
    subdistrict = roster.load_demo()
    for load in LOADERS:
        load(subdistrict)
    publish_result(subdistrict, "金盾苑")
    # The demo office has run the programme for two years: its 开始使用 checklist was closed long ago.
    FirstStepsDismissal.objects.get_or_create(subdistrict=subdistrict)
    return subdistrict, existed


def publish_result(subdistrict: Subdistrict, compound: str) -> Notice | None:
    """Post the result notice (表决结果公示) of the compound's closed vote on its notice board, the morning
    after it closed, as the community did; nothing when it is posted already or there is no closed vote."""
    c = (Consultation.objects.filter(subdistrict=subdistrict, compound__name=compound, status=Status.CLOSED, kind="vote")
         .select_related("compound", "building", "unit").order_by("id").first())
    if c is None or c.closed_at is None:
        return None
    title = f"{c.title}结果公示"
    existing = Notice.objects.filter(compound=c.compound, title=title).first()
    if existing is not None:
        return existing
    result = consultation_queries.tally(c).questions[0].result
    if result is None:
        return None
    t = result.tally
    closed = c.closed_at.astimezone(consultations.TZ)
    verdict = "达到《民法典》第二百七十八条规定的比例，表决通过" if result.passed else "未达到《民法典》第二百七十八条规定的比例，表决未通过"
    body = (f"<p>{c.title}已于{closed:%Y年%-m月%-d日 %H:%M}截止。本单元共 {t.total.households} 户，"
            f"参与表决 {t.participants.households} 户，其中同意 {t.yes.households} 户、反对 {t.no.households} 户、"
            f"弃权 {t.abstain.households} 户；参与表决和同意的户数及专有部分面积均{verdict}。</p>"
            f"<p>各户表决清单见公示清单页面（{reverse('consultations:public', args=[c.pk])}），"
            "每户凭告知书和回执上的公示编号核对本户一行。公示期十日，如有异议请向社区居民委员会反映。</p>")
    with transaction.atomic():
        actor = Actor.system("demo")
        notice = participation_services.notice_save(compound=c.compound, building=c.building, title=title, body_html=body,
                                                    issuer=f"{c.compound.community.name}居民委员会", actor=actor)
        at = datetime.datetime.combine(closed.date() + datetime.timedelta(days=1), datetime.time(9, 0), consultations.TZ)
        return participation_services.notice_publish(notice=notice, actor=actor, now=at)


def accounts_lines() -> list[str]:
    """The demo accounts as `anju demo` prints them: user name, role, display name and where they work."""
    lines = [f"演示账号 / demo accounts (密码 password: {roster.DEMO_PASSWORD}):"]
    for username, role, community, compound, display in roster.DEMO_ACCOUNTS:
        where = compound or community or roster.SUBDISTRICT
        lines.append(f"  {username:<14} {role.label} {display}（{where}）")
    lines.append(f"  {'admin':<14} 系统管理员 / superuser")
    return lines
