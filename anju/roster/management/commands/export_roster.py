"""`anju export-roster --scope subdistrict|community|compound|building --id N --out FILE.xlsx [--user U]`

Writes the households of that scope in the import template's columns; ID numbers and phones are
masked unless the user's role sees personal data (without --user: the operator, in full).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from anju.roster.exporter import LEVELS, export_count, export_roster, export_target
from anju.roster.management.commands.import_roster import TerminalProgress, actor_and_scope, check_writable


class Command(BaseCommand):
    help = "导出住户台账为 xlsx / Export a household roster to xlsx (the import template's columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", choices=LEVELS, required=True)
        parser.add_argument("--id", type=int, required=True, dest="pk")
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--user", help="export as this user: their scope and masking apply")

    def handle(self, *args: Any, scope: str, pk: int, out: Path, user: str | None, **options: Any) -> None:
        actor, user_scope = actor_and_scope(user)
        try:
            target = export_target(user_scope, scope, pk)
        except Http404:
            raise CommandError(f"找不到 {scope} {pk}（或无权查看）/ no {scope} {pk} within reach") from None
        check_writable(out)
        bar = TerminalProgress(export_count(scope=user_scope, target=target), stream=self.stderr._out,
                               noun="households")
        written = export_roster(scope=user_scope, target=target, out=out, actor=actor, progress=bar)
        bar.close(written)
        masked = "" if user_scope.sees_personal_data else "（身份证号、电话已打码 / ID numbers and phones masked）"
        self.stdout.write(f"已导出 {written} 户 / exported {written} households → {out}{masked}")
