from django.urls import include, path

from anju.roster import views, views_records

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
    path("household/<id:pk>/edit/", views_records.household_edit, name="household_edit"),
    path("household/<id:pk>/move-out/", views_records.move_out, name="household_move_out"),
    path("household/<id:pk>/ownership/", views_records.transfer, name="household_transfer"),
    path("person/<id:pk>/edit/", views_records.person_edit, name="person_edit"),
    path("person/<id:pk>/death/", views_records.death, name="person_death"),
    path("person/<id:pk>/reveal/", views_records.reveal, name="person_reveal"),
    path("personal-data-views/", views_records.reveal_log, name="reveal_log"),
    path("setup/", include("anju.roster.urls_setup")),
]
