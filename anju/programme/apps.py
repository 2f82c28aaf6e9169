from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "anju.programme"
    label = "programme"
    verbose_name = _("改造项目")
