"""Ready-made questions: the five household questions of 一户一策 and the renovation items."""

from __future__ import annotations

from dataclasses import dataclass

from anju.consultations.models import QuestionKind

# Items were approved "by more than 90% of residents" (source article): more than 9/10 of all
# households say yes, counted per household.
NINETY_PERCENT = {"rule": {"participation": None,
                           "approval": {"count": "9/10", "of": "all", "strict": True}, "headcount": "households"}}


@dataclass(frozen=True)
class Template:
    key: str
    kind: str
    text: str
    choices: tuple[str, ...] = ()
    unit_label: str = ""
    rule: object = None


HOUSEHOLD5 = (
    Template("renovate", QuestionKind.YES_NO, "您是否同意对本小区进行老旧小区改造？（改造意愿）", rule=NINETY_PERCENT),
    Template("access_control", QuestionKind.YES_NO, "您是否同意安装门禁系统？（门禁安装）", rule="civil-code-278-ordinary"),
    Template("property_management", QuestionKind.SINGLE, "改造后您希望采用哪种物业管理方式？（物业管理）",
             ("引入专业物业公司", "业主自治管理", "社区托管", "暂不需要")),
    Template("illegal_structures", QuestionKind.YES_NO, "您是否同意拆除本小区的违章建筑？（违建拆除）",
             rule="civil-code-278-ordinary"),
    Template("elevator", QuestionKind.YES_NO, "您是否同意为您所在单元加装电梯？（电梯安装）", rule="civil-code-278-major"),
    Template("elevator_pay", QuestionKind.NUMBER, "如加装电梯，您愿意承担的费用上限是多少？", unit_label="元"),
)

RENOVATION_ITEMS = tuple(
    Template(key, QuestionKind.YES_NO, f"您是否同意本次改造包含“{name}”项目？", rule=NINETY_PERCENT)
    for key, name in (("gas", "燃气管道改造"), ("sewer", "下水道改造"), ("roof", "楼顶防水"), ("fire", "消防安全"),
                      ("barrier_free", "无障碍通道"), ("energy", "节能设施"), ("street_lights", "路灯"),
                      ("parking", "停车位"), ("walls", "围墙修缮"))
) + (Template("suggestions", QuestionKind.TEXT, "对改造项目您还有什么意见或建议？"),)

ELEVATOR = (Template("elevator", QuestionKind.YES_NO, "您是否同意本单元加装电梯？", rule="civil-code-278-major"),)

TEMPLATES = {"household5": HOUSEHOLD5, "renovation_items": RENOVATION_ITEMS, "elevator": ELEVATOR}
TEMPLATE_LABELS = {"household5": "一户一策五问", "renovation_items": "改造项目意见征求", "elevator": "加装电梯表决"}
