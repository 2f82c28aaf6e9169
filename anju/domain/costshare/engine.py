"""Split one unit's elevator costs among its households, exactly to the fen, with every step explained."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import cast

from anju.domain.errors import DomainError

from . import games
from .model import (
    Allocation,
    ByArea,
    Coefficients,
    Household,
    Method,
    Nucleolus,
    Quote,
    Shapley,
    Share,
    Table,
)
from .money import format_ratio, format_yuan, format_yuan_exact
from .rounding import largest_remainder, percents_basis_points
from .tables import CoefficientTable, reference_table

Steps = dict[str, list[tuple[str, str]]]  # household id -> [(zh, en)]


@dataclass(frozen=True)
class _Totals:
    gross: int
    subsidy: int
    compensation: int

    @property
    def net(self) -> int:
        return self.gross - self.subsidy + self.compensation


def allocate_quote(quote: Quote) -> Allocation:
    """Shares in fen for every household of `quote`; they add up to the net exactly.

    Raises DomainError (Chinese and English, with the field) for any input that breaks a rule.
    """
    totals = _validate(quote)
    payers = [h for h in quote.households if h.pays]
    if totals.net > 0 and not payers:
        raise DomainError("没有需要分摊的住户：所有住户都免缴或不参与",
                          "nobody is left to pay: every household is exempt or not participating",
                          field="households")
    steps: Steps = {h.id: [] for h in quote.households}
    weights, label = _weights(quote, payers, totals, steps)
    floors = {h.id: h.floor for h in quote.households}
    rounded = largest_remainder(totals.net, weights, {h.id: h.floor for h in payers})
    amounts = {h.id: rounded.amounts.get(h.id, 0) for h in quote.households}
    percents = percents_basis_points(amounts, floors)
    received = {h.id: 0 for h in quote.households}
    for comp in quote.compensations:
        received[comp.to] += comp.amount
    shares = []
    for h in quote.households:
        header = _net_step(totals)
        body = steps[h.id]
        if h.pays:
            body.append(_rounding_step(rounded.quotas[h.id], amounts[h.id], h.id in rounded.bumped))
        elif h.exempt:
            body.append(("免缴户，分摊 0.00", "exempt: pays 0.00"))
        else:
            body.append(("不参与加装，分摊 0.00；其份额由参与的住户分摊",
                         "not participating: pays 0.00; its part falls on the households that take part"))
        if received[h.id]:
            body.append((f"获得补偿 {format_yuan(received[h.id])}", f"receives compensation {format_yuan(received[h.id])}"))
        all_steps = [header, *body]
        shares.append(Share(
            household_id=h.id, floor=h.floor, amount=amounts[h.id], percent_bp=percents[h.id],
            compensation=received[h.id], steps_zh=tuple(zh for zh, _ in all_steps),
            steps_en=tuple(en for _, en in all_steps), exact=rounded.quotas.get(h.id, Fraction(0)),
        ))
    return Allocation(gross=totals.gross, subsidy=totals.subsidy, compensation=totals.compensation,
                      net=totals.net, method=label, shares=tuple(shares))


# ---- validation -------------------------------------------------------------------------------------


def _validate(quote: Quote) -> _Totals:
    if isinstance(quote.storeys, bool) or not isinstance(quote.storeys, int) or not 1 <= quote.storeys <= 200:
        raise DomainError(f"层数应为 1 到 200 的整数：{quote.storeys!r}",
                          f"storeys must be an integer from 1 to 200: {quote.storeys!r}", field="storeys")
    if not quote.households:
        raise DomainError("至少需要一户", "at least one household is needed", field="households")
    seen: set[str] = set()
    for index, h in enumerate(quote.households):
        path = f"households[{index}]"
        if not isinstance(h.id, str) or not h.id:
            raise DomainError("住户编号不能为空", "household id must not be empty", field=f"{path}.id")
        if h.id in seen:
            raise DomainError(f"住户编号重复：{h.id}", f"duplicate household id: {h.id}", field=f"{path}.id")
        seen.add(h.id)
        if isinstance(h.floor, bool) or not isinstance(h.floor, int) or not 1 <= h.floor <= quote.storeys:
            raise DomainError(f"楼层 {h.floor!r} 不在 1 到 {quote.storeys} 层之间",
                              f"floor {h.floor!r} is not between 1 and {quote.storeys}", field=f"{path}.floor")
        if h.area is not None and h.area <= 0:
            raise DomainError(f"面积必须大于 0：{h.area}", f"area must be greater than 0: {h.area}",
                              field=f"{path}.area")
    if not quote.costs:
        raise DomainError("至少需要一项费用", "at least one cost is needed", field="costs")
    for name, items in (("costs", quote.costs), ("subsidies", quote.subsidies)):
        for index, item in enumerate(items):
            _check_amount(item.amount, f"{name}[{index}].amount")
    for index, comp in enumerate(quote.compensations):
        _check_amount(comp.amount, f"compensations[{index}].amount")
        if comp.to not in seen:
            raise DomainError(f"补偿对象不是本单元住户：{comp.to!r}", f"compensation goes to an unknown household: {comp.to!r}",
                              field=f"compensations[{index}].to")
    gross = sum(item.amount for item in quote.costs)
    subsidy = sum(item.amount for item in quote.subsidies)
    if subsidy > gross:
        raise DomainError(f"补贴合计 {format_yuan(subsidy)} 超过费用合计 {format_yuan(gross)}",
                          f"subsidies {format_yuan(subsidy)} exceed the costs {format_yuan(gross)}", field="subsidies")
    if quote.subsidy_mode not in ("proportional", "common_first"):
        raise DomainError(f"未知补贴方式：{quote.subsidy_mode!r}", f"unknown subsidy mode: {quote.subsidy_mode!r}",
                          field="subsidy_mode")
    if quote.subsidy_mode == "common_first" and not isinstance(quote.method, (Shapley, Nucleolus)):
        raise DomainError("补贴先抵共同部分只适用于 Shapley 或核仁法", "common_first only applies to shapley or nucleolus",
                          field="subsidy_mode")
    _validate_method(quote, gross)
    return _Totals(gross, subsidy, sum(comp.amount for comp in quote.compensations))


def _check_amount(amount: object, field: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise DomainError(f"金额应为不小于 0 的整数分：{amount!r}", f"amount must be a non-negative number of fen: {amount!r}",
                          field=field)


def _validate_method(quote: Quote, gross: int) -> None:
    method = quote.method
    needs_area = isinstance(method, ByArea) or getattr(method, "weight_by_area", False)
    if needs_area:
        for index, h in enumerate(quote.households):
            if h.pays and h.area is None:
                raise DomainError(f"按面积分摊需要住户 {h.id} 的面积", f"sharing by area needs the area of household {h.id}",
                                  field=f"households[{index}].area")
    if isinstance(method, Coefficients):
        for floor, k in method.by_floor.items():
            # Floors above this unit's top are a table made for taller buildings: left out and
            # named in the steps, as the reference tables behave.
            if floor < 1:
                raise DomainError(f"系数表中的楼层不存在：{floor}", f"no such floor in the coefficients: {floor}",
                                  field=f"method.by_floor.{floor}")
            if k < 0:
                raise DomainError(f"系数不能为负数：{k}", f"coefficient must not be negative: {k}",
                                  field=f"method.by_floor.{floor}")
        top_listed = max(method.by_floor, default=0)
        above = sorted({h.floor for h in quote.households if h.pays and h.floor > top_listed})
        if above:
            raise DomainError(
                f"系数表只列到第 {top_listed} 层，第 {'、'.join(map(str, above))} 层的住户没有系数；请补上这些楼层的系数",
                f"the coefficients stop at floor {top_listed}; households on floor {', '.join(map(str, above))} have "
                "none: add coefficients for those floors", field="method.by_floor")
    elif isinstance(method, (Shapley, Nucleolus)):
        _validate_reach(quote, method.reach_costs, gross)
    elif not isinstance(method, (Table, ByArea)):
        raise DomainError(f"未知分摊方法：{method!r}", f"unknown method: {method!r}", field="method.kind")


def _validate_reach(quote: Quote, reach: Mapping[int, int], gross: int) -> None:
    if not reach:
        raise DomainError("缺少到达各层的费用", "reach costs are missing", field="method.reach_costs")
    previous = 0
    for floor in sorted(reach):
        path = f"method.reach_costs.{floor}"
        if not 1 <= floor <= quote.storeys:
            raise DomainError(f"到达费用中的楼层不存在：{floor}", f"no such floor in the reach costs: {floor}", field=path)
        _check_amount(reach[floor], path)
        if reach[floor] < previous:
            raise DomainError(f"到达 {floor} 层的费用 {format_yuan(reach[floor])} 低于下一层以下的费用 {format_yuan(previous)}",
                              f"the cost to reach floor {floor} ({format_yuan(reach[floor])}) is below the cost to "
                              f"reach a lower floor ({format_yuan(previous)})", field=path)
        previous = reach[floor]
    top = max(reach)
    if reach[top] != gross:
        raise DomainError(f"到达最高层 {top} 的费用 {format_yuan(reach[top])} 应等于费用合计 {format_yuan(gross)}",
                          f"the cost to reach the top floor {top} ({format_yuan(reach[top])}) must equal the costs "
                          f"({format_yuan(gross)})", field=f"method.reach_costs.{top}")
    lowest = min(reach)
    for h in quote.households:
        if h.pays and h.floor >= lowest and h.floor not in reach:
            raise DomainError(f"缺少到达 {h.floor} 层的费用（住户 {h.id}）", f"no reach cost for floor {h.floor} (household {h.id})",
                              field=f"method.reach_costs.{h.floor}")


# ---- methods ----------------------------------------------------------------------------------------


def _weights(quote: Quote, payers: list[Household], totals: _Totals,
             steps: Steps) -> tuple[dict[str, Fraction], str]:
    method: Method = quote.method
    if isinstance(method, Coefficients):
        unused = sorted(f for f in method.by_floor if f > quote.storeys)
        if unused:
            note = (f"系数表中的第 {'、'.join(map(str, unused))} 层在本单元（{quote.storeys} 层）不存在，未使用",
                    f"floors {', '.join(map(str, unused))} of the coefficients do not exist in this "
                    f"{quote.storeys}-storey unit and are not used")
            for h in payers:
                steps[h.id].append(note)
        return _by_coefficients(method.by_floor, method.weight_by_area, payers, totals, steps), "coefficients"
    if isinstance(method, Table):
        table = method.table if isinstance(method.table, CoefficientTable) else reference_table(method.table)
        note = (f"方法：{table.title_zh}（{table.source}；{table.date or '日期不详'}）",
                f"method: {table.title_en} ({table.source_en or table.source}; {table.date or 'undated'})")
        for h in payers:
            steps[h.id].append(note)
        by_floor = table.coefficients(quote.storeys, method.point)
        return _by_coefficients(by_floor, method.weight_by_area, payers, totals, steps), f"table:{table.name}"
    if isinstance(method, ByArea):
        area_of = {h.id: cast(Fraction, h.area) for h in payers}  # every payer has one: checked on validation
        area_sum = sum(area_of.values(), Fraction(0))
        for h in payers:
            area = area_of[h.id]
            steps[h.id].append((
                f"按面积（民法典第283条）：面积 {format_ratio(area)} ÷ 合计面积 {format_ratio(area_sum)} × 净额 "
                f"{format_yuan(totals.net)} = {format_yuan_exact(totals.net * area / area_sum)}",
                f"by area (Civil Code art. 283): area {format_ratio(area)} m² ÷ total {format_ratio(area_sum)} m² × net "
                f"{format_yuan(totals.net)} = {format_yuan_exact(totals.net * area / area_sum)}",
            ))
        return {h.id: Fraction(area_of[h.id]) for h in payers}, "area"
    assert isinstance(method, (Shapley, Nucleolus))
    return _airport(quote, method, payers, totals, steps)


def _by_coefficients(by_floor: Mapping[int, Fraction], by_area: bool, payers: list[Household],
                     totals: _Totals, steps: Steps) -> dict[str, Fraction]:
    weights = {}
    for h in payers:
        k = Fraction(by_floor.get(h.floor, 0))
        weights[h.id] = k * h.area if by_area else k  # type: ignore[operator]
    total = sum(weights.values(), Fraction(0))
    for h in payers:
        k = Fraction(by_floor.get(h.floor, 0))
        exact = totals.net * weights[h.id] / total if total else Fraction(0)
        area_zh = f" × 面积 {format_ratio(h.area)}" if by_area else ""  # type: ignore[arg-type]
        area_en = f" × area {format_ratio(h.area)} m²" if by_area else ""  # type: ignore[arg-type]
        steps[h.id].append((
            f"系数 {format_ratio(k)}{area_zh} ÷ 合计 {format_ratio(total)} × 净额 {format_yuan(totals.net)} "
            f"= {format_yuan_exact(exact)}",
            f"coefficient {format_ratio(k)}{area_en} ÷ total {format_ratio(total)} × net {format_yuan(totals.net)} "
            f"= {format_yuan_exact(exact)}",
        ))
    return weights


def _airport(quote: Quote, method: Shapley | Nucleolus, payers: list[Household], totals: _Totals,
             steps: Steps) -> tuple[dict[str, Fraction], str]:
    if not payers:
        return {}, "shapley" if isinstance(method, Shapley) else "nucleolus"
    reach = method.reach_costs
    lowest = min(reach)
    players = {h.id: h.floor for h in payers}
    top = max(players.values())
    level = {f: Fraction(reach[f] if f >= lowest else 0) for f in set(players.values())}
    notes: list[tuple[str, str]] = []
    if level[top] != totals.gross:
        extra = totals.gross - level[top]
        notes.append((f"最高参与楼层为 {top} 层，其上的费用 {format_yuan_exact(extra)} 计入最高一段",
                      f"the highest paying floor is {top}; the cost above it ({format_yuan_exact(extra)}) "
                      "is added to the top segment"))
        level[top] = Fraction(totals.gross)
    if totals.compensation:
        notes.append((f"补偿 {format_yuan(totals.compensation)} 计入最低一段（共同部分）",
                      f"compensation {format_yuan(totals.compensation)} is added to the lowest (common) segment"))
        level = {f: c + totals.compensation for f, c in level.items()}
    common_first = quote.subsidy_mode == "common_first"
    if common_first and totals.subsidy:
        notes.append((f"补贴 {format_yuan(totals.subsidy)} 先抵减最低的分段（共同部分）",
                      f"subsidy {format_yuan(totals.subsidy)} pays the lowest (common) segments first"))
        level = {f: max(Fraction(0), c - totals.subsidy) for f, c in level.items()}
    areas = {h.id: Fraction(h.area) for h in payers} if method.weight_by_area else None  # type: ignore[arg-type]
    if isinstance(method, Shapley):
        values = _shapley_steps(players, level, areas, steps)
        label = "shapley"
    else:
        values = _nucleolus_steps(players, level, areas, steps)
        label = "nucleolus"
    game_total = sum(values.values(), Fraction(0))
    for h in payers:
        steps[h.id][0:0] = notes
        if game_total != totals.net and game_total:
            exact = values[h.id] * totals.net / game_total
            steps[h.id].append((
                f"按比例扣除补贴：{format_yuan_exact(values[h.id])} × 净额 {format_yuan(totals.net)} ÷ "
                f"{format_yuan_exact(game_total)} = {format_yuan_exact(exact)}",
                f"subsidy applied in proportion: {format_yuan_exact(values[h.id])} × net {format_yuan(totals.net)} ÷ "
                f"{format_yuan_exact(game_total)} = {format_yuan_exact(exact)}",
            ))
    return values, label


def _floor_name(floor: int, zh: bool) -> str:
    if floor == 0:
        return "地面" if zh else "ground"
    return f"{floor} 层" if zh else f"{floor}F"


def _shapley_steps(players: Mapping[str, int], level: Mapping[int, Fraction],
                   areas: Mapping[str, Fraction] | None, steps: Steps) -> dict[str, Fraction]:
    parts = games.shapley(players, level, areas)
    values = {}
    for player, player_parts in parts.items():
        steps[player].append((
            "方法：机场博弈 Shapley 值，每段费用由需要该段的住户" + ("按面积" if areas else "平均") + "分摊",
            "method: Shapley value of the airport game; each segment's cost is split "
            + ("by area" if areas else "equally") + " among the households that need it",
        ))
        for number, part in enumerate(player_parts, start=1):
            seg = part.segment
            span_zh = f"第 {number} 段（{_floor_name(seg.low, True)}→{_floor_name(seg.high, True)}）"
            span_en = f"segment {number} ({_floor_name(seg.low, False)}→{_floor_name(seg.high, False)})"
            if areas is None:
                zh = f"{span_zh}：{format_yuan_exact(seg.cost)} ÷ {len(seg.users)} 户 = {format_yuan_exact(part.amount)}"
                en = f"{span_en}: {format_yuan_exact(seg.cost)} ÷ {len(seg.users)} households = " \
                     f"{format_yuan_exact(part.amount)}"
            else:
                zh = (f"{span_zh}：{format_yuan_exact(seg.cost)} × 面积 {format_ratio(part.weight)} ÷ 合计面积 "
                      f"{format_ratio(seg.user_weight)} = {format_yuan_exact(part.amount)}")
                en = (f"{span_en}: {format_yuan_exact(seg.cost)} × area {format_ratio(part.weight)} m² ÷ total "
                      f"{format_ratio(seg.user_weight)} m² = {format_yuan_exact(part.amount)}")
            steps[player].append((zh, en))
        values[player] = sum((part.amount for part in player_parts), Fraction(0))
        if len(player_parts) > 1:
            steps[player].append((f"各段合计 {format_yuan_exact(values[player])}",
                                  f"sum of segments {format_yuan_exact(values[player])}"))
    return values


def _nucleolus_steps(players: Mapping[str, int], level: Mapping[int, Fraction],
                     areas: Mapping[str, Fraction] | None, steps: Steps) -> dict[str, Fraction]:
    each, rounds = games.nucleolus(players, level)
    round_of = {floor: (number, r) for number, r in enumerate(rounds, start=1) for floor in r.floors}
    values = dict(each)
    for player, floor in players.items():
        number, r = round_of[floor]
        steps[player].append((
            "方法：机场博弈核仁（nucleolus）：逐轮使最吃亏的住户组合节省得尽可能多",
            "method: nucleolus of the airport game: round by round, the worst-off group of households saves as much "
            "as possible",
        ))
        steps[player].append((
            f"第 {number} 轮：(到 {r.binding_floor} 层费用 {format_yuan_exact(r.binding_cost)} − 已分配 "
            f"{format_yuan_exact(r.fixed_before)}) ÷ {r.divisor} = 每户 {format_yuan_exact(r.each)}",
            f"round {number}: (cost to floor {r.binding_floor} {format_yuan_exact(r.binding_cost)} − already assigned "
            f"{format_yuan_exact(r.fixed_before)}) ÷ {r.divisor} = {format_yuan_exact(r.each)} each",
        ))
    if areas is not None:
        for player, floor in players.items():
            mates = [p for p, f in players.items() if f == floor]
            floor_total = each[player] * len(mates)
            floor_area = sum((areas[p] for p in mates), Fraction(0))
            values[player] = floor_total * areas[player] / floor_area
            steps[player].append((
                f"本层合计 {format_yuan_exact(floor_total)} × 面积 {format_ratio(areas[player])} ÷ 本层面积 "
                f"{format_ratio(floor_area)} = {format_yuan_exact(values[player])}",
                f"floor total {format_yuan_exact(floor_total)} × area {format_ratio(areas[player])} m² ÷ floor area "
                f"{format_ratio(floor_area)} m² = {format_yuan_exact(values[player])}",
            ))
    return values


def _net_step(totals: _Totals) -> tuple[str, str]:
    comp_zh = f" + 补偿 {format_yuan(totals.compensation)}" if totals.compensation else ""
    comp_en = f" + compensation {format_yuan(totals.compensation)}" if totals.compensation else ""
    return (
        f"费用合计 {format_yuan(totals.gross)} − 补贴 {format_yuan(totals.subsidy)}{comp_zh} = 净额 {format_yuan(totals.net)}",
        f"costs {format_yuan(totals.gross)} − subsidies {format_yuan(totals.subsidy)}{comp_en} = net {format_yuan(totals.net)}",
    )


def _rounding_step(quota: Fraction, amount: int, bumped: bool) -> tuple[str, str]:
    if quota.denominator == 1:
        return (f"应付 {format_yuan(amount)}", f"pays {format_yuan(amount)}")
    extra_zh = "，分得余下的 1 分" if bumped else ""
    extra_en = ", receives one leftover fen" if bumped else ""
    return (
        f"最大余数法取整到分：{format_yuan_exact(quota)} → {format_yuan(amount)}{extra_zh}",
        f"largest-remainder rounding to the fen: {format_yuan_exact(quota)} → {format_yuan(amount)}{extra_en}",
    )
