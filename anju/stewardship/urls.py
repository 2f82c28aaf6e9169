from django.urls import path

from anju.stewardship import views, views_formation

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
]
