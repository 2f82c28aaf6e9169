from django.urls import path

from anju.core import views, views_help, views_outbox

app_name = "core"
urlpatterns = [
    path("jobs/<id:pk>/", views.job, name="job"),
    path("jobs/<id:pk>/download/", views.job_download, name="job_download"),
    path("help/", views_help.index, name="help_index"),
    path("help/<slug:slug>/", views_help.topic, name="help"),
    path("td/<str:code>/", views_outbox.opt_out, name="opt_out"),  # the link at the end of a reminder SMS
]
