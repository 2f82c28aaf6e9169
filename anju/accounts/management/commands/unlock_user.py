from django.core.management.base import BaseCommand, CommandError

from anju.accounts import lockout
from anju.core.audit import Actor


class Command(BaseCommand):
    help = "Unlock an account locked after repeated failed logins (解锁账号)"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = lockout.find_user(options["username"])
        if user is None:
            raise CommandError(f"没有用户 {options['username']} / no such user", returncode=2)
        if lockout.unlock(user=user, actor=Actor.system("anju unlock-user")):
            self.stdout.write(f"已解锁 {user.get_username()} / unlocked")
        else:
            self.stdout.write(f"{user.get_username()} 没有被锁定 / was not locked (its failure counts are cleared)")
