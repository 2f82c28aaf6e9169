"""The JSON contract of `anju costshare`: parse and check an input document, render an allocation."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from anju.domain.errors import DomainError

from .model import (
    Allocation,
    ByArea,
    Coefficients,
    Compensation,
    Household,
    LineItem,
    Method,
    Nucleolus,
    Quote,
    Shapley,
    Table,
)
from .money import plain_yuan, to_fen, to_ratio

_TOP_KEYS = {"storeys", "households", "costs", "subsidies", "subsidy_mode", "method", "compensations"}
_HOUSEHOLD_KEYS = {"id", "floor", "area", "participates", "exempt", "owner"}
_METHOD_KEYS = {
    "coefficients": {"kind", "by_floor", "weight_by_area"},
    "table": {"kind", "table", "weight_by_area", "point"},
    "area": {"kind"},
    "shapley": {"kind", "reach_costs", "weight_by_area"},
    "nucleolus": {"kind", "reach_costs", "weight_by_area"},
}


def quote_from_json(data: object) -> Quote:
    """Check a parsed JSON document against the contract of issue 4 §2 and build a Quote.

    Amounts are 元 as strings (or integers) with at most 2 decimals; DomainError names the first bad field.
    """
    doc = _object(data, "input", _TOP_KEYS)
    for required in ("storeys", "households", "costs", "method"):
        if required not in doc:
            raise DomainError(f"缺少字段 {required}", f"missing field {required}", field=required)
    storeys = _integer(doc["storeys"], "storeys")
    households = tuple(_household(item, f"households[{i}]") for i, item in enumerate(_list(doc["households"], "households")))
    costs = _line_items(doc["costs"], "costs")
    subsidies = _line_items(doc.get("subsidies", []), "subsidies")
    compensations = tuple(
        _compensation(item, f"compensations[{i}]")
        for i, item in enumerate(_list(doc.get("compensations", []), "compensations"))
    )
    mode = doc.get("subsidy_mode", "proportional")
    if mode not in ("proportional", "common_first"):
        raise DomainError(f"补贴方式应为 proportional 或 common_first：{mode!r}",
                          f"subsidy_mode must be proportional or common_first: {mode!r}", field="subsidy_mode")
    return Quote(storeys=storeys, households=households, costs=costs, subsidies=subsidies,
                 compensations=compensations, subsidy_mode=mode, method=_method(doc["method"]))


def allocation_to_json(allocation: Allocation, language: str = "zh-hans") -> dict[str, Any]:
    """The output document: amounts as strings in 元 with two decimals, shares in input order."""
    return {
        "gross": plain_yuan(allocation.gross),
        "subsidy": plain_yuan(allocation.subsidy),
        "compensation": plain_yuan(allocation.compensation),
        "net": plain_yuan(allocation.net),
        "method": allocation.method,
        "shares": [
            {
                "id": share.household_id,
                "floor": share.floor,
                "amount": plain_yuan(share.amount),
                "percent": plain_yuan(share.percent_bp),
                "compensation": plain_yuan(share.compensation),
                "steps": list(share.steps(language)),
            }
            for share in allocation.shares
        ],
    }


def _object(value: object, path: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise DomainError(f"{path} 应为 JSON 对象", f"{path} must be a JSON object", field=path)
    for key in value:
        if key not in allowed:
            raise DomainError(f"未知字段 {key!r}；可用：{', '.join(sorted(allowed))}",
                              f"unknown field {key!r}; allowed: {', '.join(sorted(allowed))}",
                              field=key if path == "input" else f"{path}.{key}")
    return value


def _list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise DomainError(f"{path} 应为列表", f"{path} must be a list", field=path)
    return value


def _integer(value: object, path: str) -> int:
    if isinstance(value, bool):
        raise DomainError(f"{path} 应为整数：{value!r}", f"{path} must be an integer: {value!r}", field=path)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise DomainError(f"{path} 应为整数：{value!r}", f"{path} must be an integer: {value!r}", field=path)


def _boolean(value: object, path: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(f"{path} 应为 true 或 false：{value!r}", f"{path} must be true or false: {value!r}", field=path)
    return value


def _text(value: object, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
        raise DomainError(f"{path} 应为非空文字：{value!r}", f"{path} must be non-empty text: {value!r}", field=path)
    return str(value)


def _household(value: object, path: str) -> Household:
    doc = _object(value, path, _HOUSEHOLD_KEYS)
    for required in ("id", "floor"):
        if required not in doc:
            raise DomainError(f"缺少字段 {path}.{required}", f"missing field {path}.{required}", field=f"{path}.{required}")
    area = doc.get("area")
    return Household(
        id=_text(doc["id"], f"{path}.id"),
        floor=_integer(doc["floor"], f"{path}.floor"),
        area=None if area is None else to_ratio(area, field=f"{path}.area", what_zh="面积", what_en="area"),
        participates=_boolean(doc.get("participates", True), f"{path}.participates"),
        exempt=_boolean(doc.get("exempt", False), f"{path}.exempt"),
        owner=None if doc.get("owner") is None else _text(doc["owner"], f"{path}.owner"),
    )


def _line_items(value: object, path: str) -> tuple[LineItem, ...]:
    items = []
    for index, item in enumerate(_list(value, path)):
        doc = _object(item, f"{path}[{index}]", {"name", "amount"})
        if "amount" not in doc:
            raise DomainError(f"缺少字段 {path}[{index}].amount", f"missing field {path}[{index}].amount",
                              field=f"{path}[{index}].amount")
        name = _text(doc.get("name", path), f"{path}[{index}].name")
        items.append(LineItem(name, to_fen(doc["amount"], field=f"{path}[{index}].amount")))
    return tuple(items)


def _compensation(value: object, path: str) -> Compensation:
    doc = _object(value, path, {"to", "amount"})
    for required in ("to", "amount"):
        if required not in doc:
            raise DomainError(f"缺少字段 {path}.{required}", f"missing field {path}.{required}", field=f"{path}.{required}")
    return Compensation(_text(doc["to"], f"{path}.to"), to_fen(doc["amount"], field=f"{path}.amount"))


def _floor_map(value: object, path: str) -> dict[int, object]:
    doc = _object(value, path, set(value) if isinstance(value, dict) else set())
    result: dict[int, object] = {}
    for key, item in doc.items():
        result[_integer(key, f"{path}.{key}")] = item
    return result


def _method(value: object) -> Method:
    if not isinstance(value, dict) or "kind" not in value:
        raise DomainError("method 应为带 kind 的对象", "method must be an object with a kind", field="method.kind")
    kind = value["kind"]
    if kind not in _METHOD_KEYS:
        raise DomainError(f"未知分摊方法 {kind!r}；可选：{', '.join(_METHOD_KEYS)}",
                          f"unknown method kind {kind!r}; known: {', '.join(_METHOD_KEYS)}", field="method.kind")
    doc = _object(value, "method", _METHOD_KEYS[kind])
    by_area = _boolean(doc.get("weight_by_area", False), "method.weight_by_area")
    if kind == "area":
        return ByArea()
    if kind == "table":
        if not isinstance(doc.get("table"), str):
            raise DomainError("method.table 应为参考表名称", "method.table must be a table name", field="method.table")
        point = doc.get("point", "mid")
        if point not in ("low", "mid", "high"):
            raise DomainError("method.point 应为 low、mid 或 high", "method.point must be low, mid or high",
                              field="method.point")
        return Table(doc["table"], weight_by_area=by_area, point=point)  # type: ignore[arg-type]
    if kind == "coefficients":
        if "by_floor" not in doc:
            raise DomainError("缺少字段 method.by_floor", "missing field method.by_floor", field="method.by_floor")
        by_floor: dict[int, Fraction] = {
            floor: to_ratio(item, field=f"method.by_floor.{floor}", what_zh="系数", what_en="coefficient")
            for floor, item in _floor_map(doc["by_floor"], "method.by_floor").items()
        }
        return Coefficients(by_floor, weight_by_area=by_area)
    if "reach_costs" not in doc:
        raise DomainError("缺少字段 method.reach_costs", "missing field method.reach_costs", field="method.reach_costs")
    reach = {
        floor: to_fen(item, field=f"method.reach_costs.{floor}")
        for floor, item in _floor_map(doc["reach_costs"], "method.reach_costs").items()
    }
    return (Shapley if kind == "shapley" else Nucleolus)(reach, weight_by_area=by_area)
