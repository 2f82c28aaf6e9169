"""Roster import and export pages, included by anju.roster.urls under /roster/transfer/."""

from django.urls import path

from anju.roster import views_transfer as views

urlpatterns = [
    path("", views.upload, name="transfer_upload"),
    path("template.xlsx", views.template, name="transfer_template"),
    path("jobs/<id:pk>/", views.job, name="transfer_job"),
    path("jobs/<id:pk>/confirm/", views.confirm, name="transfer_confirm"),
    path("export/<str:level>/<id:pk>/", views.export, name="transfer_export"),
]
