from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StewardshipConfig(AppConfig):
    name = "anju.stewardship"
    label = "stewardship"
    verbose_name = _("长效管理")

    def ready(self) -> None:
        from anju.stewardship import jobs_fees  # noqa: F401 - registers the payments import job
