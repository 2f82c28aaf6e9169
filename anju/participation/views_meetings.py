"""Staff pages for meetings (民情恳谈会), household visits (一户一策) and the party network with volunteers."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core import paging
from anju.core.access import Action, require_edit
from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import ValidationFailed
from anju.core.pages import attempt
from anju.core.pdf import issuing_unit, render_pdf
from anju.core.scoping import scope_of
from anju.participation import forms, queries, services
from anju.participation.access import (
    access_compound,
    access_followup,
    access_household,
    access_meeting,
    access_membership,
    access_organisation,
    access_suggestion_by_code,
)
from anju.participation.models import QUESTIONS, OrgLevel, PartyOrganisation
from anju.participation.views import compounds_of
from anju.roster.models import Community, Household, Person


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form = forms.MeetingForm(compounds=compounds_of(request))
    return render(request, "participation/meetings.html", {
        "rows": paging.page_of(queries.meetings_for(scope), request.GET), "form": form, "can_edit": scope.can_edit,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def meeting_new(request: HttpRequest) -> HttpResponse:
    require_edit(request.user)
    form = forms.MeetingForm(request.POST, compounds=compounds_of(request))
    if not form.is_valid():
        messages.error(request, _("请检查会议信息"))
        return redirect("participation:meetings")
    d = form.cleaned_data
    meeting = services.meeting_create(compound=d["compound"], starts_at=d["starts_at"], place=d["place"], topic=d["topic"],
                                      actor=Actor.of(request.user))
    return redirect("participation:meeting", meeting.pk)


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    m = access_meeting(request.user, pk, action=Action.VIEW)
    invited = m.invited.select_related("unit__building").order_by("unit__building_id", "unit_id", "floor", "room")
    present = set(m.present.values_list("pk", flat=True))
    return render(request, "participation/meeting.html", {
        "m": m, "invited": invited, "present": present, "decisions": m.decisions.all(),
        "actions": m.actions.all(), "suggestions": m.suggestions.select_related("compound"),
        "buildings": m.compound.buildings.order_by("id"), "today": timezone.localdate(),
        "decision_form": forms.DecisionForm(linkable=queries.linkable_objects(m.compound)), "action_form": forms.FollowUpForm(),
        "can_edit": scope_of(request.user).can_edit,
    })


@login_required
@require_POST
def meeting_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    m = access_meeting(request.user, pk, action=Action.EDIT)
    actor = Actor.of(request.user)

    def invite() -> int:
        households = Household.objects.filter(compound=m.compound)
        if (building_id := parse_id(request.POST.get("building"))) is not None:
            households = households.filter(unit__building_id=building_id)
        return services.meeting_invite(meeting=m, households=list(households.values_list("pk", flat=True)), actor=actor)

    def attendance() -> int:
        ids = [i for i in map(parse_id, request.POST.getlist("present")) if i is not None]
        return services.meeting_attendance(meeting=m, present=ids, actor=actor)

    def decision() -> object:
        linkable = queries.linkable_objects(m.compound)
        form = forms.DecisionForm(request.POST, linkable=linkable)
        if not form.is_valid():
            raise ValidationFailed("请填写决定事项", "Please write the decision", field="text")
        return services.decision_add(meeting=m, text=form.cleaned_data["text"], reference=form.cleaned_data["reference"],
                                     linked=linkable.get(form.cleaned_data["linked"]), actor=actor)

    def followup() -> object:
        form = forms.FollowUpForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed("请填写跟进事项、责任人和期限", "Fill in the action, its owner and due date")
        return services.followup_add(meeting=m, actor=actor, **form.cleaned_data)

    def unknown() -> None:
        raise ValidationFailed("未知操作", "Unknown action")

    def minutes() -> object:
        return services.meeting_minutes(meeting=m, minutes=request.POST.get("minutes", ""), actor=actor)

    run = {"invite": invite, "attendance": attendance, "minutes": minutes, "decision": decision, "followup": followup}.get(action, unknown)
    # What the form points at is looked up first: a follow-up or a suggestion out of reach is a 404.
    if action == "done":
        item = access_followup(request.user, parse_id(request.POST.get("action")) or 0, action=Action.EDIT, meeting=m)

        def done() -> object:
            return services.followup_done(action=item, done=request.POST.get("done") != "0", actor=actor)

        run = done
    elif action == "suggestion":
        s = access_suggestion_by_code(request.user, request.POST.get("code", ""), action=Action.EDIT)

        def link() -> None:
            services.meeting_link_suggestion(meeting=m, suggestion=s, actor=actor, unlink=request.POST.get("unlink") == "1")

        run = link
    attempt(request, run, done=_("已保存"))
    return redirect("participation:meeting", m.pk)


@login_required
def meeting_signin(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in sheet (签到表): every invited household with a column for the signature."""
    m = access_meeting(request.user, pk, action=Action.VIEW)
    invited = m.invited.select_related("unit__building").order_by("unit__building_id", "unit_id", "floor", "room")
    pdf = render_pdf("participation/print/signin.html", {"m": m, "invited": invited, **issuing_unit(m.compound)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote('签到表-' + m.topic + '.pdf')}"
    return response


# ---------------------------------------------------------------- visits

VISIT_ROUNDS = (1, 2, 3)  # the rounds the filter offers: a household's first, second and third visit


@login_required
def visits(request: HttpRequest) -> HttpResponse:
    """Each compound's visited and unvisited households, a page of compounds at a time, by community."""
    scope = scope_of(request.user)
    compounds = compounds_of(request).select_related("community")
    communities = Community.objects.visible_to(request.user).order_by("name", "id")
    community = parse_id(request.GET.get("community"))
    if community is not None:
        compounds = compounds.filter(community_id=community)
    page = paging.page_of(compounds, request.GET)
    coverage = queries.visit_coverage_of(scope, [c.pk for c in page])
    rows = [(c, visited, total, total - visited) for c in page for visited, total in [coverage[c.pk]]]
    return render(request, "participation/visits.html", {
        "rows": rows, "page": page, "communities": communities[:1000], "community": community})


@login_required
def visits_compound(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's visit records (by building and round) and the households not visited yet, each list paged."""
    scope = scope_of(request.user)
    compound = access_compound(request.user, pk, action=Action.VIEW)
    buildings = compound.buildings.order_by("id")
    building = parse_id(request.GET.get("building"))
    if building is not None and not any(b.pk == building for b in buildings):
        building = None  # another compound's building: the whole compound, as without a filter
    visit_round = parse_id(request.GET.get("round"))
    records = paging.page_of(queries.visits_for(scope, compound_id=compound.pk, building_id=building,
                                                visit_round=visit_round), request.GET)
    not_visited = paging.page_of(queries.households_not_visited(scope, compound, building_id=building), request.GET,
                                 size=paging.PAGE_SIZE * 4, param="unvisited")
    visited, total = queries.visit_coverage(scope, compound)
    return render(request, "participation/visits_compound.html", {
        "compound": compound, "not_visited": not_visited, "records": records, "visited": visited, "total": total,
        "tally": queries.visit_tally(scope, compound), "buildings": buildings, "building": building,
        "visit_round": visit_round, "rounds": VISIT_ROUNDS,
    })


def _visitor_name(user) -> str:
    """Who is at the door: the signed-in worker's name as the office knows it (never a login name)."""
    profile = getattr(user, "anju_profile", None)
    return (profile.display_name if profile is not None else "") or user.get_full_name()


@login_required
def household_visits(request: HttpRequest, pk: int) -> HttpResponse:
    household = access_household(request.user, pk, action=Action.VIEW)  # volunteers record visits too
    form = forms.VisitForm(request.POST or None, initial={"visited_on": timezone.localdate(),
                                                          "visitors": _visitor_name(request.user)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.visit_record(household=household, visited_on=d["visited_on"], visitors=d["visitors"],
                                  answers={k: d[k] for k, _l in QUESTIONS}, concerns=d["concerns"],
                                  follow_up=d["follow_up"], actor=Actor.of(request.user))
        except ValidationFailed as error:
            form.add_error(error.field if error.field in form.fields else None, error.message())
        else:
            messages.success(request, _("走访记录已保存"))
            return redirect("participation:household_visits", household.pk)
    return render(request, "participation/household_visits.html", {
        "household": household, "visits": household.visits.all(), "form": form, "questions": QUESTIONS,
    })


# ---------------------------------------------------------------- party network and volunteers

@login_required
def party(request: HttpRequest) -> HttpResponse:
    orgs = list(PartyOrganisation.objects.visible_to(request.user).select_related("compound", "community", "parent"))
    scope = scope_of(request.user)
    if not scope.everything and scope.subdistrict_id and (scope.community_id or scope.compound_id):
        # Ancestors stay visible so the three levels read as one tree.
        ancestors = PartyOrganisation.objects.filter(subdistrict_id=scope.subdistrict_id, level=OrgLevel.SUBDISTRICT)
        orgs = list(ancestors) + [o for o in orgs if o.level != OrgLevel.SUBDISTRICT]
    return render(request, "participation/party.html",
                  {"orgs": [(o, queries.branch_totals(o)) for o in queries.party_tree(orgs)]})


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = access_organisation(request.user, pk, action=Action.VIEW)
    scope = scope_of(request.user)
    people = queries.branch_people(org)
    residents = queries.organisation_residents(org) if org.compound_id else Person.objects.none()
    return render(request, "participation/organisation.html", {
        "org": org, "members": queries.branch_members(org), "pledges": queries.pledge_summary(org),
        "volunteers": queries.branch_volunteers(org), "hours": queries.hours_by_person(queries.branch_activities(org)),
        "totals": queries.branch_totals(org), "children": org.children.all(),
        "activity_form": forms.ActivityForm(people=people, initial={"on": timezone.localdate()}),
        "pledge_form": forms.PledgeForm(), "member_form": forms.MemberForm(people=residents),
        "volunteer_form": forms.VolunteerForm(people=residents),
        "can_edit": scope.can_edit, "can_log": scope.subdistrict_id is not None or scope.everything,
        "recent": queries.branch_activities(org).select_related("person")[:20],
    })


@login_required
@require_POST
def organisation_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Log hours (every role in scope), set a pledge, add a member or a volunteer (staff who may edit)."""
    org = access_organisation(request.user, pk, action=Action.EDIT if action in ("pledge", "member", "volunteer") else Action.VIEW)
    actor = Actor.of(request.user)

    def activity() -> object:
        form = forms.ActivityForm(request.POST, people=queries.branch_people(org))
        if not form.is_valid() or org.compound is None:
            raise ValidationFailed("请检查服务记录", "Check the activity")
        return services.activity_log(compound=org.compound, actor=actor, **form.cleaned_data)

    def member() -> object:
        form = forms.MemberForm(request.POST, people=queries.organisation_residents(org))
        if not form.is_valid():
            raise ValidationFailed("请选择本小区的人员", "Choose a person of this compound", field="person")
        return services.member_add(organisation=org, person=form.cleaned_data["person"], duty=form.cleaned_data["duty"], actor=actor)

    def volunteer() -> object:
        form = forms.VolunteerForm(request.POST, people=queries.organisation_residents(org))
        if not form.is_valid() or org.compound is None:
            raise ValidationFailed("请选择本小区的人员和岗位", "Choose a person of this compound and a role", field="person")
        return services.volunteer_assign(compound=org.compound, actor=actor, **form.cleaned_data)

    def unknown() -> None:
        raise ValidationFailed("未知操作", "Unknown action")

    run = {"activity": activity, "member": member, "volunteer": volunteer}.get(action, unknown)
    if action == "pledge":
        # The membership is looked up first: one outside the organisation is a 404, whatever the rest of the form says.
        form = forms.PledgeForm(request.POST)
        membership = access_membership(request.user, form.cleaned_data["membership"], action=Action.EDIT, organisation=org) \
            if form.is_valid() else None

        def pledge() -> object:
            if membership is None:
                raise ValidationFailed("请检查承诺", "Check the pledge")
            return services.pledge_set(membership=membership, kind=form.cleaned_data["kind"], status=form.cleaned_data["status"],
                                       actor=actor)

        run = pledge
    attempt(request, run, done=_("已保存"))
    return redirect("participation:organisation", org.pk)
