from django.urls import path

from anju.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.index, name="index"),
]
