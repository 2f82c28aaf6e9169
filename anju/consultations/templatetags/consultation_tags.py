from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anju.core.formatting import area, count, percent

register = template.Library()


CONDITION_LABELS = {
    "participation_area": _("参与表决的专有部分面积"),
    "participation_count": _("参与表决的业主人数"),
    "approval_area": _("同意的专有部分面积"),
    "approval_count": _("同意的业主人数"),
    "no_objection": _("相关住户无反对"),
    "all_approve": _("指定住户全部同意"),
}
# Units after a number: "人" and "户" mean other things elsewhere in the catalogue, so not through gettext.
UNIT_LABELS = {"zh": {"m2": "㎡", "owners": "人", "households": "户"}, "en": {"m2": "m²", "owners": "owners", "households": "households"}}


@register.filter
def condition_label(name: str) -> str:
    """The rule condition in words a civil servant uses (the engine's key otherwise)."""
    return str(CONDITION_LABELS.get(name, name))


@register.filter
def condition_figures(cond: Any) -> str:
    """A condition's exact figures for a notice board: "1,234.50 ㎡ / 1,500.00 ㎡（82.30%）"."""
    unit = UNIT_LABELS["zh"].get(cond.unit, "")
    if cond.unit == "m2":
        figures = f"{area(cond.numerator)} / {area(cond.denominator)}"
    else:
        figures = f"{count(cond.numerator)} {unit} / {count(cond.denominator)} {unit}"
    return f"{figures}（{percent(cond.ratio, 2)}）" if cond.denominator else figures


@register.filter
def condition_requirement(cond: Any) -> str:
    """The bound in the words of the Civil Code: "≥ 2/3", "过半数", "无人反对", "全部同意"."""
    if cond.name == "no_objection":
        return "无人反对"
    if cond.name == "all_approve":
        return "全部同意"
    bound = Fraction(cond.bound)
    if cond.required.startswith(">="):
        return f"≥ {bound}"
    return "过半数" if bound == Fraction(1, 2) else f"> {bound}"


@register.filter
def condition_ratio(cond: Any) -> str:
    """A condition's value as a percentage (exact, two places); the exact fraction stays in the title."""
    ratio = getattr(cond, "ratio", None)
    return "" if ratio is None else percent(ratio, 2)


@register.filter
def condition_gap(cond: Any) -> str:
    """How far above (+) or short (−) of the bound, in the condition's own unit: ㎡, owners or households."""
    slack = getattr(cond, "slack", None)
    unit = getattr(cond, "unit", "")
    labels = UNIT_LABELS["zh" if (get_language() or "zh").startswith("zh") else "en"]
    if slack is None or unit not in labels:
        return ""
    slack = Fraction(slack)
    # A surplus is rounded down and a shortfall up, so the figure never overstates the margin.
    if unit == "m2":
        hundredths = math.floor(abs(slack) * 100) if slack >= 0 else math.ceil(abs(slack) * 100)
        amount = f"{hundredths // 100:,}.{hundredths % 100:02d}"
    else:
        amount = f"{math.floor(slack) if slack >= 0 else math.ceil(-slack):,}"
    sign = "+" if slack >= 0 else "−"
    return f"{sign}{amount} {labels[unit]}"


ELECTION_STATUS_LABELS = {"elected": _("当选"), "tie": _("票数相同待定"), "no_seat": _("未获得席位"),
                          "below_threshold": _("未过半数"), "turnout_not_met": _("参与率不足")}


@register.filter
def election_status(status: str, language: str = "") -> str:
    """A candidate's outcome in an election: 当选, 票数相同待定, 未获得席位, 未过半数, 参与率不足
    (in the page's language, or in `language`: the printed notice is Chinese)."""
    label = ELECTION_STATUS_LABELS.get(status)
    if label is None:
        return status
    if language:
        with translation.override(language):
            return str(label)
    return str(label)
