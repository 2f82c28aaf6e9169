import importlib

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from anju.roster import demo

# Order matters: projects first, then what refers to them.
DEMO_APPS = ("programme", "elevators", "consultations", "participation")


class Command(BaseCommand):
    help = "Set up the demo sub-district 南庄坪街道: migrate, assets, demo data, accounts (安全可重复运行)"

    def add_arguments(self, parser):
        parser.add_argument("--no-assets", action="store_true", help="skip copying and collecting static files")

    def handle(self, *args, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        if not options["no_assets"]:
            call_command("vendor", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        existed = demo.Subdistrict.objects.filter(name=demo.SUBDISTRICT).exists()
        subdistrict = demo.load_demo()
        for app in DEMO_APPS:  # each capability adds its part; every loader is safe to run twice
            try:
                module = importlib.import_module(f"anju.{app}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"anju.{app}.demo":
                    raise
                continue
            module.load_demo(subdistrict)
        self.stdout.write("演示数据已就绪 / demo data " + ("already loaded" if existed else "loaded"))
        self.stdout.write(f"演示账号 / demo accounts (密码 password: {demo.DEMO_PASSWORD}):")
        for username, role, community, compound, display in demo.DEMO_ACCOUNTS:
            where = compound or community or demo.SUBDISTRICT
            self.stdout.write(f"  {username:<14} {role.label} {display}（{where}）")
        self.stdout.write(f"  {'admin':<14} 系统管理员 / superuser")
