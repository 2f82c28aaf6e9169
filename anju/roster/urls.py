from django.urls import include, path

from anju.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.home, name="home"),
    path("subdistrict/<id:pk>/", views.subdistrict, name="subdistrict"),
    path("community/<id:pk>/", views.community, name="community"),
    path("compound/<id:pk>/", views.compound, name="compound"),
    path("building/<id:pk>/", views.building, name="building"),
    path("household/<id:pk>/", views.household, name="household"),
    path("person/<id:pk>/", views.person, name="person"),
    path("search/", views.search, name="search"),
    path("stranded-elderly/", views.stranded, name="stranded"),
    path("transfer/", include("anju.roster.urls_transfer")),
]
