"""Correcting records where they are read, and looking at personal data on purpose.

The household and person pages link here: a form to correct a household (area, occupancy) with a
move-out and a transfer of ownership beside it, a form to correct a person with their death beside
it, the "显示" action that shows one full ID number or phone and logs the look, and the log itself.
A refused form comes back with its message and the values typed (400); nothing was saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anju.core.audit import Actor
from anju.core.errors import AnjuError, ValidationFailed, user_message
from anju.roster import queries, services_records
from anju.roster.access import (
    Action,
    access_household,
    access_person,
    access_person_reveal,
    require_reveal_auditor,
)
from anju.roster.models import Occupancy, Person, Residence, RevealField, Sex

LOG_PER_PAGE = 50


def _birth_year(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationFailed(f"出生年份“{text}”不是年份", f"Birth year “{text}” is not a year", field="birth_year") from None


def _household_page(request: HttpRequest, household: Any, *, error: AnjuError | None = None, form: str = "") -> HttpResponse:
    context = {
        "node": household,
        "occupancies": Occupancy.choices,
        "residents": Person.objects.filter(residences__household=household),
        "owners": Person.objects.filter(ownerships__household=household),
        "ended": queries.ended_ties(household),
        "posted": request.POST if error else {},
        "form": form,
        "error": user_message(error) if error else "",
        "error_field": error.field if error else "",
    }
    return render(request, "roster/household_edit.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改户信息: area and occupancy; the move-out and transfer forms on the same page post elsewhere."""
    node = access_household(request.user, pk, action=Action.EDIT)
    if request.method == "POST":
        try:
            services_records.household_edit(
                household=node, exclusive_area=request.POST.get("exclusive_area"),
                occupancy=request.POST.get("occupancy"), note=request.POST.get("note"), actor=Actor.of(request.user))
        except AnjuError as error:
            node.refresh_from_db()
            return _household_page(request, node, error=error, form="household")
        messages.success(request, _("已保存户信息。"))
        return redirect("roster:household", node.pk)
    return _household_page(request, node)


@login_required
@require_POST
def move_out(request: HttpRequest, pk: int) -> HttpResponse:
    """登记迁出: one resident of the household, from a date."""
    node = access_household(request.user, pk, action=Action.EDIT)
    try:
        residence = Residence.objects.select_related("person", "household").filter(
            household=node, person_id=_int(request.POST.get("person"))).first()
        if residence is None:
            raise ValidationFailed("请选择迁出的居民", "Choose the resident who moved out", field="person")
        services_records.residence_end(residence=residence, ended_on=request.POST.get("ended_on"),
                                       actor=Actor.of(request.user))
    except AnjuError as error:
        return _household_page(request, node, error=error, form="move_out")
    messages.success(request, _("已登记迁出。"))
    return redirect("roster:household", node.pk)


@login_required
@require_POST
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    """登记产权转移: the current owners' ownership ends on the date; the new owner's starts."""
    node = access_household(request.user, pk, action=Action.EDIT)
    new = services_records.NewOwner(name=request.POST.get("name", ""), id_number=request.POST.get("id_number", ""),
                                    phone=request.POST.get("phone", ""))
    try:
        services_records.ownership_transfer(household=node, on=request.POST.get("on"), new_owners=[new],
                                            actor=Actor.of(request.user))
    except AnjuError as error:
        return _household_page(request, node, error=error, form="transfer")
    messages.success(request, _("已登记产权转移。"))
    return redirect("roster:household", node.pk)


def _person_page(request: HttpRequest, person: Person, *, error: AnjuError | None = None, form: str = "") -> HttpResponse:
    context = {
        "node": person, "sexes": Sex.choices, "posted": request.POST if error else {}, "form": form,
        "error": user_message(error) if error else "", "error_field": error.field if error else "",
    }
    return render(request, "roster/person_edit.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改人员信息. ID number and phone are never filled in (that would show them): left empty, they are kept."""
    node = access_person(request.user, pk, action=Action.EDIT)
    if request.method == "POST":
        post = request.POST
        changes: dict[str, Any] = {"name": post.get("name", ""), "sex": post.get("sex", ""),
                                   "limited_mobility": post.get("limited_mobility") == "1",
                                   "party_member": post.get("party_member") == "1"}
        for key in ("id_number", "phone"):
            if post.get(key, "").strip():
                changes[key] = post[key]
        try:
            changes["birth_year"] = _birth_year(post.get("birth_year", ""))
            services_records.person_edit(person=node, actor=Actor.of(request.user), **changes)
        except AnjuError as error:
            node.refresh_from_db()
            return _person_page(request, node, error=error, form="person")
        messages.success(request, _("已保存人员信息。"))
        return redirect("roster:person", node.pk)
    return _person_page(request, node)


@login_required
@require_POST
def death(request: HttpRequest, pk: int) -> HttpResponse:
    """登记死亡: ends the person's residences and ownerships on that day."""
    node = access_person(request.user, pk, action=Action.EDIT)
    try:
        services_records.person_death(person=node, died_on=request.POST.get("died_on"), actor=Actor.of(request.user))
    except AnjuError as error:
        return _person_page(request, node, error=error, form="death")
    messages.success(request, _("已登记死亡。"))
    return redirect("roster:person", node.pk)


@never_cache
@login_required
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """显示: one person's full ID number or phone, for staff whose role needs it; the look is logged."""
    node = access_person_reveal(request.user, pk)
    field = request.POST.get("field", "")
    value = services_records.personal_data_reveal(person=node, field=field, actor=Actor.of(request.user))
    context = {"node": node, "field": field, "label": RevealField(field).label, "value": value}
    template = "roster/_revealed.html" if request.headers.get("HX-Request") else "roster/revealed.html"
    return render(request, template, context)


@login_required
@require_GET
def reveal_log(request: HttpRequest) -> HttpResponse:
    """个人信息查看记录: who looked at whose number and when, for the staff of the scope."""
    scope = require_reveal_auditor(request.user)
    page = Paginator(queries.reveal_log(scope), LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "roster/reveal_log.html", {"page": page})


def _int(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0
