"""`anju data-key [--key-file FILE] [--check]`: the data key's fingerprint, and whether it opens the data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import crypto
from anju.core.management.commands.rotate_data_key import read_key_file
from anju.core.sealed import RotationError
from anju.core.sealed import check as opens_under


class Command(BaseCommand):
    help = "显示数据密钥的指纹，并可检查它能否打开库里的个人信息 / Show the data key's fingerprint; --check: does it open the data"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-file", type=Path, help="fingerprint of this key instead of ANJU_DATA_KEY")
        parser.add_argument("--check", action="store_true", help="try every sealed value in the database")

    def handle(self, *args: Any, key_file: Path | None, check: bool, **options: Any) -> None:
        key = read_key_file(key_file) if key_file else settings.ANJU_DATA_KEY
        self.stdout.write(crypto.fingerprint(key))
        if not check:
            return
        try:
            counts = opens_under(key)
        except RotationError as error:
            raise CommandError(f"{error.zh} / {error.en}", returncode=2) from None
        bad = sum(b for _, b in counts.values())
        for label, (good, wrong) in counts.items():
            self.stdout.write(f"  {label}: {good:,} 个值能打开 / open, {wrong:,} 个打不开 / do not")
        if bad:
            raise CommandError(f"{bad:,} 个值用这个密钥打不开 / {bad:,} values do not open under this key",
                               returncode=2)

