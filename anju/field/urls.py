from django.urls import path
from django.views.decorators.http import require_GET

from anju.field import views

app_name = "field"
urlpatterns = [
    path("", require_GET(views.app), name="app"),
    path("sw.js", require_GET(views.service_worker), name="sw"),
    path("manifest.webmanifest", require_GET(views.manifest), name="manifest"),
]
