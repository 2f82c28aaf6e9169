from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anju.core.formatting import percent

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
        amount = f"{hundredths // 100}.{hundredths % 100:02d}"
    else:
        amount = str(math.floor(slack) if slack >= 0 else math.ceil(-slack))
    sign = "+" if slack >= 0 else "−"
    return f"{sign}{amount} {labels[unit]}"
