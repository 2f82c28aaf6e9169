"""`anju serve`: gunicorn with whitenoise for pages, and a task worker beside it, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Anju with gunicorn and run the background task worker (启动网页服务和后台任务)"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("ANJU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("ANJU_WORKERS", "2")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args, **options):
        bin_dir = os.path.dirname(sys.executable)
        web = [os.path.join(bin_dir, "gunicorn"), "anju.wsgi:application", "--bind", options["bind"],
               "--workers", str(options["workers"]), "--access-logfile", "-", "--timeout", "60"]
        children = [subprocess.Popen(web, stdin=subprocess.DEVNULL)]
        if not options["no_worker"]:
            worker = [sys.executable, "-m", "anju.cli", "db_worker", "--no-reload"]
            children.append(subprocess.Popen(worker, stdin=subprocess.DEVNULL))
        self.stdout.write(f"安居已启动 / Anju is serving on http://{options['bind']}/  (Ctrl-C 停止 / to stop)")
        self.stdout.flush()
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while not stopping and all(c.poll() is None for c in children):
                time.sleep(0.5)
        finally:
            for c in children:
                if c.poll() is None:
                    c.terminate()
            for c in children:
                try:
                    c.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    c.kill()
        failed = [c.returncode for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(1)
