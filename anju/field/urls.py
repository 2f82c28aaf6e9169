from django.urls import path

from anju.field import views

app_name = "field"
urlpatterns = [
    path("", views.app, name="app"),
    path("sw.js", views.service_worker, name="sw"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
]
