from django.urls import path

from anju.elevators import views

app_name = "elevators"
urlpatterns = [
    path("", views.index, name="index"),
]
