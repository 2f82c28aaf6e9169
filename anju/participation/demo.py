"""Demo participation for 南庄坪街道: the 世纪花园 party branch with pledges and volunteers' hours,
answered suggestions (one with a photo), the meeting where one was discussed, a published notice
for 1栋 and household visits. Deterministic (fixed seed and dates, but the two suggestions still open
are dated days before the load); a second run does nothing.
"""

from __future__ import annotations

import datetime
import io
import random
from decimal import Decimal

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from anju.core.audit import Actor
from anju.participation import services
from anju.participation.models import (
    Notice,
    OrgLevel,
    PartyOrganisation,
    PledgeKind,
    PledgeStatus,
    Suggestion,
    VolunteerRole,
)
from anju.roster.models import Compound, Household, Person, Subdistrict

SEED = 20210320
SHIJI = "世纪花园"
TZ = datetime.timezone(datetime.timedelta(hours=8))
ACTOR = Actor.system("demo")


def at(day: str, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


SUGGESTIONS = (
    # key, compound, building no., category, title, body, created, reply, replied after (hours), closed after (days)
    ("elevator", SHIJI, "1", "elevator", "1栋2单元也想加装电梯",
     "我们单元住了好几位八十多岁的老人，上下楼很困难。希望像1单元一样加装电梯，费用怎么分摊想听听大家的意见。",
     at("2021-03-02", 20, 15),
     "感谢您的建议。社区已将2单元加装电梯列入3月20日民情恳谈会议题，会上介绍了分摊办法和补贴政策；"
     "下一步将由社区工作人员逐户征求意见。", 37, 40),
    ("lamp", SHIJI, "2", "repair", "2栋门口路灯不亮",
     "2栋门口的路灯坏了一个多星期，晚上老人出门很不安全。", at("2021-04-06", 19, 40),
     "已通知物业公司更换灯具，4月8日已修复。如仍有问题请再次反映。", 20, 2),
    # The two still open came in lately (days before the demo is loaded): overdue by days, as an office
    # sees it, not by years.
    ("parking", SHIJI, None, "parking", "改造时能否增加停车位",
     "小区车越来越多，晚上消防通道都被占了，改造时能否规划停车位？", (60, 8, 30),
     "改造方案已将东侧闲置绿地调整为22个停车位，并划定消防通道禁停线，方案将在小区公示栏公示。", 50, None),
    ("stairs", "金盾苑", None, "sanitation", "楼道堆放杂物", "3栋楼道堆了很多纸箱和旧家具，存在消防隐患。",
     at("2021-05-10", 10, 0), "社区已联合物业开展楼道清理，5月15日前清理完毕。", 26, 6),
    ("wall", SHIJI, "3", "safety", "3栋北侧围墙有裂缝", "围墙裂缝越来越大，担心倒塌，请尽快查看。",
     (14, 7, 50), "", None, None),  # left without reply: overdue on the staff pages
)

NOTICE_BODY = """<h2>一、基本情况</h2>
<p>世纪花园1栋1单元加装电梯项目已于2020年底建成投入使用。为做好1栋2单元加装电梯工作，现将有关事项公示如下。</p>
<h2>二、费用与分摊</h2>
<ul><li>建设费用按楼层系数分摊，一层住户不分摊；</li><li>市、区两级补贴按规定直接抵扣；</li>
<li>运行费用（电费、维保、年检、保险）按楼层系数分摊。</li></ul>
<h2>三、意见反映</h2>
<p>公示期为<strong>2021年4月1日至4月10日</strong>。如有意见，请扫描下方二维码提交，或到社区服务站反映。</p>"""


@transaction.atomic
def load_demo(subdistrict: Subdistrict) -> None:
    """Add the participation demo to the demo sub-district; nothing happens when it is already there."""
    if PartyOrganisation.objects.filter(subdistrict=subdistrict, level=OrgLevel.SUBDISTRICT).exists():
        return
    shiji = Compound.objects.filter(subdistrict=subdistrict, name=SHIJI).select_related("community").first()
    if shiji is None:
        return
    rng = random.Random(SEED)
    _party(subdistrict, shiji, rng)
    suggestions = _suggestions(subdistrict, rng)
    _meeting(shiji, suggestions["elevator"], rng)
    _notice(shiji)
    _visits(shiji, rng)


def _adults(compound: Compound) -> models.QuerySet[Person]:
    born_before = datetime.date.today().year - 25
    return Person.objects.filter(residences__household__compound=compound, birth_year__lte=born_before).distinct().order_by("id")


def _party(sd: Subdistrict, shiji: Compound, rng: random.Random) -> PartyOrganisation:
    top = services.organisation_create(level=OrgLevel.SUBDISTRICT, name=f"{sd.name}党工委", subdistrict_id=sd.pk,
                                       secretary="周敏", actor=ACTOR)
    committees = {
        c.pk: services.organisation_create(level=OrgLevel.COMMUNITY, name=f"{c.name}党委", parent=top, community=c, actor=ACTOR)
        for c in sd.communities.order_by("id")
    }
    branch = None
    for compound in Compound.objects.filter(subdistrict=sd, name__in=(SHIJI, "金盾苑", "旺角家园")).order_by("id"):
        org = services.organisation_create(level=OrgLevel.BRANCH, name=f"{compound.name}小区党支部",
                                           parent=committees[compound.community_id], compound=compound, actor=ACTOR)
        if compound.pk == shiji.pk:
            branch = org
    assert branch is not None
    adults = list(_adults(shiji))
    members = [p for p in adults if p.party_member][:8]
    for p in adults:  # a branch of at least six: party members the roster did not mark yet
        if len(members) >= 6:
            break
        if p not in members:
            members.append(p)
    kinds = list(PledgeKind.values)
    statuses = (PledgeStatus.FULFILLED, PledgeStatus.FULFILLED, PledgeStatus.IN_PROGRESS, PledgeStatus.PLEDGED)
    for index, person in enumerate(members):
        membership = services.member_add(organisation=branch, person=person, duty="支部书记" if index == 0 else "", actor=ACTOR)
        for kind in kinds[: 2 + index % 3]:
            services.pledge_set(membership=membership, kind=kind, status=rng.choice(statuses), actor=ACTOR)
    branch.secretary = members[0].name
    branch.save(update_fields=["secretary"])
    others = [p for p in adults if p not in members]
    volunteers = [(members[1], VolunteerRole.SPEAKER), (others[0], VolunteerRole.SPEAKER), (members[2], VolunteerRole.OBSERVER),
                  (others[1], VolunteerRole.OBSERVER), (others[2], VolunteerRole.ENVIRONMENT), (members[3], VolunteerRole.SUPERVISOR),
                  (others[3], VolunteerRole.SUPERVISOR)]
    project = _project_of(shiji)
    kinds_for = {VolunteerRole.SPEAKER: "publicity", VolunteerRole.OBSERVER: "visit", VolunteerRole.ENVIRONMENT: "patrol",
                 VolunteerRole.SUPERVISOR: "supervision"}
    for person, role in volunteers:
        services.volunteer_assign(person=person, compound=shiji, role=role, actor=ACTOR,
                                  project=project if role == VolunteerRole.SUPERVISOR else None,
                                  project_reference="" if project else "世纪花园老旧小区改造（2020年）")
        for week in range(6):
            day = datetime.date(2021, 3, 1) + datetime.timedelta(days=7 * week + rng.randint(0, 4))
            hours = Decimal(rng.choice(("1.5", "2", "2.5", "3", "4")))
            visits = rng.randint(3, 12) if kinds_for[role] in ("visit", "publicity") else 0
            services.activity_log(person=person, compound=shiji, on=day, kind=kinds_for[role], hours=hours, visits=visits, actor=ACTOR)
    return branch


def _project_of(compound: Compound) -> models.Model | None:
    """The renovation project of a compound, if the programme app has one (looked up late: it evolves on its own)."""
    try:
        return apps.get_model("programme", "Project").objects.filter(compound=compound).order_by("id").first()
    except (LookupError, FieldError):
        return None


def _photo(rng: random.Random) -> bytes:
    """A drawn picture of a dark doorway and a broken street lamp: the demo's photo."""
    image = Image.new("RGB", (800, 600), (40, 48, 70))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 430, 800, 600), fill=(90, 90, 90))
    draw.rectangle((480, 180, 760, 430), fill=(180, 170, 150))
    draw.rectangle((580, 300, 660, 430), fill=(60, 50, 40))
    draw.rectangle((200, 120, 212, 430), fill=(30, 30, 30))
    draw.ellipse((170, 90, 242, 140), fill=(70, 70, 60))
    for _ in range(40):
        x, y = rng.randint(0, 799), rng.randint(0, 200)
        draw.point((x, y), fill=(220, 220, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def days_ago(days: int, hour: int, minute: int) -> datetime.datetime:
    """`days` before today (Beijing time) at hour:minute."""
    today = timezone.now().astimezone(TZ).date()
    return at((today - datetime.timedelta(days=days)).isoformat(), hour, minute)


def _suggestions(sd: Subdistrict, rng: random.Random) -> dict[str, Suggestion]:
    made: dict[str, Suggestion] = {}
    for key, compound_name, building_no, category, title, body, when, reply, reply_h, close_d in SUGGESTIONS:
        created = when if isinstance(when, datetime.datetime) else days_ago(*when)
        compound = Compound.objects.get(subdistrict=sd, name=compound_name)
        building = compound.buildings.filter(number=building_no).first() if building_no else None
        photos = [("lamp.jpg", _photo(rng))] if key == "lamp" else []
        s = services.suggestion_submit(compound=compound, building=building, category=category, title=title, body=body,
                                       contact_name="" if key != "elevator" else "张阿姨", photos=photos, actor=ACTOR)
        # Fixed receipt codes and times keep the demo the same on every machine.
        code = "".join(rng.choice(services.RECEIPT_ALPHABET) for _ in range(services.RECEIPT_LENGTH))
        Suggestion.objects.filter(pk=s.pk).update(created=created, receipt_code=code)
        s.refresh_from_db()
        if reply:
            services.suggestion_reply(suggestion=s, reply=reply, replied_by="南庄坪社区", actor=ACTOR,
                                      now=created + datetime.timedelta(hours=reply_h))
        if close_d is not None:
            services.suggestion_close(suggestion=s, actor=ACTOR, now=created + datetime.timedelta(days=close_d))
        made[key] = s
    return made


def _meeting(shiji: Compound, elevator: Suggestion, rng: random.Random) -> None:
    meeting = services.meeting_create(compound=shiji, starts_at=at("2021-03-20", 19, 0), place="南庄坪社区党群服务中心活动室",
                                      topic="世纪花园加装电梯与小区改造民情恳谈会", actor=ACTOR)
    invited = list(Household.objects.filter(unit__building__compound=shiji, unit__building__number="1").order_by("id"))
    services.meeting_invite(meeting=meeting, households=invited, actor=ACTOR)
    services.meeting_attendance(meeting=meeting, present=[h for h in invited if rng.random() < 0.65], actor=ACTOR)
    services.meeting_minutes(meeting=meeting, actor=ACTOR, minutes=(
        "社区党委书记介绍了1栋1单元加装电梯的经验和2021年改造计划。\n"
        "居民围绕2单元加装电梯的费用分摊、低楼层住户补偿、运行费用分担进行了讨论。\n"
        "小区党支部党员带头表示支持改造，愿意协助做好邻里沟通。"))
    services.decision_add(meeting=meeting, text="启动1栋2单元加装电梯意见征求，采用楼层系数分摊，一层住户不分摊。", actor=ACTOR,
                          linked=_project_of(shiji), reference="1栋2单元加装电梯")
    services.decision_add(meeting=meeting, text="改造时将东侧闲置绿地调整为停车位，方案公示后实施。", reference="2020年世纪花园改造项目",
                          actor=ACTOR)
    asked = services.followup_add(meeting=meeting, description="逐户征求2单元住户意见", owner="李华", due=datetime.date(2021, 4, 10),
                                  actor=ACTOR)
    services.followup_done(action=asked, actor=ACTOR, now=at("2021-04-09", 18, 0))  # done long ago: nothing from 2021 left open
    done = services.followup_add(meeting=meeting, description="公示电梯分摊方案", owner="小区党支部", due=datetime.date(2021, 4, 1), actor=ACTOR)
    services.followup_done(action=done, actor=ACTOR, now=at("2021-03-30", 17, 0))
    services.meeting_link_suggestion(meeting=meeting, suggestion=elevator, actor=ACTOR)


def _notice(shiji: Compound) -> None:
    building = shiji.buildings.get(number="1")
    notice = services.notice_save(compound=shiji, building=building, title="世纪花园1栋2单元加装电梯费用分摊方案公示",
                                  body_html=NOTICE_BODY, issuer="南庄坪社区居民委员会", actor=ACTOR)
    services.notice_publish(notice=notice, actor=ACTOR, now=at("2021-04-01", 9, 0))
    leaflet = services.notice_save(compound=shiji, building=None, kind="leaflet", title="老旧小区改造政策问答",
                                   body_html="<p><strong>改造哪些内容？</strong>基础类、完善类、提升类三类，具体由居民议定。</p>"
                                             "<p><strong>居民要出钱吗？</strong>基础类由政府投入，加装电梯等按“谁受益、谁出资”原则分摊。</p>",
                                   issuer="南庄坪街道办事处", actor=ACTOR)
    services.notice_publish(notice=leaflet, actor=ACTOR, now=at("2021-03-10", 9, 0))
    assert Notice.objects.filter(compound=shiji).count() == 2


def _visits(shiji: Compound, rng: random.Random) -> None:
    households = list(Household.objects.filter(compound=shiji).order_by("unit__building_id", "unit_id", "floor", "room")[:24])
    answers = ("yes", "yes", "yes", "unsure", "no")
    concerns = ("担心费用分摊", "希望保留自行车棚", "低楼层担心采光和噪音", "希望施工期间保证出行", "")
    for index, household in enumerate(households):
        day = datetime.date(2021, 3, 5) + datetime.timedelta(days=index // 4)
        services.visit_record(
            household=household, visited_on=day, visitors=rng.choice(("李华、黎建国", "李华", "小区党支部")),
            answers={"renovation": rng.choice(answers[:4]), "access_control": rng.choice(answers),
                     "property_management": rng.choice(answers), "illegal_structures": rng.choice(answers),
                     "elevator": "no" if household.floor <= 1 else rng.choice(answers)},
            concerns=rng.choice(concerns), follow_up="纳入意见征求名单" if index % 3 == 0 else "", actor=ACTOR,
        )
