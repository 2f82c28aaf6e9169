from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "anju.programme"
    label = "programme"
    verbose_name = _("改造项目")

    def ready(self) -> None:
        from anju.programme import jobs  # noqa: F401 - registers the beneficiaries refresh job
