"""`anju backup [--out FILE]`: the database (a consistent snapshot, also while serving) and the uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和上传的文件（服务运行时也可以）/ Back up the database and uploads (also while serving)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="the archive to write (default var/backups/anju-<time>.tar.gz)")

    def handle(self, *args: Any, out: Path | None, **options: Any) -> None:
        try:
            path, manifest = backup(out)
        except BackupError as error:
            raise CommandError(f"{error.zh} / {error.en}", returncode=2) from None
        self.stdout.write(f"已备份 / backed up → {path}")
        self.stdout.write(f"  数据密钥指纹 / data key fingerprint {manifest['data_key_fingerprint']}"
                          f"（恢复时需要同一把密钥 / a restore needs this same key）")
