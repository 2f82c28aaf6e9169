"""Reads of the 共建共治 capability: overdue suggestions, the public board, visits, hours and pledges."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from anju.core.household_links import HouseholdLink
from anju.core.household_links import register as register_household_links
from anju.core.scoping import Scope, scope_of
from anju.domain.workdays import add_workdays, calendar_covers
from anju.participation.models import (
    QUESTIONS,
    Activity,
    Answer,
    Category,
    FollowUp,
    Meeting,
    Membership,
    Notice,
    NoticeImage,
    OrgLevel,
    PartyOrganisation,
    Pledge,
    PledgeStatus,
    Suggestion,
    SuggestionStatus,
    Visit,
    Volunteer,
)
from anju.roster.models import Building, Compound, Household, Person


def reply_days() -> int:
    """Working days (工作日) a suggestion may wait for its first reply (default 3)."""
    return settings.ANJU_SUGGESTION_REPLY_DAYS


def close_days() -> int:
    """Working days a suggestion may stay open before it is overdue for closing (default 30)."""
    return settings.ANJU_SUGGESTION_CLOSE_DAYS


def due_date(created: datetime.datetime, days: int) -> datetime.date:
    """The last day to act: `days` working days after the (local) day the suggestion came in.

    Offices count working days on the official calendar (holidays off, 调休 weekends worked); the day
    of submission never counts, so a suggestion made on Friday with 3 days is due on Wednesday.
    """
    return add_workdays(timezone.localdate(created), days)


@dataclass(frozen=True)
class Timing:
    """How long a suggestion waited for its reply and its closing, its due dates, and whether it is late."""

    response: datetime.timedelta | None
    closing: datetime.timedelta | None
    reply_due: datetime.date
    close_due: datetime.date
    reply_overdue: bool
    close_overdue: bool
    # False when a due date falls in a year whose holiday notice is not entered (counted Monday–Friday).
    calendar_known: bool

    @property
    def overdue(self) -> bool:
        return self.reply_overdue or self.close_overdue


def timing(s: Suggestion, now: datetime.datetime | None = None) -> Timing:
    today = timezone.localdate(now or timezone.now())
    response = s.first_reply_at - s.created if s.first_reply_at else None
    closing = s.closed_at - s.created if s.closed_at else None
    reply_due, close_due = due_date(s.created, reply_days()), due_date(s.created, close_days())
    return Timing(
        response, closing, reply_due, close_due,
        reply_overdue=s.first_reply_at is None and today > reply_due,
        close_overdue=s.closed_at is None and today > close_due,
        calendar_known=calendar_covers([timezone.localdate(s.created), close_due]),
    )


def _created_before_due_passed(today: datetime.date, days: int) -> datetime.datetime:
    """Suggestions created before this moment are past their due date today (see add_workdays)."""
    bound = add_workdays(today, -days)
    return timezone.make_aware(datetime.datetime.combine(bound, datetime.time.min))


def overdue_q(now: datetime.datetime | None = None) -> Q:
    """Open suggestions waiting too long, in working days, for a first reply or for their closing."""
    today = timezone.localdate(now or timezone.now())
    no_reply = Q(first_reply_at__isnull=True, created__lt=_created_before_due_passed(today, reply_days()))
    not_closed = Q(closed_at__isnull=True, created__lt=_created_before_due_passed(today, close_days()))
    return ~Q(status=SuggestionStatus.CLOSED) & (no_reply | not_closed)


def suggestions_for(scope: Scope, *, status: str = "", overdue: bool = False, category: str = "",
                    compound_id: int | None = None, now: datetime.datetime | None = None) -> QuerySet[Suggestion]:
    """Suggestions in scope, those reassigned to the scope's community or compound included, newest first."""
    qs = Suggestion.objects.filter(_in_scope_or_assigned(scope))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    if overdue:
        qs = qs.filter(overdue_q(now))
    return qs.select_related("compound", "building", "assigned_community", "assigned_compound").annotate(
        photo_count=Count("photos", distinct=True)).order_by("-created", "-id")


def _in_scope_or_assigned(scope: Scope) -> Q:
    q = scope.q(Suggestion.scope_paths)
    if scope.everything or scope.subdistrict_id is None:
        return q
    if scope.compound_id is not None:
        return q | Q(assigned_compound_id=scope.compound_id)
    if scope.community_id is not None:
        return q | Q(assigned_community_id=scope.community_id)
    return q


@dataclass(frozen=True)
class SuggestionFigures:
    total: int
    open: int
    overdue: int
    answered: int
    mean_response_hours: Decimal | None
    mean_close_days: Decimal | None


def suggestion_figures(scope: Scope, now: datetime.datetime | None = None) -> SuggestionFigures:
    """Counts and mean response/closing times (averaged in Python over exact timedeltas: portable)."""
    qs = Suggestion.objects.filter(_in_scope_or_assigned(scope))
    rows = list(qs.values_list("status", "created", "first_reply_at", "closed_at"))
    responses = [r[2] - r[1] for r in rows if r[2]]
    closings = [r[3] - r[1] for r in rows if r[3]]
    mean_h = (Decimal(sum(d.total_seconds() for d in responses)) / len(responses) / 3600).quantize(Decimal("0.1")) if responses else None
    mean_d = (Decimal(sum(d.total_seconds() for d in closings)) / len(closings) / 86400).quantize(Decimal("0.1")) if closings else None
    return SuggestionFigures(
        total=len(rows), open=sum(1 for r in rows if r[0] != SuggestionStatus.CLOSED),
        overdue=qs.filter(overdue_q(now)).count(), answered=sum(1 for r in rows if r[2]),
        mean_response_hours=mean_h, mean_close_days=mean_d,
    )


def subject_counts(compound: Compound, prefix: str) -> dict[str, int]:
    """How many suggestions were filed about each subject starting with `prefix` (another app's key)."""
    rows = (Suggestion.objects.filter(compound=compound, subject__startswith=prefix).values("subject")
            .annotate(n=Count("pk")).order_by())
    return {r["subject"]: r["n"] for r in rows}


SUBJECT = re.compile(r"^disclosure:(\d{1,18}):(\S{1,100})$")


def subject_link(subject: str) -> str | None:
    """Where a suggestion filed from another app's page leads back to: the published figure a
    "这里不对" named (公示, `stewardship`), on the staff's page of the statement, at that figure's row.
    By URL name, so participation imports nothing of the app that filed it."""
    m = SUBJECT.match(subject or "")
    if m is None:
        return None
    return f"{reverse('stewardship:disclosure', args=[int(m[1])])}#figure-{quote(m[2].replace(':', ''))}"


def public_board(*, compound: Compound | None = None, limit: int = 50) -> QuerySet[Suggestion]:
    """Answered suggestions staff chose to show; pages print only title, category, place, dates and the reply."""
    qs = Suggestion.objects.filter(first_reply_at__isnull=False, show_on_board=True).exclude(reply="")
    if compound is not None:
        qs = qs.filter(compound=compound)
    return qs.select_related("compound", "building").order_by("-first_reply_at")[:limit]


_DIGITS = re.compile(r"\d[\d\s-]{5,}\d")


def scrub(text: str) -> str:
    """Hide long digit runs (phones, ID numbers) a resident may have typed into a public text."""
    return _DIGITS.sub("****", text)


def suggestion_categories() -> list[tuple[str, str]]:
    """The categories a resident chooses from when sending a suggestion (value, label)."""
    return [(value, str(label)) for value, label in Category.choices]


def suggestions_by_receipt(codes: Iterable[str]) -> QuerySet[Suggestion]:
    """The suggestions with these receipt codes (what their senders may read: status, reply), newest first."""
    return Suggestion.objects.filter(receipt_code__in=list(codes)).select_related("compound", "building").order_by("-created")


def notices_for_place(compound: Compound, building: Building | None = None) -> QuerySet[Notice]:
    """Published notices a resident of this compound (and building) should see."""
    qs = Notice.objects.filter(compound=compound, published_at__isnull=False)
    if building is not None:
        qs = qs.filter(Q(building__isnull=True) | Q(building=building))
    return qs.select_related("compound", "building").order_by("-published_at")


def _image_src(image: NoticeImage) -> str:
    return f'src="{reverse("participation:notice_image", args=[image.pk])}"'


def images_not_in_body(notice: Notice) -> list[NoticeImage]:
    """The notice's pictures the editor did not already place in the text, to show below it (not twice)."""
    return [i for i in notice.images.all() if _image_src(i) not in notice.body_html]


def body_for_print(notice: Notice) -> str:
    """The notice's (sanitised) HTML with its own pictures pointing at their files, which the PDF renderer reads."""
    body = notice.body_html
    for image in notice.images.all():
        body = body.replace(_image_src(image), f'src="{Path(image.image.path).as_uri()}"')
    return body


def meetings_for(scope: Scope) -> QuerySet[Meeting]:
    return Meeting.objects.within(scope).select_related("compound").annotate(
        invited_count=Count("invited", distinct=True), present_count=Count("present", distinct=True),
        open_actions=Count("actions", filter=Q(actions__done_at__isnull=True), distinct=True),
    )


def overdue_actions(scope: Scope, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    today = today or timezone.localdate()
    return FollowUp.objects.filter(meeting__in=Meeting.objects.within(scope), done_at__isnull=True, due__lt=today) \
        .select_related("meeting__compound")


def households_not_visited(scope: Scope, compound: Compound, *, building_id: int | None = None) -> QuerySet[Household]:
    """Households of a compound (or of one of its buildings) in scope without any visit record."""
    visited = Visit.objects.filter(household=OuterRef("pk"))
    households = Household.objects.within(scope).filter(compound=compound)
    if building_id is not None:
        households = households.filter(unit__building_id=building_id)
    return households.exclude(Exists(visited)).select_related("unit__building") \
        .order_by("unit__building_id", "unit_id", "floor", "room", "id")


def visits_for(scope: Scope, *, compound_id: int | None = None, building_id: int | None = None,
               household_id: int | None = None, visit_round: int | None = None) -> QuerySet[Visit]:
    """Visit records in scope, newest first, each with `visit_round`: the household's first visit is round 1,
    its next one round 2 (by visit date, then as recorded); `visit_round` keeps one round only."""
    qs = Visit.objects.within(scope)
    if compound_id is not None:
        qs = qs.filter(compound_id=compound_id)
    if building_id is not None:
        qs = qs.filter(household__unit__building_id=building_id)
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    # Each filter above keeps or drops a household's visits together, so the numbering counts all of them.
    qs = qs.annotate(visit_round=Window(RowNumber(), partition_by=[F("household_id")],
                                        order_by=[F("visited_on").asc(), F("id").asc()]))
    if visit_round is not None:
        qs = qs.filter(visit_round=visit_round)
    return qs.select_related("household__unit__building").order_by("-visited_on", "-id")


def visit_round(visit: Visit) -> int:
    """Which visit of its household `visit` is (1 for the first), as `visits_for` numbers them."""
    known: int | None = getattr(visit, "visit_round", None)
    if known is not None:
        return known
    earlier = Q(visited_on__lt=visit.visited_on) | Q(visited_on=visit.visited_on, id__lt=visit.pk)
    return Visit.objects.filter(earlier, household_id=visit.household_id).count() + 1


def visited_households(households: QuerySet[Household]) -> int:
    """How many of these households have at least one visit record: the one count behind every 走访户数
    (the visits pages and the party pages), households not visits, so a second visit counts once."""
    return households.filter(Exists(Visit.objects.filter(household=OuterRef("pk")))).count()


def visit_coverage_of(scope: Scope, compound_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(visited households, all households) of each compound, in two grouped queries whatever their number;
    counted like `visit_coverage`."""
    households = Household.objects.within(scope).filter(compound_id__in=compound_ids)
    visited = Exists(Visit.objects.filter(household=OuterRef("pk")))
    totals = dict(households.values("compound_id").annotate(n=Count("id")).values_list("compound_id", "n"))
    seen = dict(households.filter(visited).values("compound_id").annotate(n=Count("id")).values_list("compound_id", "n"))
    return {pk: (seen.get(pk, 0), totals.get(pk, 0)) for pk in compound_ids}


def visit_coverage(scope: Scope, compound: Compound) -> tuple[int, int]:
    """(visited households, all households) of a compound."""
    households = Household.objects.within(scope).filter(compound=compound)
    return visited_households(households), households.count()


def visit_tally(scope: Scope, compound: Compound) -> list[tuple[str, str, dict[str, int]]]:
    """Per question, how the visited households answered at their latest visit: (key, label, {answer or "none": households})."""
    latest: dict[int, Visit] = {}
    for v in Visit.objects.within(scope).filter(compound=compound).order_by("household_id", "-visited_on", "-id"):
        latest.setdefault(v.household_id, v)
    rows = []
    for key, label in QUESTIONS:
        counts = {answer: 0 for answer in (*Answer.values, "none")}
        for v in latest.values():
            counts[getattr(v, key) or "none"] += 1
        rows.append((key, str(label), counts))
    return rows


@dataclass(frozen=True)
class PersonHours:
    person_id: int
    name: str
    hours: Decimal
    visits: int
    entries: int


def hours_by_person(activities: QuerySet[Activity]) -> list[PersonHours]:
    rows = activities.values("person_id", "person__name").annotate(h=Sum("hours"), v=Sum("visits"), n=Count("id")) \
        .order_by("-h", "person_id")
    return [PersonHours(r["person_id"], r["person__name"], _hours(r["h"]), r["v"] or 0, r["n"]) for r in rows]


def _hours(value: Decimal | None) -> Decimal:
    """Sums come back as Decimal('2') on SQLite and Decimal('2.0') on PostgreSQL: one tenth of an hour on both."""
    return (value or Decimal("0")).quantize(Decimal("0.1"))


def branch_activities(branch: PartyOrganisation) -> QuerySet[Activity]:
    """Activities in the compound(s) under a party organisation (a branch: its compound)."""
    if branch.compound_id:
        return Activity.objects.filter(compound_id=branch.compound_id)
    if branch.community_id:
        return Activity.objects.filter(compound__community_id=branch.community_id)
    return Activity.objects.filter(subdistrict_id=branch.subdistrict_id)


def organisation_households(org: PartyOrganisation) -> QuerySet[Household]:
    """The households of an organisation's own area: a branch's compound, a community's, or the sub-district."""
    if org.compound_id:
        return Household.objects.filter(compound_id=org.compound_id)
    if org.community_id:
        return Household.objects.filter(compound__community_id=org.community_id)
    return Household.objects.filter(compound__community__subdistrict_id=org.subdistrict_id)


def branch_totals(branch: PartyOrganisation) -> dict[str, Decimal | int]:
    """Service hours and entries logged in the organisation's area; `visits` is its households with a visit
    record (as the visits page counts them), `reported_visits` what service entries say they visited."""
    agg = branch_activities(branch).aggregate(h=Sum("hours"), v=Sum("visits"), n=Count("id"))
    return {"hours": _hours(agg["h"]), "visits": visited_households(organisation_households(branch)),
            "households": organisation_households(branch).count(), "reported_visits": agg["v"] or 0,
            "entries": agg["n"]}


LEVEL_ORDER: dict[str, int] = {OrgLevel.SUBDISTRICT: 0, OrgLevel.COMMUNITY: 1, OrgLevel.BRANCH: 2}


def party_tree(orgs: list[PartyOrganisation]) -> list[PartyOrganisation]:
    """街道党工委 → 社区党委 → 小区党支部, each followed by its own children (depth first, by id).

    An organisation whose parent is not in the list (outside the reader's scope) starts a tree of its own.
    """
    present = {o.pk for o in orgs}
    children: dict[int | None, list[PartyOrganisation]] = {}
    for o in orgs:
        children.setdefault(o.parent_id if o.parent_id in present else None, []).append(o)
    out: list[PartyOrganisation] = []

    def walk(parent: int | None) -> None:
        for o in sorted(children.get(parent, []), key=lambda o: (LEVEL_ORDER.get(o.level, 9), o.pk)):
            out.append(o)
            walk(o.pk)

    walk(None)
    return out


def totals_per_organisation(orgs: QuerySet[PartyOrganisation]) -> dict[int, dict]:
    return {org.pk: branch_totals(org) for org in orgs}


def branch_members(branch: PartyOrganisation) -> list[Membership]:
    return list(branch.memberships.select_related("person").prefetch_related("pledges").order_by("id"))


def pledge_summary(branch: PartyOrganisation) -> dict[str, int]:
    counts = dict(Pledge.objects.filter(membership__organisation=branch).values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in PledgeStatus.values}


def residents_of(*, subdistrict_id: int, community_id: int | None = None, compound_id: int | None = None) -> QuerySet[Person]:
    """People living in or owning a home in a compound (or else a community, or else a sub-district)."""
    if compound_id is not None:
        households = Household.objects.filter(compound_id=compound_id)
    elif community_id is not None:
        households = Household.objects.filter(compound__community_id=community_id)
    else:
        households = Household.objects.filter(compound__subdistrict_id=subdistrict_id)
    return Person.objects.filter(Q(residences__household__in=households) | Q(ownerships__household__in=households)) \
        .distinct().order_by("name", "id")


def organisation_residents(org: PartyOrganisation) -> QuerySet[Person]:
    """Who may join a party organisation or volunteer for it: people with a home in its compound (or community)."""
    return residents_of(compound_id=org.compound_id, community_id=org.community_id, subdistrict_id=org.subdistrict_id)


def branch_people(org: PartyOrganisation) -> QuerySet[Person]:
    """The people the page offers for logging hours: the organisation's members and the volunteers of its compounds."""
    volunteer_people = branch_volunteers(org).values_list("person_id", flat=True)
    return Person.objects.filter(Q(party_memberships__organisation=org) | Q(pk__in=volunteer_people)).distinct().order_by("name", "id")


def may_log_hours(person: Person, compound: Compound) -> bool:
    """Hours in a compound are logged for the members of its party branch and its volunteers on duty, nobody else."""
    return Membership.objects.filter(person=person, organisation__compound=compound).exists() or \
        Volunteer.objects.filter(person=person, compound=compound, active=True).exists()


def branch_volunteers(branch: PartyOrganisation) -> QuerySet[Volunteer]:
    qs = Volunteer.objects.filter(active=True).select_related("person", "compound")
    if branch.compound_id:
        return qs.filter(compound_id=branch.compound_id)
    if branch.community_id:
        return qs.filter(compound__community_id=branch.community_id)
    return qs.filter(subdistrict_id=branch.subdistrict_id)


LINKABLE = (("programme", "Project"), ("consultations", "Consultation"))


def linkable_objects(compound: Compound) -> dict[str, Model]:
    """Projects and consultations of a compound a meeting decision may link to, keyed "app.model:pk".

    Looked up by name at call time: those apps are free to change, and a missing one just offers nothing.
    """
    found: dict[str, Model] = {}
    for app_label, model_name in LINKABLE:
        try:
            model = apps.get_model(app_label, model_name)
            rows = list(model.objects.filter(compound=compound).order_by("id")[:50])
        except (LookupError, FieldError):
            continue
        for row in rows:
            found[f"{row._meta.label_lower}:{row.pk}"] = row
    return found


def household_visits_of(scope: Scope, household: Household) -> QuerySet[Visit]:
    """A household's visit records (一户一策) in the scope, the latest first."""
    return Visit.objects.within(scope).filter(household=household).order_by("-visited_on", "-id")


def household_suggestions(scope: Scope, household: Household, *, limit: int = 5) -> list[Suggestion]:
    """The latest suggestions about the household's building (a suggestion names a building, not a flat)."""
    return list(suggestions_for(scope).filter(building_id=household.unit.building_id).order_by("-id")[:limit])


def party_member_ids(person_ids: list[int]) -> set[int]:
    """Which of these people are party members (a membership of any organisation): 交叉任职 counts."""
    return set(Membership.objects.filter(person_id__in=person_ids).values_list("person_id", flat=True))


def organisations_leading(compound: Compound) -> QuerySet[PartyOrganisation]:
    """The party organisations that may lead a compound: its own branch, or its community's committee."""
    return (PartyOrganisation.objects.filter(Q(compound=compound) | Q(level="community", community_id=compound.community_id))
            .order_by("level", "name"))


def _household_links(user: object, household: Model) -> list[HouseholdLink]:
    """The household page's lines about visits and suggestions (see `anju.core.household_links`)."""
    from django.utils.translation import gettext as _

    assert isinstance(household, Household)
    scope = scope_of(user)  # type: ignore[arg-type]  # the registry passes the request's user
    visits = household_visits_of(scope, household)
    count, latest = visits.count(), visits.first()
    links = [HouseholdLink(
        "visits", _("走访记录"),
        (_("%(n)s 次，最近一次 %(day)s") % {"n": count, "day": latest.visited_on.isoformat()}) if latest else _("尚未走访"),
        reverse("participation:household_visits", args=[household.pk]))]
    links += [HouseholdLink("suggestions", s.title, s.get_status_display(), reverse("participation:suggestion", args=[s.pk]))
              for s in household_suggestions(scope, household)]
    return links


register_household_links("participation", _household_links)
