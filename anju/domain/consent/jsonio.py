"""The JSON contract of `anju consent`: parse and check an input document, render a result (issue 5 §1).

Input::

    {"rule": "civil-code-278-major" | "civil-code-278-ordinary" | {
         "participation": {"area": "2/3", "count": "2/3", "strict": false} | null,
         "approval": {"area": "3/4" | null, "count": "3/4" | null, "of": "participants" | "all",
                      "strict": false} | null,
         "headcount": "owners" | "households"},
     "households": [{"id": "101", "area": "60.5", "owner": "p1", "vote": "yes" | "no" | "abstain" | null}],
     "extra": [{"type": "no_objection" | "all_approve", "households": ["101"], "name": "..."}],
     "closed": false}

Bounds are "2/3", "0.9" or "90%"; `strict` true means "more than" (过半数), false "at least" (以上).
`owner`, `vote`, `extra`, `closed` and `headcount` may be left out. Output: `passed`, `conditions`
(name, value such as "690/900", required such as ">= 2/3", met, ratio, margin, slack, unit),
`missing` (null when passed) and `tally`. Invalid input exits 2 with a message naming the field on
stderr and nothing on stdout.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from anju.domain.consent import (
    RULES,
    AllApprove,
    ConditionResult,
    ExtraCondition,
    Household,
    Missing,
    NoObjection,
    Result,
    Rule,
    Share,
    Tally,
    Threshold,
    evaluate,
    format_decimal,
)
from anju.domain.errors import DomainError


def _bad(field: str, zh: str, en: str) -> DomainError:
    return DomainError(zh, en, field=field)


def _object(value: Any, field: str, allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _bad(field, f"{field} 须为对象", f"{field} must be an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _bad(f"{field}.{unknown[0]}", f"{field} 中有未知字段 {unknown[0]}",
                   f"Unknown field {unknown[0]!r} in {field} (allowed: {', '.join(sorted(allowed))})")
    missing = sorted(required - set(value))
    if missing:
        raise _bad(f"{field}.{missing[0]}", f"{field} 缺少字段 {missing[0]}", f"{field} lacks the field {missing[0]!r}")
    return value


def _fraction(value: Any, field: str) -> Fraction | None:
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise ValueError
        if isinstance(value, str) and value.strip().endswith("%"):
            return Fraction(value.strip()[:-1]) / 100
        return Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise _bad(field, f"{field} 不是有效比例：{value!r}（如 \"2/3\"、\"0.9\"、\"90%\"）",
                   f"{field} is not a valid fraction: {value!r} (write \"2/3\", \"0.9\" or \"90%\")") from None


def _bool(value: Any, field: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _bad(field, f"{field} 须为 true 或 false", f"{field} must be true or false")
    return value


def _threshold(group: Mapping[str, Any], key: str, field: str, strict: bool) -> Threshold | None:
    bound = _fraction(group.get(key), f"{field}.{key}")
    if bound is None:
        return None
    try:
        return Threshold(bound, strict)
    except DomainError as error:
        raise _bad(f"{field}.{key}", error.zh, error.en) from None


def parse_rule(value: Any) -> Rule:
    if isinstance(value, str):
        if value not in RULES:
            raise _bad("rule", f"未知规则 {value!r}", f"Unknown rule {value!r} (use {' or '.join(RULES)} or an object)")
        return RULES[value]
    spec = _object(value, "rule", {"participation", "approval", "headcount"})
    part = spec.get("participation")
    part = {} if part is None else _object(part, "rule.participation", {"area", "count", "strict"})
    appr = spec.get("approval")
    appr = {} if appr is None else _object(appr, "rule.approval", {"area", "count", "of", "strict"})
    part_strict = _bool(part.get("strict"), "rule.participation.strict", False)
    appr_strict = _bool(appr.get("strict"), "rule.approval.strict", False)
    of = appr.get("of", "participants")
    headcount = spec.get("headcount", "owners")
    if of not in ("participants", "all"):
        raise _bad("rule.approval.of", f"rule.approval.of 只能是 participants 或 all：{of!r}",
                   f"rule.approval.of must be 'participants' or 'all', not {of!r}")
    if headcount not in ("owners", "households"):
        raise _bad("rule.headcount", f"rule.headcount 只能是 owners 或 households：{headcount!r}",
                   f"rule.headcount must be 'owners' or 'households', not {headcount!r}")
    return Rule(
        "custom",
        _threshold(part, "area", "rule.participation", part_strict),
        _threshold(part, "count", "rule.participation", part_strict),
        _threshold(appr, "area", "rule.approval", appr_strict),
        _threshold(appr, "count", "rule.approval", appr_strict),
        of, headcount,
    )


def _households(value: Any) -> list[Household]:
    if not isinstance(value, list):
        raise _bad("households", "households 须为列表", "households must be a list")
    households = []
    for i, row in enumerate(value):
        field = f"households[{i}]"
        row = _object(row, field, {"id", "area", "owner", "vote"}, {"id", "area"})
        hid, owner, area = row["id"], row.get("owner"), row["area"]
        if isinstance(hid, bool) or not isinstance(hid, str | int) or str(hid) == "":
            raise _bad(f"{field}.id", f"{field}.id 须为非空字符串", f"{field}.id must be a non-empty string")
        if owner is not None and (isinstance(owner, bool) or not isinstance(owner, str | int)):
            raise _bad(f"{field}.owner", f"{field}.owner 须为字符串或 null", f"{field}.owner must be a string or null")
        try:
            if isinstance(area, bool) or not isinstance(area, str | int | Decimal):
                raise InvalidOperation
            area = Decimal(area)
        except InvalidOperation:
            raise _bad(f"{field}.area", f"{field}.area 不是有效面积：{area!r}（单位 m²，如 \"60.5\"）",
                       f"{field}.area is not a valid area: {area!r} (m², e.g. \"60.5\")") from None
        vote = row.get("vote")
        if vote is not None and not isinstance(vote, str):
            vote = repr(vote)  # the engine names the field and the accepted values
        households.append(Household(str(hid), area, None if owner is None else str(owner), vote))  # type: ignore[arg-type]
    return households


def parse_extra(value: Any) -> list[ExtraCondition]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad("extra", "extra 须为列表", "extra must be a list")
    kinds: dict[str, type[NoObjection] | type[AllApprove]] = {"no_objection": NoObjection, "all_approve": AllApprove}
    conditions: list[ExtraCondition] = []
    for j, item in enumerate(value):
        field = f"extra[{j}]"
        item = _object(item, field, {"type", "households", "name"}, {"type", "households"})
        if item["type"] not in kinds:
            raise _bad(f"{field}.type", f"{field}.type 只能是 no_objection 或 all_approve",
                       f"{field}.type must be 'no_objection' or 'all_approve'")
        ids = item["households"]
        if not isinstance(ids, list) or not ids or not all(isinstance(h, str | int) for h in ids):
            raise _bad(f"{field}.households", f"{field}.households 须为非空户号列表",
                       f"{field}.households must be a non-empty list of household ids")
        name = item.get("name", item["type"])
        if not isinstance(name, str) or not name:
            raise _bad(f"{field}.name", f"{field}.name 须为非空字符串", f"{field}.name must be a non-empty string")
        conditions.append(kinds[item["type"]](frozenset(str(h) for h in ids), name))
    return conditions


def _share(s: Share) -> dict[str, Any]:
    return {"owners": s.owners, "households": s.households, "area": format_decimal(s.area)}


def _tally_json(t: Tally) -> dict[str, Any]:
    shares = {"total": t.total, "yes": t.yes, "no": t.no, "abstain": t.abstain, "not_voted": t.not_voted,
              "participants": t.participants}
    ratios = {"participation_area": t.participation_area, "participation_count": t.participation_count,
              "approval_area": t.approval_area, "approval_count": t.approval_count}
    return {**{k: _share(v) for k, v in shares.items()}, **{k: str(v) for k, v in ratios.items()}}


def _condition_json(c: ConditionResult) -> dict[str, Any]:
    return {"name": c.name, "value": c.value, "required": c.required, "met": c.met, "ratio": str(c.ratio),
            "margin": str(c.margin), "slack": format_decimal(c.slack), "unit": c.unit}


def _missing_json(m: Missing | None) -> dict[str, Any] | None:
    if m is None:
        return None
    plans = [{
        "source": p.source, "possible": p.possible, "votes": p.votes, "from_not_voted": p.from_not_voted,
        "from_changed": p.from_changed,
        "area_at_least": None if p.area_at_least is None else format_decimal(p.area_at_least),
        "must_include": list(p.must_include), "example": list(p.example), "zh": p.zh, "en": p.en,
    } for p in m.plans]
    return {"closed": m.closed, "zh": m.zh, "en": m.en, "plans": plans}


def evaluate_json(document: Any) -> dict[str, Any]:
    """Evaluate one parsed input document; raises `DomainError` naming the field that is wrong."""
    spec = _object(document, "input", {"rule", "households", "extra", "closed"}, {"rule", "households"})
    rule = parse_rule(spec["rule"]).with_extra(*parse_extra(spec.get("extra")))
    return result_json(evaluate(_households(spec["households"]), rule,
                                closed=_bool(spec.get("closed"), "closed", False)))


def result_json(result: Result) -> dict[str, Any]:
    """A `Result` as the CLI prints it: plain JSON values, fractions as strings, areas in m²."""
    return {
        "rule": result.rule.name,
        "passed": result.passed,
        "conditions": [_condition_json(c) for c in result.conditions],
        "missing": _missing_json(result.missing),
        "tally": _tally_json(result.tally),
    }
