from django.urls import path

from anju.consultations import views, views_resident

app_name = "consultations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/tally/", views.tally, name="tally"),
    path("<id:pk>/paper/", views.paper, name="paper"),
    path("<id:pk>/paper/electors/", views.elector_choices, name="elector_choices"),
    path("<id:pk>/describe/", views.describe, name="describe"),
    path("<id:pk>/questions/", views.question_new, name="question_new"),
    path("<id:pk>/correct/", views.correct, name="correct"),
    path("<id:pk>/resolve/<id:ballot>/", views.resolve, name="resolve"),
    path("<id:pk>/owners/", views.owner_conflicts, name="owner_conflicts"),
    path("<id:pk>/owners/settle/", views.owner_settle, name="owner_settle"),
    path("<id:pk>/open/", views.transition, {"action": "open"}, name="open"),
    path("<id:pk>/close/", views.transition, {"action": "close"}, name="close"),
    path("<id:pk>/next/", views.transition, {"action": "next"}, name="next_round"),
    path("<id:pk>/letters/job/", views.letters_job, name="letters_job"),
    path("<id:pk>/letters/print/", views.letter_pdf, name="letter_pdf"),
    path("<id:pk>/notice.pdf", views.notice, name="notice"),
    path("<id:pk>/ballots/<id:ballot>/scan/", views.scan, name="scan"),
    path("public/<id:pk>/", views_resident.public, name="public"),
    path("<id:pk>/letters/<id:letter>/unlock/", views.letter_unlock, name="letter_unlock"),
    path("v/", views_resident.vote, name="vote"),
    path("v/receipt/<str:receipt>/", views_resident.vote_receipt, name="vote_receipt"),
    path("v/home/", views_resident.home, name="vote_home"),
    path("v/home/suggest/", views_resident.home_suggest, name="vote_home_suggest"),
    path("v/statement/<id:plan>.pdf", views_resident.statement, name="vote_statement"),
    path("v/<str:code>/", views_resident.vote_link, name="vote_link"),
]
