"""Admin for every roster model, scoped like the pages: staff see and edit only their part.

Personal data is shown masked in lists and entered through the person form, which encrypts it.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anju.core import audit_names
from anju.core.admin import ScopedAdmin
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from anju.roster import services, summary
from anju.roster.models import (
    Building,
    Community,
    Compound,
    Household,
    Ownership,
    Person,
    Residence,
    Subdistrict,
    Unit,
)


def _buildings_of(obj: object) -> set[int]:
    """The buildings whose summaries an admin edit of `obj` can change."""
    if isinstance(obj, Building):
        return {obj.pk}
    if isinstance(obj, Unit):
        return {obj.building_id}
    if isinstance(obj, Household):
        return set(Unit.objects.filter(pk=obj.unit_id).values_list("building_id", flat=True))
    if isinstance(obj, Compound):
        return set(Building.objects.filter(compound_id=obj.pk).values_list("pk", flat=True))
    if isinstance(obj, Person):
        return set(Residence.objects.filter(person_id=obj.pk).values_list("household__unit__building_id", flat=True))
    return set()


class KeepsSummaries(ScopedAdmin):
    """Admin edits write some rows directly (units' lifts, buildings' areas, residents inline, deletions):
    the buildings they touch are recounted in the same transaction (`anju.roster.summary`)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        summary.refresh_buildings(_buildings_of(form.instance))

    def delete_model(self, request, obj):
        with transaction.atomic():
            touched = _buildings_of(obj)
            super().delete_model(request, obj)
            summary.refresh_buildings(touched)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            touched = set().union(*(_buildings_of(obj) for obj in queryset))
            super().delete_queryset(request, queryset)
            summary.refresh_buildings(touched)


@admin.register(Subdistrict)
class SubdistrictAdmin(ScopedAdmin):
    list_display = ["name", "city", "district", "issuing_name", "phone"]
    search_fields = ["name"]

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser


@admin.register(Community)
class CommunityAdmin(ScopedAdmin):
    list_display = ["name", "subdistrict", "issuing_name", "phone"]
    search_fields = ["name"]


@admin.register(Compound)
class CompoundAdmin(KeepsSummaries):
    list_display = ["name", "community", "year_built", "address"]
    list_filter = ["community"]
    search_fields = ["name", "address"]
    exclude = ["subdistrict"]

    def save_model(self, request, obj, form, change):
        obj.subdistrict_id = obj.community.subdistrict_id
        super().save_model(request, obj, form, change)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Building)
class BuildingAdmin(KeepsSummaries):
    list_display = ["__str__", "compound", "storeys", "structure", "gross_area", "year_built"]
    list_filter = ["structure", "storeys"]
    search_fields = ["compound__name", "number"]
    list_select_related = ["compound"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(KeepsSummaries):
    list_display = ["__str__", "has_elevator"]
    list_filter = ["has_elevator"]
    list_select_related = ["building__compound"]


class OwnershipInline(admin.TabularInline):
    model = Ownership
    extra = 0
    raw_id_fields = ["person"]


class ResidenceInline(admin.TabularInline):
    model = Residence
    extra = 0
    raw_id_fields = ["person"]


class HouseholdForm(forms.ModelForm):
    class Meta:
        model = Household
        fields = ["unit", "floor", "room", "exclusive_area", "occupancy", "note"]

    def clean(self):
        cleaned = super().clean()
        unit, floor, room = cleaned.get("unit"), cleaned.get("floor"), (cleaned.get("room") or "").strip()
        if unit is not None and floor is not None and room:
            try:
                services.household_check(unit=unit, floor=floor, room=room, exclude_pk=self.instance.pk)
            except ValidationFailed as error:
                self.add_error(error.field if error.field in self.fields else None, error.message())
        return cleaned


@admin.register(Household)
class HouseholdAdmin(KeepsSummaries):
    form = HouseholdForm
    list_display = ["room_code", "compound", "floor", "exclusive_area", "occupancy"]
    list_filter = ["occupancy", "floor"]
    search_fields = ["room", "compound__name"]
    list_select_related = ["unit__building", "compound"]
    raw_id_fields = ["unit"]
    exclude = ["compound"]
    inlines = [OwnershipInline, ResidenceInline]

    def save_model(self, request, obj, form, change):
        """Through the roster services, so admin edits are validated and audited like any other."""
        fields = {k: form.cleaned_data[k] for k in ("floor", "room", "exclusive_area", "occupancy")}
        actor = Actor.of(request.user)
        if change:
            current = Household.objects.get(pk=obj.pk)
            if current.unit_id != obj.unit_id:
                raise ValidationFailed("不能把住户移到其他单元，请新建", "Move a household by creating it anew", field="unit")
            services.household_update(household=current, actor=actor, note=form.cleaned_data.get("note", ""), **fields)
        else:
            created = services.household_create(unit=obj.unit, actor=actor, **fields)
            obj.pk = created.pk


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(label="身份证号", required=False, help_text="留空则不修改 / leave empty to keep")
    phone = forms.CharField(label="联系电话", required=False, help_text="留空则不修改 / leave empty to keep")

    class Meta:
        model = Person
        fields = ["subdistrict", "name", "sex", "birth_year", "limited_mobility", "party_member"]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["id_number"], cleaned["phone"] = services.normalise_identity(
                id_number=cleaned.get("id_number") or "", phone=cleaned.get("phone") or ""
            )
        except ValidationFailed as error:
            self.add_error(error.field if error.field in self.fields else None, error.message())
        return cleaned


@admin.register(Person)
class PersonAdmin(KeepsSummaries):
    form = PersonForm
    list_display = ["name", "sex", "birth_year", "masked_phone", "masked_id", "party_member", "limited_mobility"]
    list_filter = ["party_member", "limited_mobility", "sex"]
    search_fields = ["name"]

    @admin.display(description="联系电话")
    def masked_phone(self, obj: Person) -> str:
        return obj.phone_masked

    @admin.display(description="身份证号")
    def masked_id(self, obj: Person) -> str:
        return obj.id_number_masked

    def save_model(self, request, obj, form, change):
        id_number, phone = form.cleaned_data.get("id_number"), form.cleaned_data.get("phone")
        fields = {k: form.cleaned_data[k] for k in ("name", "sex", "birth_year", "limited_mobility", "party_member")}
        actor = Actor.of(request.user)
        if change:
            extra = {k: v for k, v in (("id_number", id_number), ("phone", phone)) if v}
            services.person_update(person=Person.objects.get(pk=obj.pk), actor=actor, **fields, **extra)
        else:
            created = services.person_create(subdistrict=obj.subdistrict, actor=actor, id_number=id_number or "",
                                             phone=phone or "", **fields)
            obj.pk = created.pk


class AuditActionFilter(admin.SimpleListFilter):
    """Filter by what was done, listed by label rather than by the stored key."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(key, str(label)) for key, label in audit_names.registry().items()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action_shown", "object_type", "object_label"]
    list_filter = [AuditActionFilter, "object_type"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = scope_of(request.user)
        if scope.everything:
            return qs
        if scope.community_id is not None:  # labels name households of other communities
            return qs.none()
        return qs.filter(subdistrict_id=scope.subdistrict_id or -1)

    @admin.display(description=_("操作"), ordering="action")
    def action_shown(self, event: AuditEvent) -> str:
        return event.action_label

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
