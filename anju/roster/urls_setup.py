"""Setting up an office (sub-district, communities, structure, invitations), included under /roster/setup/."""

from django.urls import path

from anju.roster import views_setup as views

urlpatterns = [
    path("", views.index, name="setup"),
    path("new/", views.subdistrict_new, name="setup_subdistrict"),
    path("<id:pk>/", views.detail, name="setup_detail"),
    path("<id:pk>/communities/", views.communities, name="setup_communities"),
    path("<id:pk>/structure/", views.structure, name="setup_structure"),
    path("<id:pk>/structure/confirm/", views.structure_confirm, name="setup_structure_confirm"),
    path("<id:pk>/invite/", views.invite, name="setup_invite"),
]
