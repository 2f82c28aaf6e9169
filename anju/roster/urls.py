from django.urls import include, path

from anju.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.home, name="home"),
    path("subdistrict/<int:pk>/", views.subdistrict, name="subdistrict"),
    path("community/<int:pk>/", views.community, name="community"),
    path("compound/<int:pk>/", views.compound, name="compound"),
    path("building/<int:pk>/", views.building, name="building"),
    path("household/<int:pk>/", views.household, name="household"),
    path("person/<int:pk>/", views.person, name="person"),
    path("search/", views.search, name="search"),
    path("stranded-elderly/", views.stranded, name="stranded"),
    path("transfer/", include("anju.roster.urls_transfer")),
]
