from django.urls import path

from anju.dashboard import views, views_outbox, views_reports, views_work

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("work/", views_work.work, name="work"),
    path("work/assign/", views_work.assign, name="work_assign"),
    path("work/first-steps/dismiss/", views_work.first_steps_dismiss, name="first_steps_dismiss"),
    path("work/count/", views_work.count, name="work_count"),
    path("outbox/", views_outbox.outbox, name="outbox"),
    path("outbox/opt-out/", views_outbox.opt_out, name="outbox_opt_out"),
    path("rows/<slug:figure>/", views.rows, name="rows"),
    path("report/<id:year>.pdf", views.report, name="report"),
    path("reports/", views_reports.index, name="reports"),
    path("reports/export/", views_reports.export, name="reports_export"),
    path("reports/submit/", views_reports.submit, name="reports_submit"),
    path("reports/templates/upload/", views_reports.template_upload, name="reports_template_upload"),
]
