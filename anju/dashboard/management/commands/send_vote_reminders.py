"""`anju send-vote-reminders`: SMS 表决将于…截止 to the households not yet heard from in votes closing soon."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.dashboard.reminders import CLOSING_HOURS, vote_reminders_queue


class Command(BaseCommand):
    help = f"Remind households that have not voted, {CLOSING_HOURS} h before a vote closes (表决截止前提醒未表决的住户)"

    def handle(self, *args, **options) -> None:
        result = vote_reminders_queue()
        self.stdout.write(
            f"已排入 {result.queued} 条表决截止提醒，{result.skipped} 户无电话或已提醒。"
            f" / Queued {result.queued} reminders; {result.skipped} households without a phone or already told."
        )
