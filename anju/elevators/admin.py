"""Admin views of the elevator tables: read-only and scoped, because every write goes through the services
(checked by the cost engine, audited) and a saved plan never changes."""

from __future__ import annotations

from django.contrib import admin

from anju.core.admin import ReadOnlyInline, ReadOnlyScopedAdmin
from anju.elevators.models import CostLine, CostPlan, ElevatorProject, ProjectHousehold, SavedTable, Subsidy


class CostLineInline(ReadOnlyInline):
    model = CostLine


class SubsidyInline(CostLineInline):
    model = Subsidy


class HouseholdInline(CostLineInline):
    model = ProjectHousehold


@admin.register(ElevatorProject)
class ElevatorProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "status", "planned_completion", "actual_completion", "active"]
    list_filter = ["status", "active"]
    list_select_related = ["unit__building__compound"]
    inlines = [CostLineInline, SubsidyInline, HouseholdInline]


@admin.register(CostPlan)
class CostPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "version", "method_label", "net", "created_by_label", "created", "reason"]
    list_select_related = ["project__unit__building__compound"]


@admin.register(SavedTable)
class SavedTableAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "subdistrict", "source", "created"]
