from django.urls import path

from anju.stewardship import views, views_fees, views_formation

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
    path("companies/", views.companies, name="companies"),
    path("rules/", views.rules, name="rules"),
    # 物业费 (issue 14, point 3)
    path("fees/", views_fees.overview, name="fees"),
    path("compound/<id:pk>/fees/", views_fees.compound, name="fees_compound"),
    path("compound/<id:pk>/fees/standard/", views_fees.standard_set, name="fees_standard"),
    path("compound/<id:pk>/fees/bill/", views_fees.bill, name="fees_bill"),
    path("compound/<id:pk>/fees/payment/", views_fees.payment, name="fees_payment"),
    path("compound/<id:pk>/fees/import/", views_fees.upload, name="fees_import"),
    path("compound/<id:pk>/fees/letters/", views_fees.letters, name="fees_letters"),
    path("compound/<id:pk>/fees/legal/", views_fees.legal, name="fees_legal"),
    path("compound/<id:pk>/fees/pledge/", views_fees.pledge, name="fees_pledge"),
    path("compound/<id:pk>/fees/pledge.pdf", views_fees.pledge_pdf, name="fees_pledge_pdf"),
    path("fees/letters/<id:pk>.pdf", views_fees.letter, name="fees_letter"),
]
