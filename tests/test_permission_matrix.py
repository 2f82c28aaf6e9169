"""Who may reach what: every URL and every API operation, for the fixed cast, on an object inside
and outside the caller's scope, read and write, against one table.

The cast: anonymous, a volunteer of compound A, community-A staff, community-B staff, sub-district
staff and a superuser. Each row names the objects the route takes on side "a" (community A) and
side "b" (community B; for sub-district routes, another sub-district), and the rule for reading
(GET) and writing (POST/PUT/PATCH/DELETE). A rule gives one expected outcome per role and side:
  ok     the request passed the permission gate (2xx, 409, a redirect that is not the login; for a
         write also 400: the empty form was refused). A GET answering 400 is a refusal, not "ok".
  login  anonymous: the login page (pages) or 401 (API)
  403    inside the scope, but the role may not
  404    outside the scope (existence is not revealed), or no such object
  405    the route does not take this method
Writes are sent without a body: a permitted caller gets past the gate and is refused by the form
(400) or succeeds harmlessly; nothing a later row depends on is destroyed.

A route or operation without a row fails `test_every_route_has_a_row`: add one.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from anju.accounts.models import Role
from tests.factories import SYSTEM, make_user, make_world

ROLES = ("anonymous", "volunteer", "staff_a", "staff_b", "subdistrict", "superuser")
SIDES = ("a", "b")
CREDIT_CODE = "91350100M0001TGQX1"  # GB 32100 check character computed (see tests/domain/test_ids.py)
MISSING = 987_654  # an id no object has: routes whose objects the matrix does not build answer 404
# Django's own admin and i18n views: their permissions are Django's (is_staff and model
# permissions), tested upstream; our admin classes' scoping is tested in tests/core/test_admin_scopes.py.
SKIPPED_NAMESPACES = ("admin",)
SKIPPED_ROUTES = ("set_language", "api:openapi-json", "api:openapi-view", "api:api-root")


def _expand(rows: dict[str, tuple[str, str]]) -> dict[str, dict[str, str]]:
    """A rule: per role, the outcome on side a and side b ("ok 404" or one word for both)."""
    return {role: dict(zip(SIDES, (cell.split() * 2)[:2], strict=True)) for role, cell in rows.items()}


def rule(anonymous: str, volunteer: str, staff_a: str, staff_b: str, subdistrict: str, superuser: str):
    return _expand(dict(zip(ROLES, (anonymous, volunteer, staff_a, staff_b, subdistrict, superuser), strict=True)))


# The rules, once.
RULES = {
    # anyone, signed in or not (residents' pages, the public API)
    "public": rule("ok", "ok", "ok", "ok", "ok", "ok"),
    # signed-in users with a role; no object
    "signed_in": rule("login", "ok", "ok", "ok", "ok", "ok"),
    # staff who may change things; no object (volunteers read only)
    "editors": rule("login", "403", "ok", "ok", "ok", "ok"),
    # sub-district staff and superusers only; no object
    "subdistrict": rule("login", "403", "403", "403", "ok", "ok"),
    # an object in community A or B: seen by its community, its compound's volunteer, the sub-district
    "view": rule("login", "ok 404", "ok 404", "404 ok", "ok", "ok"),
    # ... printed only once its state allows (the result notice of a closed vote): an open one says why
    "view_closed": rule("login", "400 404", "400 404", "404 400", "400", "400"),
    # ... changed by its community's staff and the sub-district; the volunteer sees it but may not
    "edit": rule("login", "403 404", "ok 404", "404 ok", "ok", "ok"),
    # ... seen only by staff (personal data, money, the paper trail): the volunteer gets 403 in scope
    "staff_view": rule("login", "403 404", "ok 404", "404 ok", "ok", "ok"),
    # a sub-district (a: ours, b: another): everyone of ours sees ours; only the superuser sees both
    "view_subdistrict": rule("login", "ok 404", "ok 404", "ok 404", "ok 404", "ok"),
    # an object the matrix does not build (MISSING): refused before or after login, never shown
    # locked accounts: sub-district staff unlock their own sub-district's (b: another's), superusers all
    "unlock": rule("login", "403", "403", "403", "ok 404", "ok"),
    # an object the matrix does not build (MISSING), or one not published: never shown
    "missing": rule("login", "404", "404", "404", "404", "404"),
    "missing_public": rule("404", "404", "404", "404", "404", "404"),
    # writes whose form names the object in its body: sent empty, the gate shows only for the
    # anonymous and the volunteer (403 in scope, 404 outside), everyone else gets the form's 404
    "edit_form": rule("login", "403 404", "404", "404", "404", "404"),
    "editors_form": rule("login", "403", "404", "404", "404", "404"),
    # API operations whose body the matrix does not build: the schema refuses it (422) after the login
    "body": rule("login", "422", "422", "422", "422", "422"),
    "public_body": rule("422", "422", "422", "422", "422", "422"),
    "logout": rule("login", "login", "login", "login", "login", "login"),
    # setting up an office: a new sub-district is the superuser's; its set-up page is its staff's (volunteers read
    # only: 403), communities are added by sub-district staff only (b: another sub-district)
    "superuser": rule("login", "403", "403", "403", "403", "ok"),
    "setup": rule("login", "403 404", "ok 404", "ok 404", "ok 404", "ok"),
    "add_communities": rule("login", "403 404", "403 404", "403 404", "ok 404", "ok"),
    "no": rule("405", "405", "405", "405", "405", "405"),
    "no_login": rule("login", "405", "405", "405", "405", "405"),
    # work inside one sub-district (a superuser belongs to none): read by all of it, written by editors
    "in_subdistrict": rule("login", "ok", "ok", "ok", "ok", "403"),
    "editors_in_subdistrict": rule("login", "403", "ok", "ok", "ok", "403"),
    # what binds the whole sub-district (its rule set): its own staff only
    "subdistrict_only": rule("login", "403", "403", "403", "ok", "403"),
}


@dataclass(frozen=True)
class Row:
    args: Callable[[Any], dict[str, Any]] | None  # the route's arguments from one side's objects; None: no object
    read: str  # rule for GET
    write: str  # rule for POST


def pk(name: str) -> Callable[[Any], dict[str, Any]]:
    return lambda side: {"pk": getattr(side, name).pk}


def missing(**extra: Any) -> Callable[[Any], dict[str, Any]]:
    return lambda side: {"pk": MISSING, **extra}


NONE = None

PAGES: dict[str, Row] = {
    "index": Row(NONE, "public", "public"),
    "accounts:login": Row(NONE, "public", "public"),
    "accounts:password_change": Row(NONE, "signed_in", "signed_in"),
    "accounts:logout": Row(NONE, "no", "logout"),
    "accounts:locked": Row(NONE, "subdistrict", "no_login"),
    "accounts:unlock": Row(pk("lock"), "no_login", "unlock"),
    "accounts:invitation": Row(lambda s: {"key": "NOSUCHKEY"}, "missing_public", "missing_public"),
    "roster:home": Row(NONE, "signed_in", "signed_in"),
    "roster:subdistrict": Row(pk("subdistrict"), "view_subdistrict", "view_subdistrict"),
    "roster:community": Row(pk("community"), "view", "view"),
    "roster:compound": Row(pk("compound"), "view", "view"),
    "roster:building": Row(pk("building"), "view", "view"),
    "roster:household": Row(pk("household"), "view", "view"),
    "roster:person": Row(pk("person"), "view", "view"),
    "roster:search": Row(NONE, "signed_in", "signed_in"),
    "roster:stranded": Row(NONE, "signed_in", "signed_in"),
    "roster:transfer_upload": Row(NONE, "editors", "editors"),
    "roster:transfer_template": Row(NONE, "signed_in", "signed_in"),
    "roster:transfer_job": Row(missing(), "missing", "missing"),
    "roster:transfer_confirm": Row(missing(), "no_login", "missing"),
    "roster:transfer_export": Row(lambda s: {"level": "community", "pk": s.community.pk}, "no_login", "view"),
    "roster:household_edit": Row(pk("household"), "edit", "edit"),
    "roster:household_move_out": Row(pk("household"), "no_login", "edit"),
    "roster:household_transfer": Row(pk("household"), "no_login", "edit"),
    "roster:person_edit": Row(pk("person"), "edit", "edit"),
    "roster:person_death": Row(pk("person"), "no_login", "edit"),
    "roster:person_reveal": Row(pk("person"), "no_login", "staff_view"),
    "roster:reveal_log": Row(NONE, "editors", "no_login"),
    "roster:setup": Row(NONE, "editors", "editors"),
    "roster:setup_subdistrict": Row(NONE, "no_login", "superuser"),
    "roster:setup_detail": Row(pk("subdistrict"), "setup", "setup"),
    "roster:setup_communities": Row(pk("subdistrict"), "no_login", "add_communities"),
    "roster:setup_structure": Row(pk("subdistrict"), "no_login", "setup"),
    "roster:setup_structure_confirm": Row(pk("subdistrict"), "no_login", "setup"),
    "roster:setup_invite": Row(pk("subdistrict"), "no_login", "setup"),
    "elevators:index": Row(NONE, "signed_in", "signed_in"),
    "elevators:project_new": Row(NONE, "editors", "editors"),
    "elevators:project": Row(pk("elevator"), "view", "view"),
    "elevators:project_status": Row(pk("elevator"), "no_login", "edit"),
    "elevators:project_money": Row(pk("elevator"), "no_login", "edit"),
    "elevators:rides_save": Row(pk("elevator"), "no_login", "edit"),
    "elevators:compensation_add": Row(pk("elevator"), "no_login", "edit_form"),
    "elevators:table_save": Row(pk("elevator"), "no_login", "edit"),
    "elevators:calculator": Row(pk("elevator"), "view", "view"),
    "elevators:plan_save": Row(pk("elevator"), "no_login", "edit"),
    "elevators:negotiate": Row(pk("elevator"), "view", "view"),
    "elevators:plan": Row(missing(), "missing", "missing"),
    "elevators:plan_diff": Row(missing(other=MISSING), "missing", "missing"),
    "elevators:statement": Row(missing(household=MISSING), "missing", "missing"),
    "elevators:statements_job": Row(missing(), "no_login", "missing"),
    "consultations:index": Row(NONE, "signed_in", "signed_in"),
    "consultations:new": Row(NONE, "editors", "editors_form"),
    "consultations:detail": Row(pk("consultation"), "view", "view"),
    "consultations:tally": Row(pk("consultation"), "view", "view"),
    "consultations:paper": Row(pk("consultation"), "no_login", "edit_form"),
    "consultations:elector_choices": Row(pk("consultation"), "edit", "no_login"),
    "consultations:describe": Row(pk("consultation"), "no_login", "edit"),
    "consultations:question_new": Row(pk("consultation"), "no_login", "edit"),
    "consultations:correct": Row(pk("consultation"), "no_login", "edit_form"),
    "consultations:resolve": Row(lambda s: {"pk": s.consultation.pk, "ballot": MISSING}, "no_login", "edit_form"),
    "consultations:owner_conflicts": Row(pk("consultation"), "view", "view"),
    "consultations:owner_settle": Row(pk("consultation"), "no_login", "edit_form"),
    "consultations:open": Row(pk("consultation"), "no_login", "edit"),
    "consultations:close": Row(pk("consultation"), "no_login", "edit"),
    "consultations:next_round": Row(pk("consultation"), "no_login", "edit"),
    "consultations:letters_job": Row(pk("consultation"), "no_login", "edit"),
    "consultations:letter_pdf": Row(pk("consultation"), "no_login", "edit_form"),
    "consultations:notice": Row(pk("consultation"), "view_closed", "view_closed"),
    "consultations:scan": Row(lambda s: {"pk": s.consultation.pk, "ballot": MISSING}, "missing", "missing"),
    "consultations:public": Row(pk("consultation"), "missing_public", "missing_public"),
    "consultations:letter_unlock": Row(lambda s: {"pk": s.consultation.pk, "letter": s.letter.pk}, "no_login", "edit"),
    "consultations:vote": Row(NONE, "public", "public"),
    "consultations:vote_receipt": Row(lambda s: {"receipt": "NOSUCHRECEIPT"}, "public", "public"),
    # without a confirmed letter in the session both send the browser to the code page (the household
    # comes from the session, never from the URL; another household's statement is 404: test_my_home.py)
    "consultations:vote_home": Row(NONE, "public", "public"),
    "consultations:vote_home_suggest": Row(NONE, "no", "public"),
    "consultations:vote_statement": Row(lambda s: {"plan": MISSING}, "public", "public"),
    "consultations:vote_link": Row(lambda s: {"code": "NOSUCHCODE"}, "missing_public", "missing_public"),
    "programme:index": Row(NONE, "signed_in", "signed_in"),
    "programme:project": Row(pk("project"), "view", "view"),
    "programme:inspection_new": Row(pk("project"), "view", "view"),
    "programme:item_progress": Row(pk("item"), "no_login", "edit"),
    "programme:item_results": Row(pk("item"), "no_login", "edit"),
    "programme:stage_edit": Row(pk("stage"), "no_login", "edit"),
    "programme:stage_sign_off": Row(pk("stage"), "no_login", "edit"),
    "programme:attachment_upload": Row(pk("stage"), "no_login", "edit"),
    "programme:attachment": Row(missing(), "missing", "missing"),
    "programme:progress_upload": Row(NONE, "editors", "editors"),
    "programme:progress_template": Row(NONE, "signed_in", "signed_in"),
    "programme:inspection": Row(pk("inspection"), "view", "edit"),
    "programme:inspection_photos": Row(pk("inspection"), "no_login", "edit"),
    "programme:photo": Row(missing(), "missing", "missing"),
    "programme:beneficiaries_refresh": Row(NONE, "no_login", "editors"),
    "participation:suggest": Row(NONE, "public", "public"),
    "participation:track": Row(NONE, "public", "public"),
    "participation:receipt": Row(lambda s: {"code": s.suggestion.receipt_code}, "public", "public"),
    "participation:board": Row(NONE, "public", "public"),
    "participation:notice": Row(pk("notice"), "missing_public", "missing_public"),
    "participation:notice_image": Row(missing(), "missing_public", "missing_public"),
    "participation:place": Row(lambda s: {"compound": s.compound.pk}, "public", "public"),
    "participation:place_building": Row(lambda s: {"compound": s.compound.pk, "building": s.building.pk}, "public", "public"),
    "participation:index": Row(NONE, "signed_in", "signed_in"),
    "participation:suggestions": Row(NONE, "signed_in", "signed_in"),
    "participation:suggestion": Row(pk("suggestion"), "view", "view"),
    "participation:suggestion_reveal": Row(pk("suggestion"), "no_login", "staff_view"),
    "participation:suggestion_act": Row(lambda s: {"pk": s.suggestion.pk, "action": "close"}, "no_login", "edit"),
    "participation:suggestion_photo": Row(missing(), "missing", "missing"),
    "participation:notices": Row(NONE, "signed_in", "signed_in"),
    "participation:notice_new": Row(NONE, "editors", "editors"),
    "participation:notice_detail": Row(pk("notice"), "view", "view"),
    "participation:notice_edit": Row(pk("notice"), "edit", "edit"),
    "participation:notice_publish": Row(pk("notice"), "no_login", "edit"),
    "participation:notice_image_add": Row(pk("notice"), "no_login", "edit"),
    "participation:notice_pdf": Row(pk("notice"), "view", "view"),
    "participation:meetings": Row(NONE, "signed_in", "signed_in"),
    "participation:meeting_new": Row(NONE, "no_login", "editors"),
    "participation:meeting": Row(pk("meeting"), "view", "view"),
    "participation:meeting_signin": Row(pk("meeting"), "view", "view"),
    "participation:meeting_act": Row(lambda s: {"pk": s.meeting.pk, "action": "minutes"}, "no_login", "edit"),
    "participation:visits": Row(NONE, "signed_in", "signed_in"),
    "participation:visits_compound": Row(pk("compound"), "view", "view"),
    "participation:household_visits": Row(pk("household"), "view", "view"),
    "participation:party": Row(NONE, "signed_in", "signed_in"),
    "participation:organisation": Row(pk("branch"), "view", "view"),
    "participation:organisation_act": Row(lambda s: {"pk": s.branch.pk, "action": "activity"}, "no_login", "view"),
    "stewardship:index": Row(NONE, "signed_in", "signed_in"),
    "stewardship:compound": Row(pk("compound"), "view", "view"),
    "stewardship:management_set": Row(pk("compound"), "no_login", "edit"),
    "stewardship:contract_create": Row(pk("compound"), "no_login", "edit"),
    "stewardship:contract_file": Row(pk("contract"), "no_login", "edit"),
    "stewardship:contract_terminate": Row(pk("contract"), "no_login", "edit"),
    "stewardship:handover": Row(pk("contract"), "no_login", "edit"),
    "stewardship:formation": Row(pk("compound"), "view", "edit"),
    "stewardship:formation_applicant": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_member": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_candidate": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_seats": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_step": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_assembly": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_elected": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_candidates_notice": Row(pk("case"), "no_login", "edit"),
    "stewardship:formation_result_notice": Row(pk("case"), "no_login", "edit"),
    "stewardship:fund_account": Row(pk("compound"), "view", "edit"),
    "stewardship:fund_entry": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fund_contributions": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fund_unit_ledger": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fund_case_create": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fund_entry_reverse": Row(pk("fund_entry"), "no_login", "edit"),
    "stewardship:fund_case": Row(pk("fund_case"), "view", "no_login"),
    "stewardship:fund_case_vote": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:fund_case_approve": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:fund_case_escalate": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:fund_case_pay": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:fund_case_accept": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:fund_case_publish": Row(pk("fund_case"), "no_login", "edit"),
    "stewardship:committee": Row(pk("compound"), "view", "view"),
    "stewardship:committee_elect": Row(pk("compound"), "no_login", "edit"),
    "stewardship:committee_interim": Row(pk("compound"), "no_login", "edit"),
    "stewardship:party_link": Row(pk("compound"), "no_login", "edit"),
    "stewardship:committee_officers": Row(pk("committee"), "no_login", "edit"),
    "stewardship:committee_file": Row(pk("committee"), "no_login", "edit"),
    "stewardship:committee_report": Row(pk("committee"), "no_login", "edit"),
    "stewardship:committee_member_add": Row(pk("committee"), "no_login", "edit"),
    "stewardship:committee_pack": Row(pk("committee"), "staff_view", "staff_view"),
    "stewardship:committee_meeting": Row(pk("committee"), "no_login", "edit"),
    "stewardship:committee_decisions_publish": Row(pk("committee_meeting"), "no_login", "edit"),
    "stewardship:committee_member_leave": Row(pk("member"), "no_login", "edit"),
    "stewardship:committee_change_file": Row(pk("change"), "no_login", "edit"),
    "stewardship:list": Row(lambda s: {"kind": "overdue"}, "signed_in", "signed_in"),
    "stewardship:companies": Row(NONE, "signed_in", "editors_in_subdistrict"),
    "stewardship:rules": Row(NONE, "in_subdistrict", "subdistrict_only"),
    "stewardship:fees": Row(NONE, "signed_in", "signed_in"),
    "stewardship:fees_compound": Row(pk("compound"), "staff_view", "staff_view"),
    "stewardship:fees_standard": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fees_bill": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fees_payment": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fees_import": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fees_letters": Row(pk("compound"), "no_login", "edit"),
    "stewardship:fees_legal": Row(pk("compound"), "staff_view", "staff_view"),
    "stewardship:fees_pledge": Row(pk("compound"), "view", "view"),
    "stewardship:fees_pledge_pdf": Row(pk("compound"), "view", "no_login"),
    "stewardship:fees_letter": Row(missing(), "missing", "missing"),
    "stewardship:disclosures": Row(pk("compound"), "view", "no_login"),
    "stewardship:disclosure_generate": Row(pk("compound"), "no_login", "edit"),
    "stewardship:disclosure": Row(pk("disclosure"), "view", "no_login"),
    "stewardship:disclosure_publish": Row(pk("disclosure"), "no_login", "edit"),
    "stewardship:disclosure_correct": Row(pk("disclosure"), "no_login", "edit"),
    "stewardship:disclosure_pdf": Row(pk("disclosure"), "view", "no_login"),
    "stewardship:satisfaction_start": Row(pk("compound"), "no_login", "edit"),
    "stewardship:common_income": Row(pk("compound"), "no_login", "edit"),
    "stewardship:manager_line": Row(pk("compound"), "no_login", "edit"),
    "stewardship:disclosure_public": Row(pk("disclosure"), "public", "no"),
    "stewardship:disclosure_wrong": Row(pk("disclosure"), "public", "public"),
    "stewardship:disclosures_public": Row(pk("compound"), "public", "no"),
    "dashboard:index": Row(NONE, "signed_in", "signed_in"),
    "field:app": Row(NONE, "signed_in", "no"),
    "field:sw": Row(NONE, "public", "no"),
    "field:manifest": Row(NONE, "public", "no"),
    "dashboard:work": Row(NONE, "signed_in", "signed_in"),
    # sent empty: no item named, refused by the form (400) past the gate; volunteers may not assign
    "dashboard:work_assign": Row(NONE, "no_login", "editors"),
    "dashboard:work_count": Row(NONE, "signed_in", "no_login"),
    # the 开始使用 checklist of the editor's own sub-district (all three steps are done in this world)
    "dashboard:first_steps_dismiss": Row(NONE, "no_login", "editors"),
    # 操作手册: every signed-in user reads every topic (tests/core/test_help.py renders each for each role)
    "core:help_index": Row(NONE, "signed_in", "no_login"),
    "core:help": Row(lambda s: {"slug": "roster"}, "signed_in", "no_login"),
    "dashboard:outbox": Row(NONE, "subdistrict", "no_login"),
    # 统计报表: the whole sub-district's, made by its staff (a superuser belongs to none)
    "dashboard:reports": Row(NONE, "subdistrict_only", "no_login"),
    "dashboard:reports_export": Row(NONE, "no_login", "subdistrict_only"),
    "dashboard:reports_submit": Row(NONE, "no_login", "subdistrict_only"),
    "dashboard:reports_template_upload": Row(NONE, "subdistrict_only", "subdistrict_only"),
    "core:opt_out": Row(lambda s: {"code": "NOSUCHCODE"}, "missing_public", "missing_public"),
    "dashboard:outbox_opt_out": Row(NONE, "no_login", "subdistrict"),
    "dashboard:rows": Row(lambda s: {"figure": "projects"}, "signed_in", "signed_in"),
    "dashboard:report": Row(lambda s: {"year": 2021}, "signed_in", "signed_in"),
    "core:job": Row(missing(), "missing", "missing"),
    "core:job_download": Row(missing(), "missing", "missing"),
}


@dataclass
class Side:
    """The objects of one side: a (community A) or b (community B, or another sub-district)."""

    subdistrict: Any
    community: Any
    compound: Any
    building: Any
    household: Any
    person: Any
    elevator: Any
    consultation: Any
    letter: Any
    project: Any
    item: Any
    stage: Any
    inspection: Any
    suggestion: Any
    notice: Any
    meeting: Any
    branch: Any
    lock: Any  # a locked-out account of this side (b: of another sub-district), for accounts:unlock
    contract: Any  # a property service contract of the side's compound
    case: Any  # a formation case (业主大会筹备) of the side's compound
    fund_entry: Any = None  # an entry of the side's maintenance fund
    fund_case: Any = None  # a use of the side's maintenance fund (a repair of its building)
    committee: Any = None  # the side's owners' committee in office
    member: Any = None  # a member of it
    change: Any = None  # a change to it, not yet filed
    disclosure: Any = None  # a published statement of its fund (公示)
    committee_meeting: Any = None  # a meeting of its committee, with a decision not yet posted


def build_cast() -> tuple[dict[str, Any], dict[str, Side]]:
    """The world, the fixed cast, and in each community one object of every kind the routes take."""
    from anju.accounts import lockout
    from anju.accounts.models import Profile
    from anju.consultations import services as consultations
    from anju.participation import services as participation
    from anju.participation.models import OrgLevel
    from anju.programme import services as programme
    from anju.programme.models import ItemKind
    from anju.roster import services as roster
    from anju.stewardship import services as stewardship
    from anju.stewardship.services import disclosure, fund
    from tests.consultations.conftest import issue_letter
    from tests.elevators.conftest import fill_unit, make_project

    world = make_world()
    users = {
        "anonymous": None,
        "volunteer": make_user("volunteer_a", Role.VOLUNTEER, world, community=world.community_a,
                               compound=world.compound_a),
        "staff_a": make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a),
        "staff_b": make_user("staff_b", Role.COMMUNITY_STAFF, world, community=world.community_b),
        "subdistrict": make_user("jiedao", Role.SUBDISTRICT_STAFF, world),
        "superuser": get_user_model().objects.create_superuser("root", password="x" * 20),
    }
    other_subdistrict = roster.subdistrict_create(name="别的街道", actor=SYSTEM)
    plan = programme.plan_create(subdistrict=world.subdistrict, year=2021, actor=SYSTEM)
    top = participation.organisation_create(level=OrgLevel.SUBDISTRICT, name="街道党工委",
                                            subdistrict_id=world.subdistrict.pk, actor=SYSTEM)
    company = stewardship.company_create(subdistrict=world.subdistrict, name="安心物业", credit_code=CREDIT_CODE,
                                         actor=SYSTEM)
    sides = {}
    for name, community, compound, building, household, person in (
        ("a", world.community_a, world.compound_a, world.building_a, world.household_a, world.owner_a),
        ("b", world.community_b, world.compound_b, world.building_b, world.household_b, world.owner_b),
    ):
        unit = household.unit
        fill_unit(unit, existing={"501"})
        consultation = consultations.consultation_create(compound=compound, unit=unit, title="加装电梯表决",
                                                         actor=SYSTEM)
        consultations.questions_from_template(consultation=consultation, template="elevator", actor=SYSTEM)
        consultations.consultation_open(consultation=consultation, actor=SYSTEM)
        key = consultation.electors.order_by("pk").first().key
        _, elector = issue_letter(consultation, key)
        project = programme.project_create(plan=plan, compound=compound, actor=SYSTEM)
        item = programme.item_add(project=project, kind=ItemKind.GAS, budget_fen=10_000_000, actor=SYSTEM)
        inspection = programme.inspection_create(project=project, findings="屋面渗水", actor=SYSTEM)
        suggestion = participation.suggestion_submit(compound=compound, building=building, category="safety",
                                                     title="电线裸露", body="2单元门口", contact_phone="13800001111",
                                                     actor=SYSTEM)
        notice = participation.notice_save(compound=compound, building=None, title="停水通知", body_html="<p>周三停水</p>",
                                           actor=SYSTEM)
        meeting = participation.meeting_create(compound=compound, starts_at=datetime.datetime(2021, 3, 1, 9, 0,
                                               tzinfo=datetime.UTC), place="活动室", topic="加装电梯", actor=SYSTEM)
        party = participation.organisation_create(level=OrgLevel.COMMUNITY, name=f"{community.name}党委", parent=top,
                                                  community=community, actor=SYSTEM)
        branch = participation.organisation_create(level=OrgLevel.BRANCH, name=f"{compound.name}党支部", parent=party,
                                                   compound=compound, actor=SYSTEM)
        locked = get_user_model().objects.create_user(f"locked_{name}", password="x" * 20, is_staff=True)
        if name == "a":
            Profile.objects.create(user=locked, role=Role.COMMUNITY_STAFF, community=community,
                                   subdistrict=world.subdistrict)
        else:
            Profile.objects.create(user=locked, role=Role.SUBDISTRICT_STAFF, subdistrict=other_subdistrict)
        sides[name] = Side(
            subdistrict=world.subdistrict if name == "a" else other_subdistrict, community=community,
            compound=compound, building=building, household=household, person=person,
            elevator=make_project(unit), consultation=consultation, letter=elector.letters.first(),
            project=project, item=item, stage=project.stages.first(), inspection=inspection,
            suggestion=suggestion, notice=notice, meeting=meeting, branch=branch,
            lock=lockout.lock(user=locked, failures=5),
            contract=stewardship.contract_create(
                compound=compound, company=company, signed_on=datetime.date(2021, 1, 5),
                starts_on=datetime.date(2021, 2, 1), ends_on=datetime.date(2024, 1, 31), fee_yuan="0.85", actor=SYSTEM),
            case=stewardship.case_open(compound=compound, applied_on=datetime.date(2021, 3, 1), actor=SYSTEM),
            **_committee_of(compound, person),
        )
        account = fund.fund_open(compound=compound, opened_on=datetime.date(2021, 3, 1), actor=SYSTEM)
        sides[name].fund_entry = fund.entry_book(
            ledger=account.ledgers.get(), kind="opening", amount_yuan="1000.00", booked_on=datetime.date(2021, 3, 2),
            document_kind="bank_slip", document_ref="YH-1", actor=SYSTEM)
        sides[name].disclosure = disclosure.disclosure_publish(disclosure=disclosure.disclosure_generate(
            compound=compound, kind="fund", period_start=datetime.date(2021, 1, 1), actor=SYSTEM), actor=SYSTEM)
        sides[name].fund_case = fund.case_open(compound=compound, title="屋面防水", location="屋面", estimate_yuan="100.00",
                                               proposed_on=datetime.date(2021, 3, 3), building=building, actor=SYSTEM)
    return users, sides


def _committee_of(compound: Any, person: Any) -> dict[str, Any]:
    """A committee with one member and one unfiled change, built directly: the matrix tests the gates,
    tests/stewardship the rules that build it."""
    from anju.participation.models import Meeting
    from anju.stewardship.models import Committee, CommitteeChange, CommitteeMeeting, CommitteeMember

    committee = Committee.objects.create(compound=compound, elected_on=datetime.date(2021, 6, 1), term_years=5,
                                         term_ends=datetime.date(2026, 6, 1))
    member = CommitteeMember.objects.create(committee=committee, person=person, name=person.name, owner=True,
                                            since=datetime.date(2021, 6, 1))
    change = CommitteeChange.objects.create(committee=committee, on=datetime.date(2021, 9, 1), summary="补选委员")
    meeting = Meeting.objects.create(subdistrict_id=compound.subdistrict_id, compound=compound, place="活动室",
                                     topic="例会", starts_at=datetime.datetime(2021, 9, 1, 19, tzinfo=datetime.UTC))
    held = CommitteeMeeting.objects.create(committee=committee, meeting=meeting, held_on=datetime.date(2021, 9, 1),
                                           decisions=["一项决定"])
    return {"committee": committee, "member": member, "change": change, "committee_meeting": held}


def page_routes() -> dict[str, str]:
    """Every named URL pattern (namespace:name → pattern), skipping Django's own admin and i18n."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
                walk(entry, prefix + str(entry.pattern), inner or "")
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
                if namespace in SKIPPED_NAMESPACES or name in SKIPPED_ROUTES or namespace == "api":
                    continue
                found[name] = prefix + str(entry.pattern)

    walk(get_resolver(), "", "")
    return found


def api_operations() -> dict[str, str]:
    """Every API operation as "METHOD /path" (operation ids name the module, which moves in splits)."""
    from anju.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}": path for path, ops in schema["paths"].items() for method in ops}


def outcome(response) -> str:
    status = response.status_code
    if status == 302 and response["Location"].startswith(reverse("accounts:login")):
        return "login"
    if status == 401:
        return "login"
    if status in (400, 403, 404, 405, 422, 429) or status >= 500:
        return str(status)
    return "ok"
# API operations: "METHOD /path" → (the object its {pk} names, the rule for its method).
API: dict[str, tuple[str | None, str]] = {
    "GET /api/roster/subdistricts": (None, "signed_in"),
    "GET /api/roster/subdistricts/{pk}/totals": ("subdistrict", "view_subdistrict"),
    "GET /api/roster/communities": (None, "signed_in"),
    "GET /api/roster/compounds": (None, "signed_in"),
    "GET /api/roster/compounds/{pk}": ("compound", "view"),
    "GET /api/roster/buildings": (None, "signed_in"),
    "GET /api/roster/units": (None, "signed_in"),
    "GET /api/roster/households": (None, "signed_in"),
    "POST /api/roster/households/search": (None, "signed_in"),
    "POST /api/roster/search": (None, "signed_in"),
    "GET /api/roster/households/{pk}": ("household", "view"),
    "PATCH /api/roster/households/{pk}": ("household", "edit"),
    "POST /api/roster/households/{pk}/move-out": ("household", "edit"),
    "POST /api/roster/households/{pk}/transfer": ("household", "edit"),
    "GET /api/roster/people/{pk}": ("person", "view"),
    "PATCH /api/roster/people/{pk}": ("person", "edit"),
    "POST /api/roster/people/{pk}/death": ("person", "edit"),
    "POST /api/roster/people/{pk}/reveal": ("person", "staff_view"),
    "GET /api/roster/personal-data-views": (None, "editors"),
    "GET /api/elevators/projects": (None, "signed_in"),
    "GET /api/elevators/projects/{pk}": ("elevator", "view"),
    "POST /api/elevators/projects/{pk}/calculate": ("elevator", "view"),
    "GET /api/elevators/projects/{pk}/plans": ("elevator", "view"),
    "POST /api/elevators/projects/{pk}/plans": ("elevator", "body"),
    "GET /api/elevators/projects/{pk}/running": ("elevator", "view"),
    "POST /api/elevators/projects/{pk}/running": ("elevator", "edit"),
    "GET /api/elevators/plans/{pk}": ("missing", "missing"),
    "GET /api/consultations/consultations": (None, "signed_in"),
    "POST /api/consultations/consultations": (None, "body"),
    "GET /api/consultations/consultations/{pk}": ("consultation", "view"),
    "GET /api/consultations/consultations/{pk}/questions": ("consultation", "view"),
    "POST /api/consultations/consultations/{pk}/questions": ("consultation", "body"),
    "POST /api/consultations/consultations/{pk}/description": ("consultation", "body"),
    "POST /api/consultations/consultations/{pk}/open": ("consultation", "edit"),
    "POST /api/consultations/consultations/{pk}/close": ("consultation", "edit"),
    "POST /api/consultations/consultations/{pk}/next-round": ("consultation", "edit"),
    "GET /api/consultations/consultations/{pk}/ballots": ("consultation", "view"),
    "POST /api/consultations/consultations/{pk}/ballots": ("consultation", "body"),
    "POST /api/consultations/consultations/{pk}/ballots/{ballot_id}/resolve": ("consultation", "body"),
    "GET /api/consultations/consultations/{pk}/tally": ("consultation", "view"),
    "GET /api/consultations/consultations/{pk}/owner-conflicts": ("consultation", "view"),
    "POST /api/consultations/consultations/{pk}/owner-conflicts/settle": ("consultation", "body"),
    "GET /api/programme/plans": (None, "signed_in"),
    "GET /api/programme/projects": (None, "signed_in"),
    "GET /api/programme/projects/{pk}": ("project", "view"),
    "POST /api/programme/items/{pk}/progress": ("item", "body"),
    "GET /api/programme/items/indicators": (None, "signed_in"),
    "POST /api/programme/items/{pk}/results": ("item", "body"),
    "POST /api/programme/stages/{pk}/sign-off": ("stage", "body"),
    "GET /api/programme/stages/overdue": (None, "signed_in"),
    "GET /api/programme/projects/{pk}/inspections": ("project", "view"),
    "POST /api/programme/projects/{pk}/inspections": ("project", "body"),
    "GET /api/programme/inspections/{pk}": ("inspection", "view"),
    "POST /api/programme/inspections/{pk}/photos": ("inspection", "body"),
    "GET /api/programme/photos/{pk}": ("missing", "missing"),
    "POST /api/programme/inspections/{pk}/follow-up": ("inspection", "body"),
    "POST /api/participation/public/suggestions": (None, "public_body"),
    "GET /api/participation/public/suggestions/{code}": (None, "public"),
    "GET /api/participation/public/board": (None, "public"),
    "GET /api/participation/public/notices": (None, "public"),
    "GET /api/participation/public/notices/{pk}": ("notice", "missing_public"),
    "GET /api/participation/suggestions": (None, "signed_in"),
    "GET /api/participation/suggestions/{pk}": ("suggestion", "view"),
    "POST /api/participation/suggestions/{pk}/assign": ("suggestion", "edit"),
    "POST /api/participation/suggestions/{pk}/reply": ("suggestion", "body"),
    "POST /api/participation/suggestions/{pk}/close": ("suggestion", "edit"),
    "POST /api/participation/suggestions/{pk}/reveal": ("suggestion", "staff_view"),
    "GET /api/participation/notices": (None, "signed_in"),
    "POST /api/participation/notices": (None, "body"),
    "POST /api/participation/notices/{pk}/publish": ("notice", "edit"),
    "GET /api/participation/meetings": (None, "signed_in"),
    "POST /api/participation/meetings": (None, "body"),
    "GET /api/participation/meetings/{pk}": ("meeting", "view"),
    "POST /api/participation/meetings/{pk}/invite": ("meeting", "body"),
    "POST /api/participation/meetings/{pk}/attendance": ("meeting", "body"),
    "POST /api/participation/meetings/{pk}/decisions": ("meeting", "body"),
    "POST /api/participation/meetings/{pk}/actions": ("meeting", "body"),
    "POST /api/participation/meetings/{pk}/actions/{action_id}/done": ("meeting", "edit_form"),
    "POST /api/participation/meetings/{pk}/suggestions": ("meeting", "body"),
    "GET /api/participation/visits": (None, "signed_in"),
    "POST /api/participation/visits": (None, "body"),
    "GET /api/participation/compounds/{pk}/not-visited": ("compound", "view"),
    "GET /api/participation/party/organisations": (None, "signed_in"),
    "GET /api/participation/party/organisations/{pk}": ("branch", "view"),
    "POST /api/participation/party/activities": (None, "view"),
    "POST /api/participation/party/pledges": (None, "body"),
    "POST /api/participation/party/organisations/{pk}/members": ("branch", "body"),
    "POST /api/participation/party/volunteers": (None, "edit"),
    "GET /api/stewardship/coverage": (None, "signed_in"),
    "GET /api/stewardship/compounds/{pk}": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/management": ("compound", "edit"),
    "POST /api/stewardship/compounds/{pk}/contracts": ("compound", "body"),
    "POST /api/stewardship/contracts/{pk}/filing": ("contract", "edit"),
    "GET /api/stewardship/rules": (None, "in_subdistrict"),
    "GET /api/stewardship/fees/rates": (None, "signed_in"),
    "GET /api/stewardship/fees/compounds/{pk}": ("compound", "staff_view"),
    "POST /api/stewardship/fees/compounds/{pk}/bills": ("compound", "body"),
    "POST /api/stewardship/fees/compounds/{pk}/payments": ("compound", "body"),
    "GET /api/stewardship/fees/compounds/{pk}/legal": ("compound", "staff_view"),
    "GET /api/stewardship/fees/compounds/{pk}/pledge": ("compound", "view"),
    "GET /api/stewardship/compounds/{pk}/fund": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/fund": ("compound", "body"),
    "GET /api/stewardship/compounds/{pk}/fund/entries": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/fund/entries": ("compound", "body"),
    "POST /api/stewardship/fund/entries/{pk}/reverse": ("fund_entry", "body"),
    "POST /api/stewardship/compounds/{pk}/fund/cases": ("compound", "body"),
    "GET /api/stewardship/fund/cases/{pk}": ("fund_case", "view"),
    "POST /api/stewardship/fund/cases/{pk}/vote": ("fund_case", "body"),
    "POST /api/stewardship/formation/{pk}/assembly": ("case", "body"),
    "POST /api/stewardship/formation/{pk}/candidates-notice": ("case", "body"),
    "POST /api/stewardship/formation/{pk}/result-notice": ("case", "body"),
    "POST /api/stewardship/committees/{pk}/meetings": ("committee", "body"),
    "POST /api/stewardship/committee-meetings/{pk}/publish": ("committee_meeting", "body"),
    "POST /api/stewardship/formation/{pk}/committee": ("case", "body"),
    "POST /api/stewardship/fund/cases/{pk}/approve": ("fund_case", "body"),
    "POST /api/stewardship/fund/cases/{pk}/escalate": ("fund_case", "body"),
    "POST /api/stewardship/fund/cases/{pk}/pay": ("fund_case", "body"),
    "POST /api/stewardship/fund/cases/{pk}/accept": ("fund_case", "body"),
    "POST /api/stewardship/fund/cases/{pk}/publish": ("fund_case", "body"),
    "GET /api/stewardship/compounds/{pk}/disclosures": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/disclosures": ("compound", "body"),
    "GET /api/stewardship/disclosures/{pk}": ("disclosure", "view"),
    "POST /api/stewardship/disclosures/{pk}/publish": ("disclosure", "body"),
    "POST /api/stewardship/disclosures/{pk}/correct": ("disclosure", "body"),
    "GET /api/stewardship/compounds/{pk}/committee": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/committee": ("compound", "body"),
    "POST /api/stewardship/committees/{pk}/filing": ("committee", "edit"),
    "POST /api/stewardship/committee-members/{pk}/leave": ("member", "edit"),
    "GET /api/stewardship/lists/{kind}": (None, "signed_in"),
    "GET /api/stewardship/compounds/{pk}/satisfaction": ("compound", "view"),
    "POST /api/stewardship/compounds/{pk}/satisfaction": ("compound", "edit"),
    "GET /api/dashboard/figures": (None, "signed_in"),
    "GET /api/dashboard/work": (None, "signed_in"),
    "GET /api/dashboard/satisfaction": (None, "signed_in"),
    "POST /api/dashboard/work/assign": (None, "body"),
    "GET /api/dashboard/reports/queries": (None, "subdistrict_only"),
    "GET /api/dashboard/reports/templates": (None, "subdistrict_only"),
    "POST /api/dashboard/reports/templates": (None, "body"),
    "GET /api/dashboard/reports/{year}/{month}": (None, "subdistrict_only"),
    "POST /api/dashboard/reports/{year}/{month}/submit": (None, "body"),
    "POST /api/dashboard/reports/{year}/{month}/export": (None, "body"),
    "GET /api/field/buildings": (None, "signed_in"),
    "GET /api/field/buildings/{pk}/download": ("building", "view"),
    "GET /api/field/key": (None, "signed_in"),
    "POST /api/field/sync": (None, "body"),
    "GET /api/field/records": (None, "signed_in"),
    "GET /api/field/photos/{client_id}": (None, "missing"),
    "POST /api/field/photos/{client_id}": (None, "missing"),
}

# What a few API operations need besides the path, so their rule is checked past the schema.
API_QUERY: dict[str, Callable[[Side], dict[str, Any]]] = {
    "GET /api/roster/units": lambda s: {"building_id": s.building.pk},
    "GET /api/participation/public/notices": lambda s: {"compound_id": s.compound.pk},
}
API_BODY: dict[str, Callable[[Side], dict[str, Any]]] = {
    "POST /api/stewardship/compounds/{pk}/management": lambda s: {"mode": "self", "since": "2021-01-01"},
    "POST /api/stewardship/contracts/{pk}/filing": lambda s: {"filed_on": "2021-01-20"},
    "POST /api/stewardship/compounds/{pk}/satisfaction": lambda s: {"year": 2021},
    "POST /api/stewardship/committees/{pk}/filing": lambda s: {"filed_on": "2021-06-20"},
    "POST /api/stewardship/committee-members/{pk}/leave": lambda s: {"on": "2021-07-01", "reason": "resigned"},
    "POST /api/roster/households/search": lambda s: {"q": "501"},
    "POST /api/roster/households/{pk}/move-out": lambda s: {"person_id": s.person.pk, "ended_on": "2001-01-01"},
    "POST /api/roster/households/{pk}/transfer": lambda s: {"on": "2001-01-01", "new_owners": [{"name": "李明"}]},
    "POST /api/roster/people/{pk}/death": lambda s: {"died_on": "2001-01-01"},
    "POST /api/roster/people/{pk}/reveal": lambda s: {"field": "phone"},
    "POST /api/roster/search": lambda s: {"q": "501"},
    "POST /api/participation/party/activities": lambda s: {
        "person_id": s.person.pk, "compound_id": s.compound.pk, "on": "2021-03-01", "kind": "visit", "hours": "2"},
    "POST /api/participation/party/volunteers": lambda s: {
        "person_id": s.person.pk, "compound_id": s.compound.pk, "role": "speaker"},
}


def missing_rows(pages: dict[str, str], operations: dict[str, str]) -> list[str]:
    """A message for each URL or API operation the tables do not cover, and each row without a route."""
    found = [f"URL {name} ({pattern}) has no row in PAGES: add one in tests/test_permission_matrix.py"
             for name, pattern in pages.items() if name not in PAGES]
    found += [f"API operation {key} has no row in API: add one in tests/test_permission_matrix.py"
              for key in operations if key not in API]
    found += [f"PAGES row {name} names no URL" for name in PAGES if name not in pages]
    found += [f"API row {key} names no operation" for key in API if key not in operations]
    return found


def test_every_route_has_a_row():
    found = missing_rows(page_routes(), api_operations())
    assert not found, "\n".join(found)


def test_a_route_without_a_row_fails():
    pages = {**page_routes(), "stewardship:fund": "stewardship/<id:pk>/fund/"}
    operations = {**api_operations(), "POST /api/stewardship/funds": "/api/stewardship/funds"}
    assert missing_rows(pages, operations) == [
        "URL stewardship:fund (stewardship/<id:pk>/fund/) has no row in PAGES: add one in tests/test_permission_matrix.py",
        "API operation POST /api/stewardship/funds has no row in API: add one in tests/test_permission_matrix.py",
    ]


def _request(client, method: str, url: str, **kwargs: Any) -> str:
    """One request, undone afterwards (a permitted write must not change what the next cell sees)."""
    from django.db import transaction

    try:
        with transaction.atomic():
            response = getattr(client, method)(url, **kwargs)
            transaction.set_rollback(True)
    except Exception as error:
        return f"crash {type(error).__name__}"
    return outcome(response)


def _check(found: list[str], what: str, rule_name: str, role: str, side: str, got: str) -> None:
    expected = RULES[rule_name][role][side]
    if got == "400" and expected == "ok" and not what.startswith("GET"):
        return  # an empty write got past the gate and the form refused it
    if got != expected:
        found.append(f"{what} as {role} on side {side}: {got}, expected {expected} (rule {rule_name})")


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_permission_matrix(_media):
    from django.test import Client

    users, sides = build_cast()
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        if user is not None:
            clients[role].force_login(user)
    found: list[str] = []
    for name, row in PAGES.items():
        for side in SIDES if row.args else SIDES[:1]:
            url = reverse(name, kwargs=row.args(sides[side]) if row.args else None)
            for role in ROLES:
                for method, rule_name in (("get", row.read), ("post", row.write)):
                    got = _request(clients[role], method, url)
                    if name == "accounts:logout" and users[role] is not None:
                        clients[role].force_login(users[role])  # signed out for real: sign back in
                    for checked in (SIDES if not row.args else (side,)):
                        _check(found, f"{method.upper()} {name}", rule_name, role, checked, got)
    for key, (obj, rule_name) in API.items():
        method, path = key.split(" ", 1)
        for side in SIDES:
            objects = sides[side]
            target = MISSING if obj == "missing" else getattr(objects, obj).pk if obj else None
            url = (path.replace("{pk}", str(target)).replace("{ballot_id}", str(MISSING))
                   .replace("{action_id}", str(MISSING)).replace("{code}", objects.suggestion.receipt_code)
                   .replace("{kind}", "overdue").replace("{year}", "2021").replace("{month}", "12")
                   .replace("{client_id}", "00000000-0000-4000-8000-000000000000"))
            for role in ROLES:
                if method == "GET":
                    query = API_QUERY.get(key, lambda s: {})(objects)
                    got = _request(clients[role], "get", url, data=query)
                else:
                    body = json.dumps(API_BODY.get(key, lambda s: {})(objects))
                    got = _request(clients[role], method.lower(), url, data=body, content_type="application/json")
                _check(found, key, rule_name, role, side, got)
    assert not found, f"{len(found)} cells differ from the table:\n" + "\n".join(found)
