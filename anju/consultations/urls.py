from django.urls import path

from anju.consultations import views, views_resident

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tally/", views.tally, name="tally"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/questions/", views.question_new, name="question_new"),
    path("<int:pk>/correct/", views.correct, name="correct"),
    path("<int:pk>/resolve/<int:ballot>/", views.resolve, name="resolve"),
    path("<int:pk>/owners/", views.owner_conflicts, name="owner_conflicts"),
    path("<int:pk>/owners/settle/", views.owner_settle, name="owner_settle"),
    path("<int:pk>/open/", views.transition, {"action": "open"}, name="open"),
    path("<int:pk>/close/", views.transition, {"action": "close"}, name="close"),
    path("<int:pk>/next/", views.transition, {"action": "next"}, name="next_round"),
    path("<int:pk>/letters/job/", views.letters_job, name="letters_job"),
    path("<int:pk>/letters/print/", views.letter_pdf, name="letter_pdf"),
    path("<int:pk>/notice.pdf", views.notice, name="notice"),
    path("<int:pk>/ballots/<int:ballot>/scan/", views.scan, name="scan"),
    path("public/<int:pk>/", views_resident.public, name="public"),
    path("<int:pk>/letters/<int:letter>/unlock/", views.letter_unlock, name="letter_unlock"),
    path("v/", views_resident.vote, name="vote"),
    path("v/receipt/<str:receipt>/", views_resident.vote_receipt, name="vote_receipt"),
    path("v/<str:code>/", views_resident.vote_link, name="vote_link"),
]
