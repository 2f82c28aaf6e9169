from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElevatorsConfig(AppConfig):
    name = "anju.elevators"
    label = "elevators"
    verbose_name = _("加装电梯")
