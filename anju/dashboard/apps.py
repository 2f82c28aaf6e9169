from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "anju.dashboard"
    label = "dashboard"
    verbose_name = _("数据看板")

    def ready(self) -> None:
        from anju.dashboard import report_jobs  # noqa: F401 - registers the monthly report export job
