"""满意度测评: the yearly survey of a compound's households about their property service.

The lines are those of 《普通住宅小区物业管理服务等级标准》(试行) (中国物业管理协会, 2004): a manager of
the first grade (一级) reaches a satisfaction rate of 80% or more in its yearly survey of the owners,
one of the third grade (三级) 70% or more. The text of the standard was not at hand when this was
written (it is not in the LawRefBook/Laws copy the other figures were read in, and no stored page
quoted it), so both lines are marked 待核 (`PENDING`) and pages print that beside them. "以上"
includes the bound itself, as everywhere in Anju: 80% exactly reaches the first line.

The rate is (满意 + 基本满意) / households that answered, the usual reading of 满意率 in such surveys;
households that did not answer are not in the denominator. Exact (`Fraction`), never float.

The sample is drawn per building (the same number of households from each, or all of a building
that has fewer) from a seeded generator, so the same seed and roster always give the same sample,
and anyone can re-draw it to check that nobody picked the households by hand.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from anju.domain.errors import DomainError

SATISFIED = "满意"
FAIRLY = "基本满意"
DISSATISFIED = "不满意"
CHOICES: tuple[str, ...] = (SATISFIED, FAIRLY, DISSATISFIED)
QUESTION = "您对本小区物业服务的总体评价"

STANDARD_ZH = "《普通住宅小区物业管理服务等级标准》（试行）（2004年）"
STANDARD_EN = "Service Grade Standard for Ordinary Residential Compounds (trial, 2004)"
PENDING = True  # the text of the standard was not verified (待核), see the module docstring

PER_BUILDING_MAX = 500  # households drawn per building; more than any old compound's building holds


@dataclass(frozen=True, slots=True)
class Line:
    key: Literal["grade1", "grade3"]
    share: Fraction  # reached at this share or more ("以上")
    zh: str
    en: str


LINES: tuple[Line, ...] = (
    Line("grade1", Fraction(80, 100), "一级服务标准：满意率80%以上", "First grade: 80% satisfied or more"),
    Line("grade3", Fraction(70, 100), "三级服务标准：满意率70%以上", "Third grade: 70% satisfied or more"),
)


def rate(counts: Mapping[str, int]) -> Fraction | None:
    """(满意 + 基本满意) / all answers counted in `counts`; None when nobody answered."""
    if any(n < 0 for n in counts.values()):
        raise DomainError("答卷数不能为负", "An answer count cannot be negative", field="counts")
    answered = sum(counts.values())
    if answered == 0:
        return None
    return Fraction(counts.get(SATISFIED, 0) + counts.get(FAIRLY, 0), answered)


def line_reached(share: Fraction | None) -> Line | None:
    """The highest line `share` reaches (80% reaches the first line itself), or None below 70%."""
    if share is None:
        return None
    return next((line for line in LINES if share >= line.share), None)


def verdict_zh(share: Fraction | None) -> str:
    """What a page prints beside the rate."""
    if share is None:
        return "尚无答卷"
    line = line_reached(share)
    return f"达到{line.zh}" if line else "低于三级服务标准的满意率70%"


def verdict_en(share: Fraction | None) -> str:
    if share is None:
        return "No answers yet"
    line = line_reached(share)
    return f"Reaches the {line.en}" if line else "Below the third grade's 70%"


def draw_sample(by_building: Mapping[str, Sequence[int]], per_building: int | None, seed: int) -> list[int]:
    """Household ids asked: `per_building` from each building (all of a smaller one), or everyone.

    Deterministic: each building's ids are sorted and drawn with `random.Random(f"{seed}:{building}")`,
    so the sample depends only on the seed and the roster, not on the order the rows came in. The
    result is sorted. An empty result (no households at all) is refused: a survey needs a sample."""
    if per_building is not None and not 1 <= per_building <= PER_BUILDING_MAX:
        raise DomainError(f"每栋抽样户数须在 1 到 {PER_BUILDING_MAX} 之间：{per_building}",
                          f"Households per building must be 1 to {PER_BUILDING_MAX}: {per_building}",
                          field="per_building")
    out: list[int] = []
    for building in sorted(by_building):
        ids = sorted(set(by_building[building]))
        if per_building is None or len(ids) <= per_building:
            out += ids
        else:
            out += random.Random(f"{seed}:{building}").sample(ids, per_building)
    if not out:
        raise DomainError("没有可抽样的住户：小区还没有录入住户，测评无法开展",
                          "No households to sample: the compound has no households on the roster", field="sample")
    return sorted(out)


def percent(share: Fraction | None) -> str:
    """"83.3%": one decimal, rounded half up; "—" when there is no rate."""
    if share is None:
        return "—"
    tenths = (share * 1000 + Fraction(1, 2)).__floor__()
    return f"{tenths // 10}.{tenths % 10}%"
