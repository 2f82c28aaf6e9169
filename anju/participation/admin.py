"""Admin for participation: read-only and scoped, because every write goes through the services (audit)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anju.participation.models import (
    Activity,
    Meeting,
    Notice,
    PartyOrganisation,
    Suggestion,
    Visit,
    Volunteer,
)


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyScopedAdmin):
    list_display = ["receipt_code", "title", "category", "compound", "status", "created", "first_reply_at", "closed_at"]
    list_filter = ["status", "category"]
    search_fields = ["receipt_code", "title"]
    exclude = ["contact_phone_encrypted"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "kind", "compound", "building", "published_at"]
    list_filter = ["kind"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyScopedAdmin):
    list_display = ["topic", "compound", "starts_at", "place"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "compound", "visited_on", "visitors", "renovation", "elevator"]


@admin.register(PartyOrganisation)
class PartyOrganisationAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "level", "parent", "compound"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "role", "compound", "active"]
    list_filter = ["role"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "compound", "on", "kind", "hours", "visits"]
