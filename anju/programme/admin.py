"""Admin: organisations are edited here; the programme itself is read-only (writes go through the services and pages)."""

from __future__ import annotations

from django.contrib import admin

from anju.core.admin import ReadOnlyScopedAdmin, ScopedAdmin
from anju.programme.models import AnnualPlan, Inspection, Item, Organisation, Project, Stage


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    list_display = ("name", "kind", "subdistrict", "contact")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(AnnualPlan)
class AnnualPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "year", "subdistrict")


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("kind", "planned_start", "planned_end", "actual_start", "actual_end", "signed_off_label", "signed_off_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Project)
class ProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "year", "kind", "current_stage", "progress", "households", "budget_fen")
    list_filter = ("year", "kind", "current_stage", "completed")
    search_fields = ("name", "compound__name")
    inlines = [StageInline]


@admin.register(Item)
class ItemAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "kind", "category", "project", "budget_fen", "progress")
    list_filter = ("category", "kind")


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("project", "created", "inspector_label", "severity", "status")
    list_filter = ("status", "severity")
