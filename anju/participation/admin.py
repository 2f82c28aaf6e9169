"""Admin for participation: read-only and scoped, because every write goes through the services (audit)."""

from __future__ import annotations

from django.contrib import admin

from anju.core.admin import ReadOnlyScopedAdmin
from anju.participation.models import (
    Activity,
    Meeting,
    Notice,
    PartyOrganisation,
    Suggestion,
    Visit,
    Volunteer,
)


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
