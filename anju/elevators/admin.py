"""Admin views of the elevator tables: read-only and scoped, because every write goes through the services
(checked by the cost engine, audited) and a saved plan never changes."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anju.elevators.models import CostLine, CostPlan, ElevatorProject, ProjectHousehold, SavedTable, Subsidy


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
