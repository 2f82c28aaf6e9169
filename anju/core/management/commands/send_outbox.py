"""`anju send-outbox`: send every reminder that is due, retrying failed ones with back-off."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from anju.core.outbox.services import deliver_due


class Command(BaseCommand):
    help = "Send the reminders that are due (发送到期的提醒消息；失败的按退避时间重试)"

    def handle(self, *args, **options) -> None:
        report = deliver_due()
        self.stdout.write(
            f"已发送 {report.sent} 条，{report.retrying} 条稍后重试，{report.failed} 条发送失败。"
            f" / Sent {report.sent}; {report.retrying} to retry later; {report.failed} failed."
        )
