"""Every write of 长效管理 (a package by stage: `management` of compounds and contracts, `formation` of
the owners' assembly, `committee` over its term); peers and pages import from here."""

from anju.stewardship.services.assembly import assembly_vote_open, committee_from_election
from anju.stewardship.services.committee import (
    LEAVE_REASONS,
    NewMember,
    change_file,
    committee_elect,
    committee_file,
    interim_form,
    member_add,
    member_leave,
    officers_set,
    party_link_set,
    report_record,
)
from anju.stewardship.services.formation import (
    applicant_add,
    candidate_add,
    case_open,
    group_member_add,
    seats_set,
    step_record,
)
from anju.stewardship.services.management import (
    HANDOVER_ITEMS,
    MAX_FEE_FEN,
    as_json,
    company_create,
    contract_create,
    contract_file,
    contract_terminate,
    emergency_ends,
    handover_tick,
    management_set,
    rules_choose,
)
from anju.stewardship.services.publicity import (
    candidate_label,
    candidates_publish,
    committee_meeting_record,
    decisions_publish,
    numbered_candidates,
    result_publish,
)

__all__ = [
    "HANDOVER_ITEMS", "LEAVE_REASONS", "NewMember", "assembly_vote_open", "change_file", "committee_elect",
    "committee_from_election", "committee_file", "interim_form",
    "member_add", "member_leave", "officers_set", "party_link_set", "report_record", "MAX_FEE_FEN", "applicant_add", "as_json", "candidate_add", "case_open", "company_create",
    "contract_create", "contract_file", "contract_terminate", "emergency_ends", "group_member_add", "handover_tick",
    "management_set", "rules_choose", "seats_set", "step_record",
    "candidate_label", "candidates_publish", "committee_meeting_record", "decisions_publish", "numbered_candidates",
    "result_publish",
]
