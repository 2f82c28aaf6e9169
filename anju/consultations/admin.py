"""Admin views of the consultation tables: read-only and scoped; every write goes through the services
(one ballot path, audited) and ballots are never edited, only replaced, set aside or corrected."""

from __future__ import annotations

from django.contrib import admin

from anju.consultations.models import Ballot, Consultation, Correction, Elector, OwnerSettlement, Question
from anju.core.admin import ReadOnlyScopedAdmin


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


@admin.register(OwnerSettlement)
class OwnerSettlementAdmin(ReadOnlyScopedAdmin):
    list_display = ("consultation", "question", "owner_key", "vote", "reason", "made_by_label", "created")
