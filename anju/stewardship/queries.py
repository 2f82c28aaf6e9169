"""Reads of 长效管理: the rule set in force, coverage at every level, and the work lists.

Coverage counts a compound as managed when its open management is anything but 无人管理; its
households and exclusive area come from the roster in one grouped query, so the figures equal
the rows the drill-down lists.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from anju.consultations import services as consultation_services
from anju.core.scoping import Scope
from anju.domain.stewardship import deadlines, rulesets, term
from anju.domain.stewardship.deadlines import Due
from anju.domain.stewardship.rulesets import RuleSet
from anju.roster.models import Compound, Household, Ownership
from anju.stewardship import queries_disclosure
from anju.stewardship.models import (
    Committee,
    CommitteeChange,
    CommitteeMember,
    Contract,
    EmergencyCase,
    FormationCase,
    Management,
    Mode,
    PartyLink,
    RuleSetVersion,
)

ENDING_WITHIN_DAYS = 90  # the work list of contracts to renew or re-tender (Civil Code art. 947's notice)


def current_version(subdistrict_id: int) -> RuleSetVersion | None:
    return RuleSetVersion.objects.filter(subdistrict_id=subdistrict_id).order_by("-version").first()


def rules_of(version: RuleSetVersion | None) -> RuleSet:
    """The domain rule set of a stored version: its base, with its adjustments replayed."""
    if version is None:
        return rulesets.shipped("national")
    rules = rulesets.shipped(version.base)
    if version.changes:
        rules = rulesets.adjust(rules, version.changes, reason=version.reason or "-")
    return RuleSet(rules.key, rules.zh, rules.en, rules.figures, version.version, rules.base, rules.changes,
                   version.reason)


def rules_for(subdistrict_id: int | None) -> RuleSet:
    """The rule set the sub-district follows (the national default until it picks one)."""
    return rules_of(current_version(subdistrict_id) if subdistrict_id else None)


@dataclass
class Coverage:
    """Compounds, households and exclusive area (m²), in all and under some management."""

    compounds: int = 0
    households: int = 0
    area: Decimal = field(default_factory=lambda: Decimal("0.00"))
    managed_compounds: int = 0
    managed_households: int = 0
    managed_area: Decimal = field(default_factory=lambda: Decimal("0.00"))
    by_mode: dict[str, int] = field(default_factory=dict)

    def add(self, households: int, area: Decimal, mode: str | None) -> None:
        self.compounds += 1
        self.households += households
        self.area += area
        key = mode or Mode.NONE
        self.by_mode[key] = self.by_mode.get(key, 0) + 1
        if key != Mode.NONE:
            self.managed_compounds += 1
            self.managed_households += households
            self.managed_area += area


def open_managements(scope: Scope) -> QuerySet[Management]:
    return Management.objects.within(scope).filter(until__isnull=True).select_related("company")


@dataclass(frozen=True)
class CompoundRow:
    compound: Compound
    households: int
    area: Decimal  # exclusive area, m²
    current: Management | None  # the open management, if any

    @property
    def managed(self) -> bool:
        return self.current is not None and self.current.mode != Mode.NONE


def compound_rows(scope: Scope, *, community_id: int | None = None) -> list[CompoundRow]:
    """Compounds in scope with their households, exclusive area and open management (two queries)."""
    compounds = (Compound.objects.within(scope).select_related("community")
                 .annotate(households_n=Count("households", distinct=True), area_m2=Sum("households__exclusive_area"))
                 .prefetch_related(Prefetch("managements", queryset=Management.objects.filter(until__isnull=True)
                                            .select_related("company"), to_attr="current"))
                 .order_by("community__name", "name"))
    if community_id:
        compounds = compounds.filter(community_id=community_id)
    rows = []
    for c in compounds:
        annotated: Any = c  # households_n, area_m2 and current are added by the query above
        rows.append(CompoundRow(c, annotated.households_n, (annotated.area_m2 or Decimal(0)).quantize(Decimal("0.01")),
                                next(iter(annotated.current), None)))
    return rows


def coverage(scope: Scope) -> tuple[Coverage, list[tuple[int, str, Coverage]]]:
    """The total and one row per community (id, name, figures), communities by name."""
    total: Coverage = Coverage()
    rows: defaultdict[int, Coverage] = defaultdict(Coverage)
    names: dict[int, str] = {}
    for row in compound_rows(scope):
        mode = row.current.mode if row.current else None
        total.add(row.households, row.area, mode)
        rows[row.compound.community_id].add(row.households, row.area, mode)
        names[row.compound.community_id] = row.compound.community.name
    return total, [(cid, names[cid], rows[cid]) for cid in sorted(rows, key=lambda c: names[c])]


def unmanaged(scope: Scope, *, community_id: int | None = None) -> list[CompoundRow]:
    """Compounds without a manager (no open management, or 无人管理): the first work list."""
    return [r for r in compound_rows(scope, community_id=community_id) if not r.managed]


def contracts_ending(scope: Scope, today: datetime.date, *, within: int = ENDING_WITHIN_DAYS) -> QuerySet[Contract]:
    """Contracts whose service ends within `within` days (not terminated), soonest first."""
    return (Contract.objects.within(scope).filter(terminated_on__isnull=True, ends_on__gte=today,
                                                  ends_on__lte=today + datetime.timedelta(days=within))
            .select_related("compound", "company").order_by("ends_on", "pk"))


@dataclass(frozen=True)
class Unfiled:
    contract: Contract
    due: Due | None  # None: the rule set sets no filing deadline


def unfiled_contracts(scope: Scope, rules: RuleSet, today: datetime.date) -> list[Unfiled]:
    """Contracts in force or to come that are not filed, with their filing deadline (most overdue first)."""
    contracts = (Contract.objects.within(scope).filter(filed_on__isnull=True, terminated_on__isnull=True)
                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today)).select_related("compound", "company"))
    rows = [Unfiled(c, filing_due(rules, c, today)) for c in contracts]
    return sorted(rows, key=lambda r: (r.due is None, r.due.deadline if r.due else datetime.date.max, r.contract.pk))


def filing_due(rules: RuleSet, contract: Contract, today: datetime.date) -> Due | None:
    if rules.value("contract_filing_days") is None:
        return None
    deadline = deadlines.deadline_after(rules, "contract_filing_days", contract.signed_on)
    return deadlines.due(deadline, today, contract.filed_on)


def contracts_of(compound: Compound) -> QuerySet[Contract]:
    return compound.contracts.select_related("company").order_by("-starts_on", "-pk")


def managements_of(compound: Compound) -> QuerySet[Management]:
    return compound.managements.select_related("company").order_by("-since", "-pk")


def households_in(compound: Compound) -> int:
    return Household.objects.filter(compound=compound).count()


# --- forming the owners' assembly -----------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """The applicants' owners and area against the whole compound (counted as art. 278 counts owners)."""

    owners: int
    owners_total: int
    area: Decimal
    area_total: Decimal

    @property
    def owner_ratio(self) -> Fraction:
        return Fraction(self.owners, self.owners_total) if self.owners_total else Fraction(0)

    @property
    def area_ratio(self) -> Fraction:
        return Fraction(self.area) / Fraction(self.area_total) if self.area_total else Fraction(0)


def owner_key_of(compound: Compound) -> dict[int, str]:
    """Household id → owner key for every household of the compound (SPC interpretation art. 9, as the
    consultations freeze their electorates); a household with no registered owner is its own owner."""
    owners: dict[int, list[int]] = defaultdict(list)
    for hid, pid in Ownership.objects.filter(household__compound=compound).values_list("household_id", "person_id"):
        owners[hid].append(pid)
    keys = consultation_services.owner_keys({hid: sorted(ids) for hid, ids in owners.items()})
    return {hid: keys.get(hid, f"h{hid}") for hid in Household.objects.filter(compound=compound).values_list("pk", flat=True)}


def application_share(case: FormationCase) -> Share:
    keys = owner_key_of(case.compound)
    areas = dict(Household.objects.filter(compound=case.compound).values_list("pk", "exclusive_area"))
    applied = set(case.applicants.values_list("household_id", flat=True))
    return Share(len({keys[h] for h in applied}), len(set(keys.values())),
                 sum((areas[h] for h in applied), Decimal(0)), sum(areas.values(), Decimal(0)))


def is_owner(person_id: int, compound: Compound) -> bool:
    return Ownership.objects.filter(person_id=person_id, household__compound=compound).exists()


@dataclass(frozen=True)
class Step:
    key: str
    zh: str
    en: str
    done_on: datetime.date | None
    due: Due | None  # None: the rule set sets no deadline, or the step it counts from has not happened
    figure: str | None  # the rule set figure behind the deadline


# (field, zh, en, figure, counted from, "after" or "before"): the case as a timeline.
STEPS = (
    ("applied_on", "业主申请成立业主大会", "Owners apply", None, None, "after"),
    ("reviewed_on", "街道审核申请", "The sub-district reviews the application", "application_review_days", "applied_on", "after"),
    ("group_formed_on", "成立筹备组", "The preparatory group is formed", "prep_group_formation_days", "reviewed_on", "after"),
    ("group_published_on", "公示筹备组成员名单", "The group's members are published", "prep_group_publicity_days",
     "group_formed_on", "after"),
    ("publicity_on", "会前公示（管理规约、议事规则草案、候选人名单）",
     "Publicity before the meeting (covenant, rules of procedure, candidates)", "first_assembly_publicity_days",
     "assembly_planned_on", "before"),
    ("elected_on", "召开首次业主大会会议，选举业主委员会", "First assembly meeting elects the committee",
     "first_assembly_within_days", "group_formed_on", "after"),
    ("result_published_on", "公告选举结果", "Publish the election result", "decision_publicity_days", "elected_on",
     "after"),
    ("first_meeting_on", "业主委员会首次会议（推选主任、副主任）", "The committee's first meeting (chair, vice-chair)",
     "committee_first_meeting_days", "elected_on", "after"),
    ("filed_on", "向街道和区房管部门备案", "Filing with the sub-district and the district", "committee_filing_days",
     "elected_on", "after"),
)


def case_timeline(case: FormationCase, rules: RuleSet, today: datetime.date) -> list[Step]:
    """Every step with the day it happened and its statutory deadline, shown as due / overdue."""
    steps = []
    for field_name, zh, en, figure, start_field, direction in STEPS:
        done = getattr(case, field_name)
        start = getattr(case, start_field) if start_field else None
        due = None
        if figure and start is not None and rules.value(figure) is not None:
            when = (deadlines.deadline_after(rules, figure, start) if direction == "after"
                    else deadlines.latest_before(rules, figure, start))
            due = deadlines.due(when, today, done)
        steps.append(Step(field_name, zh, en, done, due, figure))
    return steps


def open_cases(scope: Scope) -> QuerySet[FormationCase]:
    return FormationCase.objects.within(scope).filter(closed=False).select_related("compound").order_by("applied_on")


# --- the committee over its term ------------------------------------------------------------------


def filing_key(committee: Committee) -> str:
    """The figure for filing this committee: an elected one (条例 art. 16) or an interim one (北京 art. 55)."""
    return "interim_committee_filing_days" if committee.interim else "committee_filing_days"


def committee_filing_due(rules: RuleSet, committee: Committee, today: datetime.date) -> Due | None:
    key = filing_key(committee)
    if rules.value(key) is None:
        return None
    return deadlines.due(deadlines.deadline_after(rules, key, committee.elected_on), today, committee.filed_on)


def change_filing_due(rules: RuleSet, change: CommitteeChange, today: datetime.date) -> Due | None:
    if rules.value("committee_change_filing_days") is None:
        return None
    return deadlines.due(deadlines.deadline_after(rules, "committee_change_filing_days", change.on), today,
                         change.filed_on)


@dataclass(frozen=True)
class Deadline:
    """One statutory deadline of a committee, with the figure (and so the article) behind it."""

    key: str
    zh: str
    en: str
    due: Due
    figure: str | None  # None: our own reminder, not a figure of law


def committee_deadlines(committee: Committee, rules: RuleSet, today: datetime.date) -> list[Deadline]:
    """The first meeting, the filing, each change's filing, the end-of-term report and the term itself."""
    out: list[Deadline] = []
    if not committee.interim and rules.value("committee_first_meeting_days") is not None:
        when = deadlines.deadline_after(rules, "committee_first_meeting_days", committee.elected_on)
        out.append(Deadline("first_meeting", "召开首次会议，推选主任、副主任", "First meeting: choose the chair and vice-chairs",
                            deadlines.due(when, today, committee.first_meeting_on), "committee_first_meeting_days"))
    filing = committee_filing_due(rules, committee, today)
    if filing is not None:
        out.append(Deadline("filing", "向街道办事处和区房管部门备案", "Filing with the sub-district and the district", filing,
                            filing_key(committee)))
    for change in committee.changes.all():
        due = change_filing_due(rules, change, today)
        if due is not None:
            out.append(Deadline(f"change-{change.pk}", f"变更备案：{change.summary}", f"Filing a change: {change.summary}",
                                due, "committee_change_filing_days"))
    for row in committee.meetings.all():
        if row.decisions and rules.value("committee_decision_publicity_days") is not None:
            when = deadlines.deadline_after(rules, "committee_decision_publicity_days", row.held_on)
            out.append(Deadline(f"decisions-{row.pk}", f"公告{row.held_on:%Y年%-m月%-d日}会议的决定事项",
                                f"Publish the decisions of the meeting on {row.held_on:%Y-%m-%d}",
                                deadlines.due(when, today, row.published_on), "committee_decision_publicity_days"))
    if committee.ended_on is None:
        held = [row.held_on for row in committee.meetings.all()]
        last = max([*held, committee.first_meeting_on or committee.elected_on])
        regular = None if committee.interim else term.next_meeting_due(rules, last)
        if regular is not None:
            out.append(Deadline("regular_meeting", "召开定期会议", "Hold the regular meeting",
                                deadlines.due(regular, today, None), "committee_meeting_interval_months"))
        report = term.report_due(rules, committee.term_ends) if not committee.interim else None
        if report is not None:
            out.append(Deadline("report", "任期届满前书面报告街道", "Report the end of term to the sub-district",
                                deadlines.due(report, today, committee.report_on), "term_end_report_months"))
    return out


@dataclass(frozen=True)
class CommitteeView:
    """A committee as its pages show it: members serving, deadlines, term state and party members."""

    committee: Committee
    serving: list[CommitteeMember]
    former: list[CommitteeMember]
    deadlines: list[Deadline]
    term_state: str
    days_left: int

    @property
    def overdue(self) -> list[Deadline]:
        return [d for d in self.deadlines if d.due.state == "overdue"]

    @property
    def party_members(self) -> int:
        return sum(m.party_member for m in self.serving)

    @property
    def party_share(self) -> Fraction:
        return Fraction(self.party_members, len(self.serving)) if self.serving else Fraction(0)

    @property
    def party_percent(self) -> int:
        return round(self.party_share * 100)


def committee_view(committee: Committee, rules: RuleSet, today: datetime.date) -> CommitteeView:
    members = list(committee.members.all())
    return CommitteeView(committee, [m for m in members if m.left_on is None], [m for m in members if m.left_on],
                         committee_deadlines(committee, rules, today),
                         term.term_state(committee.term_ends, today, within=term.reminder_days(rules, committee.term_ends)),
                         (committee.term_ends - today).days)


def committee_in_office(compound: Compound) -> Committee | None:
    return (Committee.objects.filter(compound=compound, ended_on__isnull=True)
            .select_related("compound__community", "case").prefetch_related("members", "changes", "meetings__meeting").first())


def party_link_of(compound: Compound) -> PartyLink | None:
    return PartyLink.objects.filter(compound=compound).select_related("organisation").first()


def committees_of(compound: Compound) -> QuerySet[Committee]:
    return compound.committees.order_by("-elected_on", "-pk")


def open_emergency(compound: Compound) -> EmergencyCase | None:
    return (EmergencyCase.objects.filter(compound=compound, successor__isnull=True)
            .select_related("management__company", "compound").first())


def emergency_deadline(rules: RuleSet, case: EmergencyCase, today: datetime.date) -> Due | None:
    """At most the rule set's months from the start (北京 art. 77, 上海 art. 52), done when a manager is hired."""
    if rules.value("emergency_service_months_max") is None:
        return None
    last = deadlines.deadline_after(rules, "emergency_service_months_max", case.management.since)
    done = case.successor.since if case.successor_id else None  # type: ignore[union-attr]
    return deadlines.due(last, today, done)


# The work lists of the index (each a drill-down): key → (zh, en).
LISTS: dict[str, tuple[str, str]] = {
    "committee": ("有业主委员会的小区", "Compounds with an owners' committee"),
    "interim": ("有物业管理委员会的小区", "Compounds with an interim committee"),
    "emergency": ("应急物业服务中的小区", "Compounds under emergency management"),
    "overdue": ("备案逾期的委员会", "Committees with an overdue filing"),
    "ending": ("任期 90 日内届满的委员会", "Terms ending within 90 days"),
    "expired": ("任期已届满、尚未换届的委员会", "Terms ended without re-election"),
    "party": ("党组织引领的小区（红色物业）", "Compounds led by a party organisation"),
    "disclosure": ("公示逾期的小区", "Compounds with an overdue disclosure"),
}


@dataclass(frozen=True)
class ListRow:
    compound: Compound
    committee: CommitteeView | None
    emergency: EmergencyCase | None
    emergency_due: Due | None
    party: PartyLink | None = None
    disclosures: list[Any] | None = None  # queries_disclosure.CalendarRow: the compound's overdue statements


def stewardship_lists(scope: Scope, rules_of_subdistrict: Any, today: datetime.date) -> dict[str, list[ListRow]]:
    """Every work list at once (two queries and one per rule set), so the counts equal their rows."""
    committees = (Committee.objects.within(scope).filter(ended_on__isnull=True)
                  .select_related("compound__community").prefetch_related("members", "changes", "meetings")
                  .order_by("compound__community__name", "compound__name"))
    out: dict[str, list[ListRow]] = {key: [] for key in LISTS}
    for c in committees:
        view = committee_view(c, rules_of_subdistrict(c.compound.subdistrict_id), today)
        row = ListRow(c.compound, view, None, None)
        out["interim" if c.interim else "committee"].append(row)
        if view.overdue:
            out["overdue"].append(row)
        if view.term_state == "ending":
            out["ending"].append(row)
        elif view.term_state == "expired":
            out["expired"].append(row)
    emergencies = (EmergencyCase.objects.within(scope).filter(successor__isnull=True)
                   .select_related("compound__community", "management__company")
                   .order_by("compound__community__name", "compound__name"))
    for e in emergencies:
        rules = rules_of_subdistrict(e.compound.subdistrict_id)
        out["emergency"].append(ListRow(e.compound, None, e, emergency_deadline(rules, e, today)))
    in_office = {row.compound.pk: row.committee for key in ("committee", "interim") for row in out[key]}
    links = (PartyLink.objects.within(scope).select_related("compound__community", "organisation")
             .order_by("compound__community__name", "compound__name"))
    out["party"] = [ListRow(link.compound, in_office.get(link.compound_id), None, None, link) for link in links]
    late = queries_disclosure.overdue_in(scope, rules_of_subdistrict, today)
    compounds = {c.pk: c for c in Compound.objects.filter(pk__in=late).select_related("community")}
    out["disclosure"] = sorted((ListRow(compounds[pk], None, None, None, disclosures=rows) for pk, rows in late.items()),
                               key=lambda r: (r.compound.community.name, r.compound.name))
    return out

# 满意度测评's reads, for the dashboard (which reads stewardship through this module).
from anju.stewardship import queries_survey as survey  # noqa: E402, F401
