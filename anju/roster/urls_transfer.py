"""Roster import and export pages, included by anju.roster.urls under /roster/transfer/."""

from django.urls import path

from anju.roster import views_transfer as views

urlpatterns = [
    path("", views.upload, name="transfer_upload"),
    path("template.xlsx", views.template, name="transfer_template"),
    path("jobs/<int:pk>/", views.job, name="transfer_job"),
    path("jobs/<int:pk>/confirm/", views.confirm, name="transfer_confirm"),
    path("export/<str:level>/<int:pk>/", views.export, name="transfer_export"),
]
