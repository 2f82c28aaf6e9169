from django.contrib import admin
from django.shortcuts import redirect
from django.urls import include, path

from anju.api import api

admin.site.site_header = "安居 · 管理后台"
admin.site.site_title = "安居"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("", lambda request: redirect("dashboard:work"), name="index"),
    path("accounts/", include("anju.accounts.urls")),
    path("roster/", include("anju.roster.urls")),
    path("elevators/", include("anju.elevators.urls")),
    path("consultations/", include("anju.consultations.urls")),
    path("programme/", include("anju.programme.urls")),
    path("participation/", include("anju.participation.urls")),
    path("stewardship/", include("anju.stewardship.urls")),
    path("dashboard/", include("anju.dashboard.urls")),
    path("field/", include("anju.field.urls")),
    path("", include("anju.core.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]

# With DEBUG off, what no view answered is the app's own page in the user's language (JSON under /api/).
handler400 = "anju.core.errors_views.bad_request"
handler403 = "anju.core.errors_views.permission_denied"
handler404 = "anju.core.errors_views.page_not_found"
handler500 = "anju.core.errors_views.server_error"
