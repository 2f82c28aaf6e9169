from django.urls import path

from anju.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("rows/<slug:figure>/", views.rows, name="rows"),
    path("report/<id:year>.pdf", views.report, name="report"),
]
