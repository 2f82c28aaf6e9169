from django.urls import path

from anju.participation import views

app_name = "participation"
urlpatterns = [
    path("", views.index, name="index"),
]
