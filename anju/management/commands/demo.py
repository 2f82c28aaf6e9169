"""`anju demo`: migrate, assets, the demo sub-district 南庄坪街道 and its accounts (safe to repeat).

Registered by the shell (`anju` is an app with no models) because loading the demo reaches every app.
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from anju import demo


class Command(BaseCommand):
    help = "Set up the demo sub-district 南庄坪街道: migrate, assets, demo data, accounts (安全可重复运行)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-assets", action="store_true", help="skip copying and collecting static files")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if not options["no_assets"]:
            call_command("vendor", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        _, existed = demo.load_demo()
        self.stdout.write("演示数据已就绪 / demo data " + ("already loaded" if existed else "loaded"))
        for line in demo.accounts_lines():
            self.stdout.write(line)
