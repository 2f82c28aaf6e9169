from django.urls import path

from anju.stewardship import views

app_name = "stewardship"
urlpatterns = [
    path("", views.index, name="index"),
    path("compound/<id:pk>/", views.compound, name="compound"),
    path("compound/<id:pk>/management/", views.management_set, name="management_set"),
    path("compound/<id:pk>/contracts/", views.contract_create, name="contract_create"),
    path("contracts/<id:pk>/filing/", views.contract_file, name="contract_file"),
    path("contracts/<id:pk>/terminate/", views.contract_terminate, name="contract_terminate"),
    path("contracts/<id:pk>/handover/", views.handover, name="handover"),
    path("companies/", views.companies, name="companies"),
    path("rules/", views.rules, name="rules"),
]
