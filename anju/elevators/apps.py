from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElevatorsConfig(AppConfig):
    name = "anju.elevators"
    label = "elevators"
    verbose_name = _("加装电梯")

    def ready(self) -> None:
        from anju.elevators import jobs  # noqa: F401 - registers the statements job handler
