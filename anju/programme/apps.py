from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def refresh_after_roster_import(*, compound_ids: frozenset[int]) -> None:
    """The projects' beneficiary figures are snapshots of the roster: bring those of these compounds up to date."""
    from anju.programme import services

    services.projects_refresh(compound_ids=compound_ids)


class ProgrammeConfig(AppConfig):
    name = "anju.programme"
    label = "programme"
    verbose_name = _("改造项目")

    def ready(self) -> None:
        from anju.core import events
        from anju.programme import jobs  # noqa: F401 - registers the beneficiaries refresh job

        events.subscribe(events.ROSTER_IMPORTED, refresh_after_roster_import)
