"""Who may reach which 共建共治 record, for the pages and the API alike.

Each `access_<thing>` returns the object or raises `NotFound` (outside the user's scope: its
existence is not revealed) or `Forbidden` (inside it, but the role may not change it). Visits and
hours are recorded by every role in scope, volunteers included, so their callers ask for `VIEW`.
The `public_*` functions serve the resident pages, where nothing is scoped but drafts stay hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from anju.core.access import Action, fetch
from anju.core.errors import Forbidden, NotFound
from anju.core.scoping import scope_of
from anju.participation import queries
from anju.participation.models import (
    FollowUp,
    Meeting,
    Membership,
    Notice,
    NoticeImage,
    PartyOrganisation,
    Suggestion,
    SuggestionPhoto,
)

# Compounds and households are the roster's to reach; participation's pages use the same rule.
from anju.roster.access import access_compound as access_compound
from anju.roster.access import access_household as access_household
from anju.roster.models import Building, Community, Compound, Person

if TYPE_CHECKING:
    from anju.core.access import User

NO_SUGGESTION = ("找不到该建议", "No such suggestion")


def _allowed(user: User, action: Action) -> None:
    if action is Action.EDIT and not scope_of(user).can_edit:
        raise Forbidden("没有修改权限", "Your role may not change this")


# ---------------------------------------------------------------- suggestions

def access_suggestion(user: User, pk: int, *, action: Action) -> Suggestion:
    """A suggestion in the user's scope, or one reassigned to their community or compound."""
    found = queries.suggestions_for(scope_of(user)).filter(pk=pk).first()
    if found is None:
        raise NotFound(*NO_SUGGESTION)
    _allowed(user, action)
    return found


def access_suggestion_contact(user: User, pk: int) -> Suggestion:
    """A suggestion whose contact phone the user may see in full: staff whose role needs it, in their scope."""
    found = access_suggestion(user, pk, action=Action.VIEW)
    if not scope_of(user).sees_personal_data:
        raise Forbidden("只有街道和社区工作人员可以查看居民留下的完整电话。",
                        "Only sub-district and community staff may see a resident's full phone number.")
    return found


def access_suggestion_by_code(user: User, code: str, *, action: Action) -> Suggestion:
    """The same, found by its receipt code (as staff type it from a letter or the phone)."""
    found = queries.suggestions_for(scope_of(user)).filter(receipt_code=code.strip().upper()).first()
    if found is None:
        raise NotFound(*NO_SUGGESTION)
    _allowed(user, action)
    return found


def access_suggestion_photo(user: User, pk: int, *, action: Action) -> SuggestionPhoto:
    # Through the suggestion: staff a suggestion was assigned to see its photos too.
    found = SuggestionPhoto.objects.filter(suggestion__in=queries.suggestions_for(scope_of(user)), pk=pk).first()
    if found is None:
        raise NotFound("找不到该照片", "No such photo")
    _allowed(user, action)
    return found


# ---------------------------------------------------------------- notices, meetings

def access_notice(user: User, pk: int, *, action: Action) -> Notice:
    return fetch(Notice.objects.select_related("compound", "building"), user, pk, action=action,
                 zh="找不到该公示", en="No such notice")


def access_meeting(user: User, pk: int, *, action: Action) -> Meeting:
    return fetch(Meeting.objects.select_related("compound"), user, pk, action=action,
                 zh="找不到该会议", en="No such meeting")


def access_followup(user: User, pk: int, *, action: Action, meeting: Meeting) -> FollowUp:
    """A follow-up action of a meeting the caller already reached."""
    found = FollowUp.objects.filter(pk=pk, meeting=meeting).select_related("meeting").first()
    if found is None:
        raise NotFound("找不到该跟进事项", "No such follow-up action")
    _allowed(user, action)
    return found


# ---------------------------------------------------------------- places and people

def assignee_community(pk: int, *, suggestion: Suggestion) -> Community:
    """A community a suggestion may be passed on to: any of its sub-district, whatever the caller's own scope."""
    found = Community.objects.filter(pk=pk, subdistrict_id=suggestion.subdistrict_id).first()
    if found is None:
        raise NotFound("找不到该社区", "No such community")
    return found


def assignee_compound(pk: int, *, suggestion: Suggestion) -> Compound:
    """A compound a suggestion may be passed on to, likewise."""
    found = Compound.objects.filter(pk=pk, subdistrict_id=suggestion.subdistrict_id).first()
    if found is None:
        raise NotFound("找不到该小区", "No such compound")
    return found


def access_building(user: User, pk: int, *, action: Action, compound: Compound) -> Building:
    """A building of a compound the caller already reached."""
    found = Building.objects.filter(pk=pk, compound=compound).first()
    if found is None:
        raise NotFound("找不到该楼栋", "No such building")
    _allowed(user, action)
    return found


def access_person(user: User, pk: int, *, action: Action, subdistrict_id: int) -> Person:
    """A person of the sub-district the user may see; whether they may join or volunteer is the service's rule."""
    return fetch(Person.objects.filter(subdistrict_id=subdistrict_id), user, pk, action=action,
                 zh="找不到该人员", en="No such person")


# ---------------------------------------------------------------- party network

def access_organisation(user: User, pk: int, *, action: Action) -> PartyOrganisation:
    return fetch(PartyOrganisation.objects.select_related("compound", "community", "parent"), user, pk, action=action,
                 zh="找不到该党组织", en="No such party organisation")


def access_membership(user: User, pk: int, *, action: Action, organisation: PartyOrganisation | None = None) -> Membership:
    """A membership of an organisation in scope (of `organisation`, when the page names one)."""
    qs = Membership.objects.filter(organisation__in=PartyOrganisation.objects.visible_to(user)).select_related("organisation")
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    found = qs.filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该党员", "No such party member")
    _allowed(user, action)
    return found


# ---------------------------------------------------------------- residents, without an account

def public_compound(pk: int) -> Compound:
    found = Compound.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该小区", "No such compound")
    return found


def public_building(pk: int, *, compound: Compound) -> Building:
    found = Building.objects.filter(pk=pk, compound=compound).first()
    if found is None:
        raise NotFound("找不到该楼栋", "No such building")
    return found


def public_suggestion(code: str) -> Suggestion:
    """A suggestion by its receipt code: the code is the sender's key, so no login."""
    found = Suggestion.objects.select_related("compound", "building").filter(receipt_code=code.upper()).first()
    if found is None:
        raise NotFound("回执码不存在", "No suggestion with this receipt code")
    return found


def public_notice(pk: int) -> Notice:
    """A published notice; a draft looks the same as a missing one."""
    found = Notice.objects.filter(published_at__isnull=False).select_related("compound", "building").filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该公示", "No such notice")
    return found


def public_notice_image(user: User, pk: int) -> NoticeImage:
    """A notice's picture: public once the notice is, otherwise for staff in scope."""
    image = NoticeImage.objects.select_related("notice").filter(pk=pk).first()
    if image is None or not (image.notice.is_published or Notice.objects.visible_to(user).filter(pk=image.notice_id).exists()):
        raise NotFound("找不到该图片", "No such picture")
    return image
