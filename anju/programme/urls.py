from django.urls import path

from anju.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.index, name="index"),
    path("project/<int:pk>/", views.project, name="project"),
    path("project/<int:pk>/inspect/", views.inspection_new, name="inspection_new"),
    path("item/<int:pk>/progress/", views.item_progress, name="item_progress"),
    path("stage/<int:pk>/", views.stage_edit, name="stage_edit"),
    path("stage/<int:pk>/sign-off/", views.stage_sign_off, name="stage_sign_off"),
    path("stage/<int:pk>/attach/", views.attachment_upload, name="attachment_upload"),
    path("attachment/<int:pk>/", views.attachment, name="attachment"),
    path("progress/upload/", views.progress_upload, name="progress_upload"),
    path("progress/template.xlsx", views.progress_template, name="progress_template"),
    path("inspection/<int:pk>/", views.inspection, name="inspection"),
    path("inspection/<int:pk>/photos/", views.inspection_photos, name="inspection_photos"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    path("beneficiaries/refresh/", views.beneficiaries_refresh, name="beneficiaries_refresh"),
]
