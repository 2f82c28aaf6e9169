"""`anju send-digests`: record today's 待办 digest for each staff member with open work (once a day)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from anju.dashboard.reminders import digests_queue


class Command(BaseCommand):
    help = "Queue today's work digest for each staff member (每位有待办的工作人员每天一封待办摘要)"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now", action="store_true", help=f"do not wait for {settings.ANJU_DIGEST_HOUR}:00"
        )

    def handle(self, *args, **options) -> None:
        hour = settings.ANJU_DIGEST_HOUR
        if not options["now"] and timezone.localtime().hour < hour:
            self.stdout.write(
                f"{hour}:00 以后才生成今天的待办摘要。 / Today's digests are made from {hour}:00 on."
            )
            return
        result = digests_queue()
        self.stdout.write(
            f"已排入 {result.queued} 封待办摘要，{result.skipped} 人无需发送或今天已发送。"
            f" / Queued {result.queued} digests; {result.skipped} staff had none or had one today."
        )
