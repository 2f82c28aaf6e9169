from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "anju.roster"
    label = "roster"
    verbose_name = _("摸底台账")

    def ready(self) -> None:
        from anju.roster import jobs  # noqa: F401 - registers the import and export job handlers
