from django.urls import path

from anju.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.index, name="index"),
    path("project/<id:pk>/", views.project, name="project"),
    path("project/<id:pk>/inspect/", views.inspection_new, name="inspection_new"),
    path("item/<id:pk>/progress/", views.item_progress, name="item_progress"),
    path("item/<id:pk>/results/", views.item_results, name="item_results"),
    path("stage/<id:pk>/", views.stage_edit, name="stage_edit"),
    path("stage/<id:pk>/sign-off/", views.stage_sign_off, name="stage_sign_off"),
    path("stage/<id:pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("attachment/<id:pk>/", views.attachment, name="attachment"),
    path("progress/upload/", views.progress_upload, name="progress_upload"),
    path("progress/template.xlsx", views.progress_template, name="progress_template"),
    path("inspection/<id:pk>/", views.inspection, name="inspection"),
    path("inspection/<id:pk>/photos/", views.inspection_photos, name="inspection_photos"),
    path("photo/<id:pk>/", views.photo, name="photo"),
    path("beneficiaries/refresh/", views.beneficiaries_refresh, name="beneficiaries_refresh"),
]
