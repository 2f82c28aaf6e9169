"""Staff pages for meetings (民情恳谈会), household visits (一户一策) and the party network with volunteers."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.core.audit import Actor
from anju.core.bounds import parse_id
from anju.core.errors import AnjuError, ValidationFailed
from anju.core.pdf import render_pdf
from anju.core.scoping import scope_of
from anju.participation import forms, queries, services
from anju.participation.models import (
    QUESTIONS,
    FollowUp,
    Meeting,
    Membership,
    OrgLevel,
    PartyOrganisation,
    Visit,
)
from anju.participation.views import compounds_of, require_edit
from anju.roster.models import Household, Person


def access_meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("compound"), pk=pk)


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    form = forms.MeetingForm(compounds=compounds_of(request))
    return render(request, "participation/meetings.html", {
        "rows": queries.meetings_for(scope)[:200], "form": form, "can_edit": scope.can_edit,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def meeting_new(request: HttpRequest) -> HttpResponse:
    require_edit(request)
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
    m = access_meeting(request, pk)
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
    m = access_meeting(request, pk)
    require_edit(request)
    actor = Actor.of(request.user)
    try:
        if action == "invite":
            households = Household.objects.filter(compound=m.compound)
            if (building_id := parse_id(request.POST.get("building"))) is not None:
                households = households.filter(unit__building_id=building_id)
            services.meeting_invite(meeting=m, households=list(households.values_list("pk", flat=True)), actor=actor)
        elif action == "attendance":
            ids = [i for i in map(parse_id, request.POST.getlist("present")) if i is not None]
            services.meeting_attendance(meeting=m, present=ids, actor=actor)
        elif action == "minutes":
            services.meeting_minutes(meeting=m, minutes=request.POST.get("minutes", ""), actor=actor)
        elif action == "decision":
            linkable = queries.linkable_objects(m.compound)
            form = forms.DecisionForm(request.POST, linkable=linkable)
            if not form.is_valid():
                raise ValidationFailed("请填写决定事项", "Please write the decision", field="text")
            services.decision_add(meeting=m, text=form.cleaned_data["text"], reference=form.cleaned_data["reference"],
                                  linked=linkable.get(form.cleaned_data["linked"]), actor=actor)
        elif action == "followup":
            form = forms.FollowUpForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed("请填写跟进事项、责任人和期限", "Fill in the action, its owner and due date")
            services.followup_add(meeting=m, actor=actor, **form.cleaned_data)
        elif action == "done":
            item = get_object_or_404(FollowUp, pk=request.POST.get("action") or 0, meeting=m)
            services.followup_done(action=item, done=request.POST.get("done") != "0", actor=actor)
        elif action == "suggestion":
            s = get_object_or_404(queries.suggestions_for(scope_of(request.user)),
                                  receipt_code=request.POST.get("code", "").strip().upper())
            services.meeting_link_suggestion(meeting=m, suggestion=s, actor=actor, unlink=request.POST.get("unlink") == "1")
        else:
            raise ValidationFailed("未知操作", "Unknown action")
    except AnjuError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, _("已保存"))
    return redirect("participation:meeting", m.pk)


@login_required
def meeting_signin(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-in sheet (签到表): every invited household with a column for the signature."""
    m = access_meeting(request, pk)
    invited = m.invited.select_related("unit__building").order_by("unit__building_id", "unit_id", "floor", "room")
    pdf = render_pdf("participation/print/signin.html", {"m": m, "invited": invited})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote('签到表-' + m.topic + '.pdf')}"
    return response


# ---------------------------------------------------------------- visits

@login_required
def visits(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    rows = [(c, visited, total, total - visited) for c in compounds_of(request)[:100]
            for visited, total in [queries.visit_coverage(scope, c)]]
    return render(request, "participation/visits.html", {"rows": rows})


@login_required
def visits_compound(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    compound = get_object_or_404(compounds_of(request), pk=pk)
    recent = Visit.objects.within(scope).filter(compound=compound).select_related("household__unit__building")[:50]
    visited, total = queries.visit_coverage(scope, compound)
    return render(request, "participation/visits_compound.html", {
        "compound": compound, "not_visited": queries.households_not_visited(scope, compound)[:500],
        "recent": recent, "visited": visited, "total": total, "tally": queries.visit_tally(scope, compound),
    })


@login_required
def household_visits(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_object_or_404(Household.objects.visible_to(request.user).select_related("unit__building", "compound"), pk=pk)
    scope = scope_of(request.user)
    form = forms.VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    if request.method == "POST":
        if scope.subdistrict_id is None and not scope.everything:
            raise ValidationFailed("无权记录", "Not allowed")
        if form.is_valid():
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
    totals = {o.pk: queries.branch_totals(o) for o in orgs}
    return render(request, "participation/party.html", {"orgs": [(o, totals[o.pk]) for o in orgs]})


def _residents(org: PartyOrganisation):
    """People living in or owning a home in the organisation's compound (or community): who may join or volunteer."""
    households = Household.objects.filter(compound_id=org.compound_id) if org.compound_id else \
        Household.objects.filter(compound__community_id=org.community_id)
    return Person.objects.filter(Q(residences__household__in=households) | Q(ownerships__household__in=households)) \
        .distinct().order_by("name", "id")


def _branch_people(org: PartyOrganisation):
    """People who may log hours for this organisation: its members and the volunteers of its compounds."""
    volunteer_people = queries.branch_volunteers(org).values_list("person_id", flat=True)
    return Person.objects.filter(Q(party_memberships__organisation=org) | Q(pk__in=volunteer_people)).distinct().order_by("name", "id")


@login_required
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(PartyOrganisation.objects.visible_to(request.user).select_related("compound", "community", "parent"), pk=pk)
    scope = scope_of(request.user)
    people = _branch_people(org)
    residents = _residents(org) if org.compound_id else Person.objects.none()
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
    org = get_object_or_404(PartyOrganisation.objects.visible_to(request.user).select_related("compound"), pk=pk)
    actor = Actor.of(request.user)
    try:
        if action == "activity":
            form = forms.ActivityForm(request.POST, people=_branch_people(org))
            if not form.is_valid() or org.compound is None:
                raise ValidationFailed("请检查服务记录", "Check the activity")
            services.activity_log(compound=org.compound, actor=actor, **form.cleaned_data)
        elif action == "pledge":
            require_edit(request)
            form = forms.PledgeForm(request.POST)
            if not form.is_valid():
                raise ValidationFailed("请检查承诺", "Check the pledge")
            membership = get_object_or_404(Membership, pk=form.cleaned_data["membership"], organisation=org)
            services.pledge_set(membership=membership, kind=form.cleaned_data["kind"], status=form.cleaned_data["status"], actor=actor)
        elif action == "member":
            require_edit(request)
            form = forms.MemberForm(request.POST, people=_residents(org))
            if not form.is_valid():
                raise ValidationFailed("请选择本小区的人员", "Choose a person of this compound", field="person")
            services.member_add(organisation=org, person=form.cleaned_data["person"], duty=form.cleaned_data["duty"], actor=actor)
        elif action == "volunteer":
            require_edit(request)
            form = forms.VolunteerForm(request.POST, people=_residents(org))
            if not form.is_valid() or org.compound is None:
                raise ValidationFailed("请选择本小区的人员和岗位", "Choose a person of this compound and a role", field="person")
            services.volunteer_assign(compound=org.compound, actor=actor, **form.cleaned_data)
        else:
            raise ValidationFailed("未知操作", "Unknown action")
    except AnjuError as error:
        messages.error(request, error.message())
    else:
        messages.success(request, _("已保存"))
    return redirect("participation:organisation", org.pk)

