from django.urls import path

from anju.participation import views, views_meetings, views_public

app_name = "participation"
urlpatterns = [
    # residents, no login (QR codes lead here)
    path("s/new/", views_public.suggestion_new, name="suggest"),
    path("s/track/", views_public.track, name="track"),
    path("s/r/<str:code>/", views_public.receipt, name="receipt"),
    path("s/board/", views_public.board, name="board"),
    path("n/<id:pk>/", views_public.notice, name="notice"),
    path("n/image/<id:pk>/", views_public.notice_image, name="notice_image"),
    path("c/<id:compound>/", views_public.place, name="place"),
    path("c/<id:compound>/b/<id:building>/", views_public.place, name="place_building"),
    # staff
    path("", views.index, name="index"),
    path("suggestions/", views.suggestions, name="suggestions"),
    path("suggestions/<id:pk>/", views.suggestion, name="suggestion"),
    path("suggestions/<id:pk>/reveal/", views.suggestion_reveal, name="suggestion_reveal"),
    path("suggestions/<id:pk>/<str:action>/", views.suggestion_act, name="suggestion_act"),
    path("photos/<id:pk>/", views.suggestion_photo, name="suggestion_photo"),
    path("notices/", views.notices, name="notices"),
    path("notices/new/", views.notice_edit, name="notice_new"),
    path("notices/<id:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<id:pk>/edit/", views.notice_edit, name="notice_edit"),
    path("notices/<id:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("notices/<id:pk>/images/", views.notice_image_add, name="notice_image_add"),
    path("notices/<id:pk>/print.pdf", views.notice_pdf, name="notice_pdf"),
    path("meetings/", views_meetings.meetings, name="meetings"),
    path("meetings/new/", views_meetings.meeting_new, name="meeting_new"),
    path("meetings/<id:pk>/", views_meetings.meeting, name="meeting"),
    path("meetings/<id:pk>/signin.pdf", views_meetings.meeting_signin, name="meeting_signin"),
    path("meetings/<id:pk>/<str:action>/", views_meetings.meeting_act, name="meeting_act"),
    path("visits/", views_meetings.visits, name="visits"),
    path("visits/compound/<id:pk>/", views_meetings.visits_compound, name="visits_compound"),
    path("visits/household/<id:pk>/", views_meetings.household_visits, name="household_visits"),
    path("party/", views_meetings.party, name="party"),
    path("party/<id:pk>/", views_meetings.organisation, name="organisation"),
    path("party/<id:pk>/<str:action>/", views_meetings.organisation_act, name="organisation_act"),
]
