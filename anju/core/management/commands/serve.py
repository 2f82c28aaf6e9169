"""`anju serve`: gunicorn and a pool of task workers under a supervisor, until Ctrl-C or SIGTERM.

Whatever dies is started again (a gunicorn master, a task worker; gunicorn replaces its own
workers) and nothing is left behind (anju.core.supervisor). The web workers are split between
two gunicorn masters on one socket: a master killed outright takes a few seconds to come back
(on a busy 2-core machine importing the app alone takes 8 s), and meanwhile the other one serves.
Beside them it runs `anju close-due` and `anju send-outbox` every 5 minutes, `anju send-digests`
and `anju send-vote-reminders` hourly (each message is recorded once: a digest a day, a reminder a
vote) and `anju purge-files` daily, unless `--no-periodic` (systemd timers do that in production: deploy/).
"""

from __future__ import annotations

import os
import socket
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from anju.core.supervisor import Program, Supervisor

CLOSE_DUE_EVERY = 5 * 60
PURGE_EVERY = 24 * 60 * 60
OUTBOX_EVERY = 5 * 60  # messages are sent by a task as they fall due; this catches what a stopped worker missed
REMINDERS_EVERY = 60 * 60


def gunicorn_args(*, bind: str, workers: int, threads: int) -> list[str]:
    """The gunicorn command line of `anju serve` (the benchmark in bench/ measures the same)."""
    args = [
        os.path.join(os.path.dirname(sys.executable), "gunicorn"), "anju.wsgi:application",
        "--bind", bind, "--workers", str(workers),
        # Threads that only ever hold a connection with a request to read (anju.core.webserver).
        "--worker-class", "anju.core.webserver.ThreadWorker", "--threads", str(threads),
        "--keep-alive", "5", "--timeout", "60", "--graceful-timeout", "8",
        "--access-logfile", "-",
        "--no-control-socket",  # two masters would share its one path; nothing here uses it
        "--logger-class", "anju.core.gunicorn_logging.ScrubbingLogger",  # no ID, phone or letter code in logs
    ]
    return args


def listen(bind: str) -> socket.socket:
    """The listening socket for `host:port` (IPv6 as `[::1]:8000`), ready to hand to gunicorn."""
    host, sep, port = bind.rpartition(":")
    if not sep or not port.isdigit():
        raise CommandError(f"--bind 应为 主机:端口，例如 127.0.0.1:8000，而不是 {bind!r} / --bind must be host:port, e.g. 127.0.0.1:8000, not {bind!r}",
                           returncode=2)
    host = host.strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        server = socket.create_server((host, int(port)), family=family, backlog=2048)
    except OSError as error:
        raise CommandError(f"无法监听 {bind}：{error.strerror} / Cannot listen on {bind}: {error.strerror}", returncode=2) from None
    server.set_inheritable(True)
    return server


class Command(BaseCommand):
    help = "Serve Anju with gunicorn and a pool of background task workers, restarting what dies (启动网页服务和后台任务)"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("ANJU_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=settings.ANJU_WORKERS,
                            help="gunicorn worker processes, split between two masters when 2 or more")
        parser.add_argument("--threads", type=int, default=settings.ANJU_WEB_THREADS, help="threads per gunicorn process")
        parser.add_argument("--task-workers", type=int, default=settings.ANJU_TASK_WORKERS, help="task worker processes")
        parser.add_argument("--no-worker", action="store_true", help="no task workers (and no periodic commands)")
        parser.add_argument("--no-web", action="store_true", help="task workers only")
        parser.add_argument("--no-periodic", action="store_true", help="do not run close-due, purge-files and the reminders")

    def handle(self, *args, **options):
        cli = [sys.executable, "-m", "anju.cli"]
        programs: list[Program] = []
        server = None
        if not options["no_web"]:
            server = listen(options["bind"])
            workers = max(1, options["workers"])
            masters = 2 if workers >= 2 else 1
            for number in range(1, masters + 1):
                share = workers // masters + (1 if number <= workers % masters else 0)
                web = gunicorn_args(bind=f"fd://{server.fileno()}", workers=share, threads=options["threads"])
                programs.append(Program(f"web-{number}", web, pass_fds=(server.fileno(),)))
        if not options["no_worker"]:
            for number in range(1, max(1, options["task_workers"]) + 1):
                programs.append(Program(f"task-worker-{number}", [*cli, "db_worker", "--no-reload", "--interval", "0.5"]))
            if not options["no_periodic"]:
                programs.append(Program("close-due", [*cli, "close-due"], every=CLOSE_DUE_EVERY, first_after=30))
                programs.append(Program("purge-files", [*cli, "purge-files"], every=PURGE_EVERY, first_after=60))
                programs.append(Program("send-outbox", [*cli, "send-outbox"], every=OUTBOX_EVERY, first_after=90))
                for name in ("send-digests", "send-vote-reminders"):
                    programs.append(Program(name, [*cli, name], every=REMINDERS_EVERY, first_after=120))
        if not programs:
            raise CommandError("--no-web 和 --no-worker 不能同时使用 / --no-web and --no-worker cannot be used together", returncode=2)
        if server is not None:
            self.stdout.write(f"安居已启动 / Anju is serving on http://{options['bind']}/  (Ctrl-C 停止 / to stop)")
        self.stdout.flush()
        try:
            Supervisor(programs, say=self._say).run()
        finally:
            if server is not None:
                server.close()

    def _say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
