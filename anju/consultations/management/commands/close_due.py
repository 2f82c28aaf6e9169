"""`anju close-due`: close every consultation past its closing time; for a cron (e.g. every 5 minutes).

Pages and the API close a due consultation when they read it; this closes the ones nobody opens."""

from django.core.management.base import BaseCommand

from anju.consultations import services


class Command(BaseCommand):
    help = "Close every open consultation past its closing time, audited as the system (到期自动截止)"

    def handle(self, *args, **options):
        closed = services.close_due()
        for c in closed:
            self.stdout.write(f"{c.pk}\t{c.closes_at.isoformat()}\t{c.title}")
        self.stdout.write(f"已截止 {len(closed)} 项 / closed {len(closed)}")
