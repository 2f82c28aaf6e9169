from django.urls import path

from anju.stewardship import views, views_formation, views_fund

app_name = "stewardship"
urlpatterns = [
    path("", views.index, name="index"),
    path("compound/<id:pk>/", views.compound, name="compound"),
    path("compound/<id:pk>/management/", views.management_set, name="management_set"),
    path("compound/<id:pk>/contracts/", views.contract_create, name="contract_create"),
    path("contracts/<id:pk>/filing/", views.contract_file, name="contract_file"),
    path("contracts/<id:pk>/terminate/", views.contract_terminate, name="contract_terminate"),
    path("contracts/<id:pk>/handover/", views.handover, name="handover"),
    path("compound/<id:pk>/formation/", views_formation.formation, name="formation"),
    path("formation/<id:pk>/applicants/", views_formation.formation_act, {"what": "applicant"}, name="formation_applicant"),
    path("formation/<id:pk>/members/", views_formation.formation_act, {"what": "member"}, name="formation_member"),
    path("formation/<id:pk>/candidates/", views_formation.formation_act, {"what": "candidate"}, name="formation_candidate"),
    path("formation/<id:pk>/seats/", views_formation.formation_act, {"what": "seats"}, name="formation_seats"),
    path("formation/<id:pk>/steps/", views_formation.formation_act, {"what": "step"}, name="formation_step"),
    path("compound/<id:pk>/fund/", views_fund.fund, name="fund_account"),
    path("compound/<id:pk>/fund/entries/", views_fund.fund_act, {"what": "entry"}, name="fund_entry"),
    path("compound/<id:pk>/fund/contributions/", views_fund.fund_act, {"what": "contributions"},
         name="fund_contributions"),
    path("compound/<id:pk>/fund/units/", views_fund.fund_act, {"what": "unit"}, name="fund_unit_ledger"),
    path("compound/<id:pk>/fund/cases/", views_fund.fund_act, {"what": "case"}, name="fund_case_create"),
    path("fund/entries/<id:pk>/reverse/", views_fund.entry_reverse, name="fund_entry_reverse"),
    path("fund/cases/<id:pk>/", views_fund.case, name="fund_case"),
    path("fund/cases/<id:pk>/vote/", views_fund.case_act, {"what": "vote"}, name="fund_case_vote"),
    path("fund/cases/<id:pk>/approve/", views_fund.case_act, {"what": "approve"}, name="fund_case_approve"),
    path("fund/cases/<id:pk>/escalate/", views_fund.case_act, {"what": "escalate"}, name="fund_case_escalate"),
    path("fund/cases/<id:pk>/pay/", views_fund.case_act, {"what": "pay"}, name="fund_case_pay"),
    path("fund/cases/<id:pk>/accept/", views_fund.case_act, {"what": "accept"}, name="fund_case_accept"),
    path("fund/cases/<id:pk>/publish/", views_fund.case_act, {"what": "publish"}, name="fund_case_publish"),
    path("companies/", views.companies, name="companies"),
    path("rules/", views.rules, name="rules"),
]
