"""`anju send-digests`: record today's 待办 digest for each staff member with open work (once a day)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.dashboard.reminders import digests_queue


class Command(BaseCommand):
    help = "Queue today's work digest for each staff member (每位有待办的工作人员每天一封待办摘要)"

    def handle(self, *args, **options) -> None:
        result = digests_queue()
        self.stdout.write(
            f"已排入 {result.queued} 封待办摘要，{result.skipped} 人无需发送或今天已发送。"
            f" / Queued {result.queued} digests; {result.skipped} staff had none or had one today."
        )
