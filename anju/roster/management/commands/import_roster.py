"""`anju import-roster FILE [--dry-run] [--user USERNAME] [--report FILE.xlsx]`

Exit 0 with the summary when the file was imported (or, with --dry-run, would import cleanly);
exit 2 with every problem listed, in Chinese and English, when it has any: the database is then
unchanged. Progress goes to stderr.
"""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from anju.core.audit import Actor
from anju.core.errors import AnjuError
from anju.core.exports import export_made, provenance_for
from anju.core.scoping import Scope, scope_of
from anju.domain.rostersheet import write_problem_report
from anju.roster.importer import ImportResult, count_rows, import_roster

EXIT_PROBLEMS = 2


class TerminalProgress:
    """A one-line progress bar on stderr: done / total, percent, rows per second."""

    def __init__(self, total: int | None, *, stream: TextIO | None = None, noun: str = "rows") -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.noun = noun
        self.started = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        rate = done / max(now - self.started, 1e-9)
        if self.total:
            share = min(done / self.total, 1.0)
            bar = "#" * int(share * 30)
            text = f"\r[{bar:<30}] {done:,}/{self.total:,} {self.noun} {share:4.0%}  {rate:,.0f} {self.noun}/s"
        else:
            text = f"\r{done:,} {self.noun}  {rate:,.0f} {self.noun}/s"
        self.stream.write(text)
        self.stream.flush()

    def close(self, done: int) -> None:
        self(done, force=True)
        self.stream.write("\n")
        self.stream.flush()


def check_writable(path: Path) -> None:
    """Refuse an output path that cannot be written before the work starts, not after it (a plain OSError)."""
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
    if not os.access(folder, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))


def actor_and_scope(username: str | None) -> tuple[Actor, Scope]:
    """The user a command acts as (their scope applies), or the operator with full rights."""
    if not username:
        return Actor.system("anju command line"), Scope(everything=True, sees_personal_data=True, can_edit=True)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户 {username} 不存在 / no user {username}")
    return Actor.of(user), scope_of(user)


class Command(BaseCommand):
    help = "导入住户台账（xlsx 或 CSV）/ Import a household roster (xlsx or CSV), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--user", help="import as this user (their scope applies; named in the audit)")
        parser.add_argument("--report", type=Path, help="write the problems to this xlsx, bad cells marked")

    def handle(self, *args: Any, file: Path, dry_run: bool, user: str | None, report: Path | None,
               **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"文件不存在 / no such file: {file}")
        if report is not None:
            check_writable(report)
        actor, scope = actor_and_scope(user)
        bar = TerminalProgress(count_rows(file), stream=self.stderr._out)
        try:
            result = import_roster(file, actor=actor, scope=scope, dry_run=dry_run, progress=bar, label=file.name)
        except AnjuError as error:
            raise CommandError(f"{error.zh} / {error.en}") from None
        bar.close(bar.total or result.rows)  # the whole file has been read
        if report is not None:
            provenance = provenance_for(actor=actor, title=report.name, details={
                "文件 File": file.name, "问题 Problems": len(result.problems),
            })
            write_problem_report(file, result.problems, report, provenance=provenance)
            export_made(actor=actor, provenance=provenance, obj=None, subdistrict_id=scope.subdistrict_id,
                        facts={"problems": len(result.problems)})
            self.stderr.write(f"问题报告 / problem report: {report}")
        if result.problems:
            self.print_problems(result)
            sys.exit(EXIT_PROBLEMS)
        self.print_summary(result)
        if result.followers_failed and result.announced is not None:
            # The import is committed; a figure derived from it elsewhere (the projects' beneficiaries,
            # refreshed on the announcement) is not: said, not turned into a failed import.
            errors = ", ".join(type(failure.error).__name__ for failure in result.announced.failures)
            self.stderr.write(
                "导入已完成，但改造项目的受益人数没能更新，请在改造项目页点击“按摸底台账更新受益人数”。"
                f" / The import is done, but the projects' beneficiary figures were not updated ({errors})."
            )

    def print_problems(self, result: ImportResult) -> None:
        out = self.stdout
        out.write(f"发现 {len(result.problems)} 个问题，未导入任何数据 / "
                  f"{len(result.problems)} problems found; nothing was imported:")
        for p in result.problems:
            where = "、".join(x for x in (p.sheet, f"第{p.row}行" if p.row else "", p.column) if x) or "文件"
            where_en = ", ".join(x for x in (p.sheet, f"row {p.row}" if p.row else "", p.column) if x) or "file"
            value = f" 「{p.value}」" if p.value else ""
            out.write(f"{where}{value}: {p.zh} / {where_en}: {p.en}")

    def print_summary(self, result: ImportResult) -> None:
        head = "试导入（未写入）/ Dry run (nothing written)" if result.dry_run else "导入完成 / Imported"
        self.stdout.write(
            f"{head}: 新增 added {result.added}, 修改 changed {result.changed}, "
            f"未变 unchanged {result.unchanged}, 文件中没有 not in file {result.not_in_file}; "
            f"{result.rows} 行 rows in {result.seconds:.1f} s"
        )
        if result.masked_cells:
            self.stdout.write(f"{result.masked_cells} 个打码的单元格保留了原值 / masked cells kept their stored values")
