from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a user; the key is printed once and only its hash is stored (签发接口令牌)"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")
        parser.add_argument("--days", type=int, default=None, help="life in days (default ANJU_TOKEN_DAYS)")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']} / no such user", returncode=2)
        days = settings.ANJU_TOKEN_DAYS if options["days"] is None else options["days"]
        if not 1 <= days <= 3650:
            raise CommandError(f"--days 应在 1 到 3650 之间，而不是 {days} / --days must be 1 to 3650", returncode=2)
        _, key = ApiToken.issue(user=user, name=options["name"], days=days)
        self.stdout.write(key)
