from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from anju.accounts.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API token for a user; the key is printed once and only its hash is stored (签发接口令牌)"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="api", help="what the token is for")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']} / no such user")
        _, key = ApiToken.issue(user=user, name=options["name"])
        self.stdout.write(key)
