from django.urls import path

from anju.stewardship import views, views_committee, views_formation

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
    path("compound/<id:pk>/committee/", views_committee.committee, name="committee"),
    path("compound/<id:pk>/committee/elect/", views_committee.compound_act, {"what": "elect"}, name="committee_elect"),
    path("compound/<id:pk>/committee/interim/", views_committee.compound_act, {"what": "interim"},
         name="committee_interim"),
    path("compound/<id:pk>/party/", views_committee.compound_act, {"what": "party"}, name="party_link"),
    path("committee/<id:pk>/officers/", views_committee.committee_act, {"what": "officers"}, name="committee_officers"),
    path("committee/<id:pk>/filing/", views_committee.committee_act, {"what": "file"}, name="committee_file"),
    path("committee/<id:pk>/report/", views_committee.committee_act, {"what": "report"}, name="committee_report"),
    path("committee/<id:pk>/members/", views_committee.committee_act, {"what": "add"}, name="committee_member_add"),
    path("committee/<id:pk>/pack.pdf", views_committee.pack, name="committee_pack"),
    path("members/<id:pk>/leave/", views_committee.member_leave, name="committee_member_leave"),
    path("changes/<id:pk>/filing/", views_committee.change_file, name="committee_change_file"),
    path("lists/<slug:kind>/", views_committee.work_list, name="list"),
    path("companies/", views.companies, name="companies"),
    path("rules/", views.rules, name="rules"),
]
