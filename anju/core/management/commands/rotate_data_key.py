"""`anju rotate-data-key [--new-key-file FILE] [--batch-size N]`: re-seal personal data under a new key.

The new key comes from `--new-key-file` (its first line) or the environment variable
ANJU_NEW_DATA_KEY; the current one is ANJU_DATA_KEY. Stop `anju serve` and the task worker first:
while a large rotation runs, part of the roster is under each key. Afterwards set ANJU_DATA_KEY
to the new key and start again. A killed run is resumed by running the same command again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core import crypto
from anju.core.sealed import RotationError, Tally, rotate

MIN_KEY = 32


def read_key_file(path: Path) -> str:
    """The key on the file's first line (surrounding blanks dropped); CommandError if unreadable or empty."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"读不了密钥文件 {path}：{error.__class__.__name__} / cannot read the key file {path}",
                           returncode=2) from None
    key = text.splitlines()[0].strip() if text.strip() else ""
    if not key:
        raise CommandError(f"密钥文件 {path} 是空的 / the key file {path} is empty", returncode=2)
    return key


class Command(BaseCommand):
    help = "用新的数据密钥重新加密身份证号、电话并重算检索哈希 / Re-seal personal data under a new ANJU_DATA_KEY"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--new-key-file", type=Path, help="a file whose first line is the new key "
                            "(otherwise the environment variable ANJU_NEW_DATA_KEY)")
        parser.add_argument("--batch-size", type=int, default=20000,
                            help="rows per transaction; a roster of at most this many rows is one transaction")

    def handle(self, *args: Any, new_key_file: Path | None, batch_size: int, **options: Any) -> None:
        if new_key_file is not None:
            new_key = read_key_file(new_key_file)
        else:
            new_key = os.environ.get("ANJU_NEW_DATA_KEY", "").strip()
        if not new_key:
            raise CommandError("请用 --new-key-file 或环境变量 ANJU_NEW_DATA_KEY 给出新密钥 / give the new key "
                               "with --new-key-file or ANJU_NEW_DATA_KEY", returncode=2)
        if len(new_key) < MIN_KEY:
            raise CommandError(f"新密钥太短：至少 {MIN_KEY} 个字符 / the new key is too short: {MIN_KEY}+ characters",
                               returncode=2)
        if batch_size < 1:
            raise CommandError("--batch-size 至少为 1 / --batch-size must be at least 1", returncode=2)
        old_fp, new_fp = crypto.fingerprint(settings.ANJU_DATA_KEY), crypto.fingerprint(new_key)
        self.stdout.write(f"数据密钥 / data key {old_fp} → {new_fp}")

        def progress(label: str, tally: Tally, total: int) -> None:
            self.stdout.write(f"  {label}: {tally.rows:,}/{total:,}（本次重新加密 / re-sealed now {tally.rewritten:,}，"
                              f"已是新密钥 / already under the new key {tally.already:,}）")
            self.stdout.flush()

        try:
            tallies = rotate(old_key=settings.ANJU_DATA_KEY, new_key=new_key, batch_size=batch_size, progress=progress)
        except RotationError as error:
            raise CommandError(f"{error.zh} / {error.en}", returncode=2) from None
        rows = sum(t.rows for t in tallies.values())
        self.stdout.write(f"完成：{rows:,} 行的个人信息已在新密钥 {new_fp} 之下。现在把 ANJU_DATA_KEY 换成新密钥并重启服务；"
                          f"旧密钥打不开这些数据了。/ Done: {rows:,} rows are under the new key {new_fp}. Now set "
                          "ANJU_DATA_KEY to the new key and restart; the old key no longer opens them.")
