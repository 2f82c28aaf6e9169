from django.urls import path

from anju.elevators import views

app_name = "elevators"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.project_new, name="project_new"),
    path("<int:pk>/", views.project, name="project"),
    path("<int:pk>/status/", views.project_status, name="project_status"),
    path("<int:pk>/money/", views.project_money, name="project_money"),
    path("<int:pk>/rides/", views.rides_save, name="rides_save"),
    path("<int:pk>/compensations/", views.compensation_add, name="compensation_add"),
    path("<int:pk>/tables/", views.table_save, name="table_save"),
    path("<int:pk>/calculator/", views.calculator, name="calculator"),
    path("<int:pk>/plans/save/", views.plan_save, name="plan_save"),
    path("<int:pk>/negotiate/", views.negotiate, name="negotiate"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/diff/<int:other>/", views.plan_diff, name="plan_diff"),
    path("plans/<int:pk>/statement/<int:household>.pdf", views.statement, name="statement"),
    path("plans/<int:pk>/statements/", views.statements_job, name="statements_job"),
]
