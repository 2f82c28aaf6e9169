"""Demo consultations of 南庄坪街道 (deterministic, idempotent):

* 金盾苑, the first unit that has its elevator: the elevator vote, closed, passed under Civil Code
  art. 278 (major matter) with a mix of online, paper and door-to-door ballots;
* the unit whose elevator is still in consultation (elevators demo), else one in 世纪花园: an open
  vote, about 40% of households heard (staff print a letter to vote from its QR link as a resident);
* 锦绣花园 (2021 programme): the renovation items in two rounds; round 1 leaves 停车位 and 无障碍通道
  under the 90% the article reports, round 2 asks those again and they pass.

Ballots go through `services.ballot_cast` like any other; only the dates of the two finished
consultations are set back to 2021 afterwards (the demo tells a story that happened then).
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from anju.consultations import services
from anju.consultations.models import Channel, Consultation
from anju.core.audit import Actor
from anju.elevators import queries as elevator_queries
from anju.elevators import services as elevator_services
from anju.roster.models import Subdistrict, Unit

TZ = datetime.timezone(datetime.timedelta(hours=8))
SEED = 278
DEMO_NOTE = "<p>（演示数据）</p>"

# What residents read on the vote page and (its beginning) on the letter: written as an office would.
ELEVATOR_PROPOSAL = (
    "<h2>加装电梯方案</h2>"
    "<p>本单元拟在楼栋北侧加装一部电梯，每层停靠、平层入户，由有资质的单位设计、施工和维保，工期约四个月。</p>"
    "<h3>费用怎么分</h3>"
    "<ul><li>工程费用先扣除政府补贴，余下部分由本单元业主按楼层分摊，住得越高分摊越多；"
    "本户的出资额和每一步的算法见下方“本户出资”和本户明白账。</li>"
    "<li>电梯投入使用后，电费、维保、年检和保险由使用电梯的住户分摊。</li></ul>"
    "<h3>怎样算通过</h3>"
    "<p>依据《民法典》第二百七十八条：参与表决的业主所占专有部分面积和人数均达到三分之二以上，"
    "且参与表决者中同意的面积和人数均达到四分之三以上，方案通过。</p>"
)
RENOVATION_PROPOSAL = (
    "<h2>2021 年老旧小区改造</h2>"
    "<p>本小区列入 2021 年老旧小区改造计划。现就以下改造项目逐项征求全体住户意见，"
    "同意的住户超过九成的项目纳入改造，其余项目再征求一轮。</p>"
    "<ul><li>基础类：燃气管道、下水道、楼顶防水、消防安全；</li>"
    "<li>完善类：无障碍通道、节能设施、路灯、停车位、围墙修缮。</li></ul>"
    "<p>施工按楼栋分批进行，具体时间另行公示。您对改造还有其他意见，可以写在最后一题里。</p>"
)


def closing_time(now: datetime.datetime) -> datetime.datetime:
    """When the demo's open vote closes: 18:00 Beijing time, 30 days after the demo is loaded, as an
    office would announce it (a round time, about a month to reach every household)."""
    day = now.astimezone(TZ).date() + datetime.timedelta(days=30)
    return datetime.datetime.combine(day, datetime.time(18, 0), TZ)


def _channel(rng: random.Random) -> str:
    return rng.choices((Channel.ONLINE, Channel.PAPER, Channel.DOOR), (55, 30, 15))[0]


def backdate(c: Consultation, opened: datetime.datetime, closed: datetime.datetime | None) -> None:
    """Date a demo vote as it happened (its opening and close), for the demo loaders of every app."""
    Consultation.objects.filter(pk=c.pk).update(opens_at=opened, opened_at=opened, closes_at=closed or c.closes_at,
                                                closed_at=closed)


def _vote_all(c: Consultation, answer_of, rng: random.Random, actor: Actor) -> None:
    questions = list(c.questions.all())
    for i, e in enumerate(c.electors.order_by("key")):
        answers = {str(q.pk): a for q in questions if (a := answer_of(i, q)) is not None}
        if answers:
            services.ballot_cast(consultation=c, household=e, answers=answers, channel=_channel(rng), actor=actor,
                                 signer="")


def _elevator_vote(unit: Unit, actor: Actor, rng: random.Random, *, title: str) -> Consultation:
    c = services.consultation_create(compound=unit.building.compound, unit=unit, title=title, actor=actor,
                                     description=ELEVATOR_PROPOSAL + DEMO_NOTE)
    services.questions_from_template(consultation=c, template="elevator", actor=actor)
    services.consultation_open(consultation=c, actor=actor)
    return c


def _proposed_plan(unit: Unit, actor: Actor) -> None:
    """The plan the open vote is about: the unit's project saved once with its own method, so each household
    reads its share on the vote page and the letter (the elevators demo leaves the project without one)."""
    project = elevator_queries.active_project(unit.pk)
    if project is not None and not project.plans.exists():
        elevator_services.plan_save(project=project, method=elevator_queries.method_key(project),
                                    scenario=elevator_queries.Scenario(), reason="征求意见稿，随表决告知书送达各户（演示数据）",
                                    actor=actor)


def load_demo(subdistrict: Subdistrict) -> list[Consultation]:
    """Create the demo consultations; a second run does nothing."""
    existing = list(Consultation.objects.filter(subdistrict=subdistrict))
    if existing:
        return existing
    rng = random.Random(SEED)
    actor = Actor.system("demo")
    made = []
    units = Unit.objects.filter(building__compound__subdistrict=subdistrict).select_related("building__compound")

    jindun = units.filter(building__compound__name="金盾苑", has_elevator=True).order_by("building_id", "id").first()
    if jindun is not None:
        c = _elevator_vote(jindun, actor, rng, title=f"金盾苑{jindun.building.number}栋{jindun.number}单元加装电梯表决")
        # 7 of 10 yes, 1 no, 1 abstains, 1 not heard: 90% take part, 7/9 of them agree (>= 3/4).
        _vote_all(c, lambda i, q: (["yes"] * 7 + ["no", "abstain", None])[i % 10], rng, actor)
        services.consultation_close(consultation=c, actor=actor)
        backdate(c, datetime.datetime(2021, 1, 11, 9, 0, tzinfo=TZ), datetime.datetime(2021, 1, 25, 18, 0, tzinfo=TZ))
        made.append(c)

    live = elevator_queries.unit_in_consultation(subdistrict) or units.filter(
        building__compound__name="世纪花园", has_elevator=False).order_by("building_id", "id").first()
    if live is not None:
        _proposed_plan(live, actor)
        c = _elevator_vote(live, actor, rng,
                           title=f"{live.building.compound.name}{live.building.number}栋{live.number}单元加装电梯表决")
        Consultation.objects.filter(pk=c.pk).update(closes_at=closing_time(timezone.now()))
        _vote_all(c, lambda i, q: (["yes", "yes", "no", None, None])[i % 5], rng, actor)
        made.append(c)

    made += _renovation_rounds(subdistrict, actor, rng)
    return made


def _renovation_rounds(subdistrict: Subdistrict, actor: Actor, rng: random.Random) -> list[Consultation]:
    from anju.roster.models import Compound

    compound = Compound.objects.filter(subdistrict=subdistrict, name="锦绣花园").first()
    if compound is None:
        return []
    first = services.consultation_create(compound=compound, title="锦绣花园改造项目意见征求（第一轮）", actor=actor,
                                         description=RENOVATION_PROPOSAL + DEMO_NOTE)
    services.questions_from_template(consultation=first, template="renovation_items", actor=actor)
    services.consultation_open(consultation=first, actor=actor)
    # Round 1: 96% heard; 停车位 and 无障碍通道 split opinions, the rest well above 90%.
    doubtful = {"parking", "barrier_free"}

    def round1(i: int, q) -> str | None:
        if i % 25 == 24:
            return None
        if q.kind == "text":
            return "希望施工期间保留一条通道。" if i % 9 == 0 else None
        if q.template_key in doubtful:
            return "no" if i % 6 == 0 else "yes"
        return "no" if i % 40 == 3 else "yes"

    _vote_all(first, round1, rng, actor)
    services.consultation_close(consultation=first, actor=actor)
    backdate(first, datetime.datetime(2021, 3, 1, 9, 0, tzinfo=TZ), datetime.datetime(2021, 3, 15, 18, 0, tzinfo=TZ))
    first.refresh_from_db()
    second = services.next_round(consultation=first, actor=actor, title="锦绣花园改造项目意见征求（第二轮）")
    services.consultation_open(consultation=second, actor=actor)
    _vote_all(second, lambda i, q: None if q.kind == "text" or i % 50 == 49 else ("no" if i % 30 == 7 else "yes"),
              rng, actor)
    services.consultation_close(consultation=second, actor=actor)
    backdate(second, datetime.datetime(2021, 4, 6, 9, 0, tzinfo=TZ), datetime.datetime(2021, 4, 16, 18, 0, tzinfo=TZ))
    return [first, second]
