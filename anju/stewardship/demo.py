"""The demo's 长效管理, as the article describes the work after the works (物业管理全覆盖 under way).

The 2020 compounds are managed, all but one (茂隆新村, still without a manager, the first line of
the work list); most by a market-rate company, the smallest by the district's fallback manager. One
contract ends within the next 90 days and one is not filed yet, so the work lists have something
to act on whatever day `anju demo` runs. 旺角家园 is under emergency management since its
manager left six weeks ago. The sub-district follows the national rules.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from anju.core.audit import Actor
from anju.domain.ids import credit_check_char
from anju.roster.demo import PROGRAMME_2020
from anju.roster.models import Compound, Subdistrict
from anju.stewardship import services
from anju.stewardship.models import Mode, PropertyCompany

D = datetime.date
# Made-up companies registered in 茅箭区 (region code 420302); the check characters are computed.
COMPANIES = (
    ("十堰安居物业服务有限公司", "91420302" + "MA4ANJU01", "陈经理", "0719-8123456"),
    ("茅箭区城市综合服务有限公司", "91420302" + "MA4CFW002", "刘主任", "0719-8234567"),
    ("鑫诚物业管理有限公司", "91420302" + "MA4XCWY03", "张经理", "0719-8345678"),
)
UNMANAGED_2020 = "茂隆新村"
FALLBACK_2020 = "安民小区"


def _code(first17: str) -> str:
    return first17 + credit_check_char(first17)


def load_demo(subdistrict: Subdistrict) -> None:
    """Companies, managements and contracts of the demo sub-district; nothing if companies exist already."""
    if PropertyCompany.objects.filter(subdistrict=subdistrict).exists():
        return
    actor = Actor.system("demo")
    today = timezone.localdate()
    with transaction.atomic():
        companies = [services.company_create(subdistrict=subdistrict, name=name, credit_code=_code(code),
                                             contact=contact, phone=phone, actor=actor)
                     for name, code, contact, phone in COMPANIES]
        market, fallback, other = companies
        compounds = {c.name: c for c in Compound.objects.filter(subdistrict=subdistrict)}
        for i, name in enumerate(PROGRAMME_2020):
            compound = compounds.get(name)
            if compound is None or name == UNMANAGED_2020:
                continue
            company = fallback if name == FALLBACK_2020 else (market if i % 2 == 0 else other)
            mode = Mode.PUBLIC if company is fallback else Mode.MARKET
            services.management_set(compound=compound, mode=mode, company=company, since=D(2021, 2, 1), actor=actor)
            # Five-year contracts from the hand-over after the works; the first one signed ends soon.
            ends = today + datetime.timedelta(days=60) if i == 0 else D(2028, 1 + i % 12, 28)
            contract = services.contract_create(
                compound=compound, company=company, signed_on=D(2021, 1, 10 + i), starts_on=D(2021, 2, 1),
                ends_on=ends, fee_yuan="0.45" if company is fallback else "0.80",
                services="保洁、绿化养护、秩序维护、共用设施设备日常维修养护", actor=actor)
            if i != 1:  # one contract not filed yet
                services.contract_file(contract=contract, filed_on=D(2021, 1, 25 + i % 4), actor=actor)
        wangjiao = compounds.get("旺角家园")
        if wangjiao is not None:
            services.management_set(compound=wangjiao, mode=Mode.EMERGENCY, company=fallback,
                                    since=today - datetime.timedelta(days=42), note="原物业服务企业退出，街道确定应急物业",
                                    actor=actor)
