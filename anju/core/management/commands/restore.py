"""`anju restore FILE`: a backup into a fresh ANJU_VAR_DIR or an empty PostgreSQL database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "从 anju backup 的备份恢复到新的安装 / Restore an `anju backup` archive into a fresh install"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        try:
            manifest = restore(file)
        except BackupError as error:
            raise CommandError(f"{error.zh} / {error.en}", returncode=2) from None
        call_command("migrate", interactive=False, verbosity=0)  # a backup of an older version catches up
        self.stdout.write(f"已恢复 {manifest['created']} 的备份（{manifest['database']}，安居 {manifest['anju_version']}）"
                          f" / restored the backup of {manifest['created']}")
