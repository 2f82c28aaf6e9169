"""A committee over its term: when the term ends, where it stands, and the roles its members hold.

A term of N years (指导规则 art. 32: at most five; 上海 art. 20: three to five; 北京 art. 41: at most
five; an interim 物业管理委员会, 北京 art. 58: at most three) is counted as the Civil Code counts
periods: from the day after the election (art. 201) to the same date N years later, or the month's
last day when there is none (art. 202: elected on 29 February, the term ends on 28 February). At the end of its term the committee
no longer acts: the owners elect the next one (Civil Code art. 278 item (3)); staff see it coming
`ENDING_DAYS` ahead (our work list, not a figure of law) and the report the local rule asks for
(北京 art. 49: six months before; 上海 art. 28: five months) as its own deadline.

Roles: the committee's first meeting chooses one chair (主任) and vice-chairs (副主任) among the
members (指导规则 art. 32); an interim committee's chair is the residents' committee's
representative (北京 art. 54).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Literal

from anju.domain.errors import DomainError
from anju.domain.stewardship import deadlines
from anju.domain.stewardship.rulesets import RuleSet

DAY = datetime.timedelta(days=1)
ENDING_DAYS = 90  # the "换届" reminder: a term ending within this many days is on the work list
TermState = Literal["in_office", "ending", "expired"]

CHAIR, VICE, MEMBER = "chair", "vice", "member"
ROLES: dict[str, tuple[str, str]] = {CHAIR: ("主任", "chair"), VICE: ("副主任", "vice-chair"), MEMBER: ("委员", "member")}


def term_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a term of `years` from `start` (the same date `years` later, Civil Code arts. 201–202)."""
    if years < 1:
        raise DomainError("任期至少 1 年。", "A term is at least one year.", field="term_years")
    return deadlines.add_months(start, 12 * years)


def term_state(end: datetime.date, today: datetime.date, *, within: int = ENDING_DAYS) -> TermState:
    """In office, ending (its last day within `within` days, the day itself included), or expired."""
    if today > end:
        return "expired"
    return "ending" if (end - today).days <= within else "in_office"


def max_term_key(interim: bool) -> str:
    return "interim_committee_term_years_max" if interim else "committee_term_years_max"


def check_interim_term(rules: RuleSet, years: int, *, field: str = "term_years") -> None:
    """An interim committee's term: at most the rule set's figure (北京 art. 58), at least a year."""
    longest = rules.value("interim_committee_term_years_max")
    if years < 1:
        raise DomainError("任期至少 1 年。", "A term is at least one year.", field=field)
    if longest is not None and years > longest:
        source = rules.figure("interim_committee_term_years_max").source
        zh, en = (f"（{source.zh}）", f" ({source.en})") if source else ("", "")
        raise DomainError(f"物业管理委员会任期不超过 {longest} 年，现为 {years} 年{zh}。",
                          f"An interim committee serves at most {longest} years, not {years}{en}.", field=field)


def report_due(rules: RuleSet, end: datetime.date) -> datetime.date | None:
    """The latest day to report the coming end of term to the 街道, if the rule set asks for it."""
    if rules.value("term_end_report_months") is None:
        return None
    return deadlines.latest_before(rules, "term_end_report_months", end)


def check_roles(roles: Sequence[str], *, field: str = "roles") -> None:
    """One chair, vice-chairs fewer than the members who hold no office, every role known."""
    unknown = sorted(set(roles) - ROLES.keys())
    if unknown:
        raise DomainError("未知的职务。", "Unknown role.", field=field)
    chairs = sum(r == CHAIR for r in roles)
    if chairs != 1:
        raise DomainError(f"须推选 1 名主任，现为 {chairs} 名（《业主大会和业主委员会指导规则》第三十二条）。",
                          f"Choose exactly one chair, not {chairs} (Guiding Rules art. 32).", field=field)
    vices = sum(r == VICE for r in roles)
    if vices and vices >= len(roles) - 1:
        raise DomainError("副主任人数过多：除主任外至少应有 1 名委员不担任职务。",
                          "Too many vice-chairs: at least one member holds no office.", field=field)


def reminder_days(rules: RuleSet, end: datetime.date) -> int:
    """How many days before the term ends the re-election shows on the work list: `ENDING_DAYS`, or,
    where the rule set asks for a report months ahead (北京 art. 49: six), `ENDING_DAYS` before that
    report is due, so the committee is reminded in time to make it."""
    report = report_due(rules, end)
    return ENDING_DAYS if report is None else (end - report).days + ENDING_DAYS


def check_interim_officers(rules: RuleSet, *, chair_represents_residents: bool, vices_are_owners: Sequence[bool],
                           field: str = "chair") -> None:
    """北京 art. 54 para. 2: an interim committee's chair is the residents' (villagers') committee's
    representative, its vice-chair one owner representative that committee designates."""
    if not rules.value("interim_committee_chair_residents"):
        return
    source = rules.figure("interim_committee_chair_residents").source
    zh, en = (f"（{source.zh}）", f" ({source.en})") if source else ("", "")
    if not chair_represents_residents:
        raise DomainError(f"物业管理委员会主任由居民委员会（村民委员会）代表担任{zh}。",
                          f"The interim committee's chair is the residents' committee's representative{en}.", field=field)
    if len(vices_are_owners) > 1 or not all(vices_are_owners):
        raise DomainError(f"物业管理委员会副主任由居民委员会指定一名业主代表担任{zh}。",
                          f"The vice-chair is one owner representative designated by the residents' committee{en}.",
                          field=field)


def next_meeting_due(rules: RuleSet, last: datetime.date) -> datetime.date | None:
    """The latest day for the next regular meeting after `last` (北京 art. 45: at least every two
    months), if the rule set sets an interval."""
    months = rules.value("committee_meeting_interval_months")
    if not isinstance(months, int) or isinstance(months, bool):
        return None
    return deadlines.add_months(last, months)
