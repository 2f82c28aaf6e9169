from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "anju.consultations"
    label = "consultations"
    verbose_name = _("意见征求与表决")

    def ready(self) -> None:
        from anju.consultations import jobs  # noqa: F401 - registers the letters job handler
