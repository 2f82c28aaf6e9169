from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _create_cache_tables(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    # A database cache (login and vote throttles without Redis) needs its table; `migrate` alone
    # does not make it, and without it the first login of a fresh install answers 500.
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "anju.core"
    label = "core"
    verbose_name = "核心 Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from anju.core.bounds import IdConverter

        # Before any URLconf loads: every `<id:…>` path converter refuses numbers past 64 bits.
        register_converter(IdConverter, "id")
        post_migrate.connect(_create_cache_tables, sender=self, dispatch_uid="anju.core.createcachetable")
        from anju.core import checks  # noqa: F401  (registers the deploy checks)
