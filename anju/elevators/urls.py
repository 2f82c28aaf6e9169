from django.urls import path

from anju.elevators import views

app_name = "elevators"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.project_new, name="project_new"),
    path("<id:pk>/", views.project, name="project"),
    path("<id:pk>/status/", views.project_status, name="project_status"),
    path("<id:pk>/money/", views.project_money, name="project_money"),
    path("<id:pk>/rides/", views.rides_save, name="rides_save"),
    path("<id:pk>/compensations/", views.compensation_add, name="compensation_add"),
    path("<id:pk>/tables/", views.table_save, name="table_save"),
    path("<id:pk>/calculator/", views.calculator, name="calculator"),
    path("<id:pk>/plans/save/", views.plan_save, name="plan_save"),
    path("<id:pk>/negotiate/", views.negotiate, name="negotiate"),
    path("plans/<id:pk>/", views.plan, name="plan"),
    path("plans/<id:pk>/diff/<id:other>/", views.plan_diff, name="plan_diff"),
    path("plans/<id:pk>/statement/<id:household>.pdf", views.statement, name="statement"),
    path("plans/<id:pk>/statements/", views.statements_job, name="statements_job"),
]
