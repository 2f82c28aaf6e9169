from django.urls import path

from anju.core import views

app_name = "core"
urlpatterns = [
    path("jobs/<id:pk>/", views.job, name="job"),
    path("jobs/<id:pk>/download/", views.job_download, name="job_download"),
]
