from django.contrib import admin

from anju.core.admin import ReadOnlyScopedAdmin
from anju.stewardship.models import (
    Committee,
    Contract,
    EmergencyCase,
    Management,
    PartyLink,
    PropertyCompany,
    RuleSetVersion,
)
from anju.stewardship.models_disclosure import Disclosure
from anju.stewardship.models_income import CommonIncome, ManagerLine
from anju.stewardship.models_survey import SatisfactionSurvey


@admin.register(PropertyCompany)
class PropertyCompanyAdmin(ReadOnlyScopedAdmin):
    list_display = ("name", "credit_code", "contact", "phone")
    search_fields = ("name", "credit_code")


@admin.register(Management)
class ManagementAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "mode", "company", "since", "until")
    list_filter = ("mode",)


@admin.register(Contract)
class ContractAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "company", "starts_on", "ends_on", "filed_on", "terminated_on")


@admin.register(RuleSetVersion)
class RuleSetVersionAdmin(ReadOnlyScopedAdmin):
    list_display = ("subdistrict", "base", "version", "created_at")
    readonly_fields = ("subdistrict", "base", "version", "changes", "reason", "chosen_by", "created_at")


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "kind", "number", "elected_on", "term_ends", "filed_on", "ended_on")
    list_filter = ("kind",)


@admin.register(EmergencyCase)
class EmergencyCaseAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "decided_on", "management", "successor")


@admin.register(PartyLink)
class PartyLinkAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "organisation", "company_branch", "since")


@admin.register(Disclosure)
class DisclosureAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "kind", "period_start", "version", "due_on", "published_on")
    list_filter = ("kind",)


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "year", "per_building", "sampled", "seed", "consultation")


@admin.register(CommonIncome)
class CommonIncomeAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "source", "received_on", "gross_fen", "cost_fen", "to_fund_fen", "document_ref")


@admin.register(ManagerLine)
class ManagerLineAdmin(ReadOnlyScopedAdmin):
    list_display = ("compound", "year", "section", "item", "amount_fen", "document_ref")
