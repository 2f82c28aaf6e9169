from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from anju.core import household_links, paging
from anju.core.actor_names import USER_RELATED
from anju.core.bounds import parse_id
from anju.core.errors import AnjuError, user_message
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.roster import queries
from anju.roster.access import (
    Action,
    access_building,
    access_community,
    access_compound,
    access_household,
    access_person,
    access_subdistrict,
)
from anju.roster.models import Building, Community, Compound, Household, Person, Subdistrict


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Land each role on its own level of the hierarchy."""
    scope = scope_of(request.user)
    if scope.compound_id:
        return redirect("roster:compound", scope.compound_id)
    if scope.community_id:
        return redirect("roster:community", scope.community_id)
    subdistricts = Subdistrict.objects.within(scope)
    if subdistricts.count() == 1:
        return redirect("roster:subdistrict", subdistricts.get().pk)
    return render(request, "roster/subdistricts.html", {"subdistricts": subdistricts})


@login_required
def subdistrict(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    node = access_subdistrict(request.user, pk, action=Action.VIEW)
    per_community = queries.kept_totals_by(scope, "community", Q(subdistrict_id=node.pk))
    communities = Community.objects.within(scope).filter(subdistrict=node)
    rows = [(c, per_community.get(c.pk, queries.Totals())) for c in communities]
    return render(request, "roster/subdistrict.html", {
        "node": node, "rows": rows, "total": queries.grand_total({c.pk: t for c, t in rows}),
    })


@login_required
def community(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    node = access_community(request.user, pk, action=Action.VIEW)
    compounds = list(Compound.objects.within(scope).filter(community=node))
    per_compound = queries.kept_totals_by(scope, "compound", Q(community_id=node.pk))
    rows = [(c, per_compound.get(c.pk, queries.Totals())) for c in compounds]
    return render(request, "roster/community.html", {
        "node": node, "rows": rows, "total": queries.grand_total({c.pk: t for c, t in rows}),
    })


@login_required
def compound(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    node = access_compound(request.user, pk, action=Action.VIEW)
    buildings = list(Building.objects.within(scope).filter(compound=node).prefetch_related("units"))
    per_building = queries.kept_totals_by(scope, "building", Q(compound_id=node.pk))
    rows = [(b, per_building.get(b.pk, queries.Totals())) for b in buildings]
    total = queries.grand_total({b.pk: t for b, t in rows})
    total.compounds = 1
    return render(request, "roster/compound.html", {"node": node, "rows": rows, "total": total})


@login_required
def building(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_building(request.user, pk, action=Action.VIEW)
    return render(request, "roster/building.html", {
        "node": node, "units": queries.units_with_households(node), "elderly_born_by": queries.elderly_born_by(),
    })


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    node = access_household(request.user, pk, action=Action.VIEW)
    history = (AuditEvent.objects.filter(object_type="roster.household", object_id=str(node.pk))
               .select_related(f"actor__{USER_RELATED}")[:20])
    return render(request, "roster/household.html", {
        "node": node,
        "owners": Person.objects.filter(ownerships__household=node),
        "residents": Person.objects.filter(residences__household=node),
        "history": history,
        "sees_personal_data": scope.sees_personal_data,
        "can_edit": scope.can_edit,
        "ended": queries.ended_ties(node),
        "links": household_links.links_for(request.user, node),
    })


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_of(request.user)
    node = access_person(request.user, pk, action=Action.VIEW)
    visible = Household.objects.within(scope).select_related("unit__building", "compound")
    return render(request, "roster/person.html", {
        "node": node,
        "owned": visible.filter(ownerships__person=node),
        "lived": visible.filter(residences__person=node),
        "ended": node.ended_ties.filter(household__in=visible).select_related("household__unit__building"),
        "sees_personal_data": scope.sees_personal_data,
        "can_edit": scope.can_edit,
    })


SEARCH_PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search box posts its query; a GET may still carry a room code or a name, never a personal number.
    Results are paged with their total and may be limited to one compound of the caller's scope."""
    scope = scope_of(request.user)
    template = "roster/_search_results.html" if request.headers.get("HX-Request") else "roster/search.html"
    data = request.POST if request.method == "POST" else request.GET
    q = data.get("q", "")
    context: dict[str, object] = {
        "compounds": Compound.objects.within(scope).order_by("name", "id"),
        "sees_personal_data": scope.sees_personal_data,
    }
    if request.method == "GET" and queries.is_personal_number(q):
        # Not echoed, not even in the language switch's return address; the page says how to search instead.
        context.update(q="", refused=True, language_next=request.path)
        return render(request, template, context, status=400)
    compound_id = _positive_int(data.get("compound"))
    context.update(q=q[:queries.MAX_QUERY_LENGTH], compound_id=compound_id)
    try:
        found = queries.search(scope, q, compound_id=compound_id)
    except AnjuError as error:
        context.update(error=user_message(error))
        return render(request, template, context, status=400)
    page = Paginator(found, SEARCH_PAGE_SIZE).get_page(data.get("page"))
    context.update(kind=found.kind, page=page, hits=page.object_list)
    return render(request, template, context)


def _positive_int(value: str | None) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() and 0 < int(value) < 2**31 else None


@login_required
def stranded(request: HttpRequest) -> HttpResponse:
    """The 悬空老人 to visit, one page at a time, narrowed to a community or a compound (404 outside the scope)."""
    scope = scope_of(request.user)
    rows = queries.stranded_elderly(scope)
    community = compound = None
    if (compound_id := parse_id(request.GET.get("compound"))) is not None:
        compound = access_compound(request.user, compound_id, action=Action.VIEW)
        rows = rows.filter(household__compound=compound)
    elif (community_id := parse_id(request.GET.get("community"))) is not None:
        community = access_community(request.user, community_id, action=Action.VIEW)
        rows = rows.filter(household__compound__community=community)
    compounds = Compound.objects.within(scope).select_related("community").order_by("community__name", "name", "id")
    return render(request, "roster/stranded.html", {
        "page": paging.page_of(rows, request.GET), "this_year": queries.elderly_born_by() + 60,
        "communities": Community.objects.within(scope).order_by("name", "id")[:1000],
        "compounds": compounds[:1000], "community": community, "compound": compound,
    })
