"""Admin views of the consultation tables: read-only and scoped; every write goes through the services
(one ballot path, audited) and ballots are never edited, only replaced, set aside or corrected."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anju.consultations.models import Ballot, Consultation, Correction, Elector, Question


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


@admin.register(Consultation)
class ConsultationAdmin(ReadOnlyScopedAdmin):
    list_display = ("title", "compound", "round", "status", "opens_at", "closes_at")
    list_filter = ("status",)
    search_fields = ("title", "compound__name")


@admin.register(Question)
class QuestionAdmin(ReadOnlyScopedAdmin):
    list_display = ("consultation", "order", "kind", "text")


@admin.register(Elector)
class ElectorAdmin(ReadOnlyScopedAdmin):
    list_display = ("consultation", "key", "floor", "area")
    search_fields = ("key",)


@admin.register(Ballot)
class BallotAdmin(ReadOnlyScopedAdmin):
    list_display = ("consultation", "elector", "channel", "state", "receipt", "entered_by_label", "cast_at")
    list_filter = ("channel", "state")
    search_fields = ("receipt", "elector__key")


@admin.register(Correction)
class CorrectionAdmin(ReadOnlyScopedAdmin):
    list_display = ("consultation", "elector", "reason", "made_by_label", "created")
