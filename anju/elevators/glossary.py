"""The three terms of the calculator and the statement, each in one sentence staff can repeat to residents.

One source for the calculator's help (`{% translate %}` of these sources) and the printed 明白账 (Chinese).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, gettext_noop


@dataclass(frozen=True)
class Term:
    key: str  # the method key it explains, or "rounding"
    name: str  # Chinese source
    sentence: str  # Chinese source, one sentence

    def translated(self) -> tuple[str, str]:
        """(name, sentence) in the active language."""
        return gettext(self.name), gettext(self.sentence)


TERMS = (
    Term("shapley", gettext_noop("Shapley 值"), gettext_noop(
        "把电梯从一楼到顶楼分成一段一段，每一段的钱由用得到这一段的住户平均分，所以住得越高、用到的段越多，出得越多。")),
    Term("nucleolus", gettext_noop("核仁"), gettext_noop(
        "先保证每户出的钱都不超过自己单独把电梯装到本层要花的钱，再一轮一轮调整，让最吃亏的那几户尽量少吃亏。")),
    Term("rounding", gettext_noop("最大余数法"), gettext_noop(
        "按比例算出的金额先舍去不足一分的零头，剩下的几分钱按零头从大到小每户补一分，所以各户金额相加正好等于总额。")),
)
BY_KEY = {term.key: term for term in TERMS}
