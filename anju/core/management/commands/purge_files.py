"""`anju purge-files`: delete job files (exports, letters, problem reports) past their retention period."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from anju.core import jobfiles, jobs


class Command(BaseCommand):
    help = "Delete expired job files (删除超过保留期的导出文件、告知书和问题报告)"

    def handle(self, *args, **options) -> None:
        interrupted = jobs.reap_interrupted()
        purged = jobfiles.purge_expired()
        days = settings.ANJU_JOB_FILE_DAYS
        self.stdout.write(
            f"已删除 {purged.folders} 个超过 {days} 天的任务文件夹，{purged.jobs} 个任务的文件已过期"
            f"{f'，{interrupted} 个中断的任务标记为失败' if interrupted else ''}。"
            f" / Deleted {purged.folders} job folders older than {days} days; {purged.jobs} jobs' files expired"
            f"{f'; {interrupted} interrupted jobs marked failed' if interrupted else ''}."
        )
