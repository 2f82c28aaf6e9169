"""Who may see and change 长效管理 records: the one place pages and the API ask.

Compounds through `roster.access` (outside the scope `NotFound`, a read-only role `Forbidden`);
choosing the sub-district's rule set and listing companies belong to sub-district staff, since a
rule set binds every community of the sub-district.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anju.core.access import Action, fetch, require_edit
from anju.core.errors import Forbidden, NotFound
from anju.core.scoping import Scope, scope_of
from anju.roster.access import access_compound
from anju.stewardship.models import (
    Committee,
    CommitteeChange,
    CommitteeMeeting,
    CommitteeMember,
    Contract,
    FormationCase,
    PropertyCompany,
)
from anju.stewardship.models_disclosure import Disclosure
from anju.stewardship.models_fund import FundCase, FundEntry

if TYPE_CHECKING:
    from anju.core.access import User

__all__ = ["Action", "access_case", "access_change", "access_committee", "access_company", "access_compound",
           "access_contract", "access_disclosure", "access_fund_case", "access_fund_entry", "access_member", "public_disclosure",
           "require_rules_editor", "require_subdistrict"]


def access_contract(user: User, pk: int, *, action: Action) -> Contract:
    return fetch(Contract.objects.select_related("compound", "company"), user, pk, action=action,
                 zh="找不到该物业服务合同", en="No such contract")


def access_case(user: User, pk: int, *, action: Action) -> FormationCase:
    return fetch(FormationCase.objects.select_related("compound__community"), user, pk, action=action,
                 zh="找不到该业主大会筹备记录", en="No such formation case")


def access_committee(user: User, pk: int, *, action: Action) -> Committee:
    return fetch(Committee.objects.select_related("compound__community", "case"), user, pk, action=action,
                 zh="找不到该委员会", en="No such committee")


def access_member(user: User, pk: int, *, action: Action) -> CommitteeMember:
    """A member through their committee's scope (outside it, or no such member: not found alike)."""
    member = CommitteeMember.objects.filter(pk=pk).first()
    if member is None:
        raise NotFound("找不到该委员", "No such member")
    member.committee = access_committee(user, member.committee_id, action=action)
    return member


def access_change(user: User, pk: int, *, action: Action) -> CommitteeChange:
    change = CommitteeChange.objects.filter(pk=pk).first()
    if change is None:
        raise NotFound("找不到该变更记录", "No such change")
    change.committee = access_committee(user, change.committee_id, action=action)
    return change


def access_committee_meeting(user: User, pk: int, *, action: Action) -> CommitteeMeeting:
    """A committee's meeting, visible and editable as its committee is (a 404 outside the user's scope)."""
    row = CommitteeMeeting.objects.select_related("meeting").filter(pk=pk).first()
    if row is None:
        raise NotFound("找不到该次会议", "No such meeting")
    row.committee = access_committee(user, row.committee_id, action=action)
    return row


def access_company(user: User, pk: int, *, action: Action) -> PropertyCompany:
    return fetch(PropertyCompany.objects.all(), user, pk, action=action, zh="找不到该物业服务企业", en="No such company")


def require_subdistrict(user: User) -> Scope:
    """The scope of a user of one sub-district (staff or volunteer); a superuser must act inside one."""
    scope = scope_of(user)
    if scope.subdistrict_id is None:
        raise Forbidden("请以街道或社区工作人员的身份操作", "Do this as staff of a sub-district or community")
    return scope


def require_rules_editor(user: User) -> Scope:
    """Sub-district staff choose and adjust the rule set; community staff and volunteers read it."""
    scope = require_edit(user)
    if scope.subdistrict_id is None or scope.community_id is not None or scope.compound_id is not None:
        raise Forbidden("只有街道工作人员可以选择或调整规则", "Only sub-district staff may choose or adjust the rules")
    return scope


def access_fund_entry(user: User, pk: int, *, action: Action) -> FundEntry:
    return fetch(FundEntry.objects.select_related("ledger__account__compound", "ledger__building", "ledger__unit"),
                 user, pk, action=action, zh="找不到该笔维修资金记账", en="No such fund entry")


def access_fund_case(user: User, pk: int, *, action: Action) -> FundCase:
    return fetch(FundCase.objects.select_related("compound__community", "building", "unit", "consultation"), user, pk,
                 action=action, zh="找不到该维修资金使用事项", en="No such fund use")


def access_disclosure(user: User, pk: int, *, action: Action) -> Disclosure:
    return fetch(Disclosure.objects.select_related("compound__community", "supersedes"), user, pk, action=action,
                 zh="找不到该公示", en="No such disclosure")


def public_disclosure(pk: int) -> Disclosure:
    """A published statement, for residents without an account; a draft looks the same as a missing one."""
    found = (Disclosure.objects.filter(pk=pk, published_on__isnull=False)
             .select_related("compound__community", "supersedes").first())
    if found is None:
        raise NotFound("找不到该公示", "No such disclosure")
    return found
