from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from anju.accounts.models import ApiToken
from anju.accounts.tokens import token_revoke, tokens_list
from anju.core.audit import Actor


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = "List or revoke API tokens; keys are never shown (列出或吊销接口令牌)"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="tokens of everyone, or of USERNAME")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="end one token by its id")
        revoke.add_argument("id")

    def handle(self, *args, **options):
        if options["action"] == "list":
            self._list(options["username"])
        else:
            self._revoke(options["id"])

    def _list(self, username: str | None) -> None:
        tokens = list(tokens_list(username=username))
        if username and not tokens:
            self.stdout.write(f"用户 {username} 没有接口令牌 / {username} has no API tokens")
            return
        self.stdout.write("id\tuser\tname\tcreated\tlast used\texpires")
        for t in tokens:
            state = " (已过期 expired)" if t.expired else ""
            self.stdout.write(f"{t.pk}\t{t.user.get_username()}\t{t.name}\t{_when(t.created)}\t{_when(t.last_used)}\t"
                              f"{_when(t.expires)}{state}")

    def _revoke(self, raw_id: str) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=int(raw_id)).first() if raw_id.isdigit() else None
        if token is None:
            raise CommandError(f"没有编号为 {raw_id} 的接口令牌 / no API token with id {raw_id}", returncode=2)
        token_revoke(token=token, actor=Actor.system("anju tokens revoke"))
        self.stdout.write(f"已吊销令牌 {token.name}（{token.user.get_username()}）/ token revoked")
