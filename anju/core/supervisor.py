"""Keep a few processes running: restart what dies, leave nothing behind, stop them all on request.

`anju serve` runs gunicorn and the task workers under a `Supervisor`. Each child starts in a
session (process group) of its own, with the kernel told to signal it when the supervisor dies
(PR_SET_PDEATHSIG). When a child's main process ends, whatever is left of its group (gunicorn
workers of a master killed outright, a job's process) is killed before the child starts again,
so an orphan can never hold the port or a job. The listening socket belongs to the supervisor
and is handed to each new gunicorn: connections made while gunicorn restarts wait in the
socket's queue instead of being refused, and no restart can fail with "address in use".

No Django here: this module is imported by gunicorn workers and forked children too.
"""

from __future__ import annotations

import ctypes
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None

# A child that ran at least this long before dying is restarted at once; one that keeps dying
# sooner waits 0.5 s, 1 s, 2 s … (at most MAX_BACKOFF) so a broken setup does not spin.
STEADY_SECONDS = 10.0
MAX_BACKOFF = 30.0


def die_with_parent(sig: int = signal.SIGKILL, *, parent: int | None = None) -> None:
    """Have the kernel send `sig` to this process when its parent dies (Linux; elsewhere nothing).

    If the parent is already gone (it died between the fork and this call), end now.
    """
    if _LIBC is None or _LIBC.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


@dataclass
class Program:
    """A process to keep running (`every` None), or a command to run every `every` seconds."""

    name: str
    argv: list[str]
    pass_fds: tuple[int, ...] = ()
    every: float | None = None
    first_after: float = 0.0  # seconds after start for the first run of a periodic command
    process: subprocess.Popen | None = field(default=None, repr=False)
    started: float = 0.0
    start_at: float = 0.0
    quick_deaths: int = 0


class Supervisor:
    """Runs `programs` until SIGTERM, SIGINT or SIGHUP; then stops them, within `stop_timeout` seconds."""

    def __init__(self, programs: list[Program], *, say: Callable[[str], None], stop_timeout: float = 10.0) -> None:
        self.programs = programs
        self.say = say
        self.stop_timeout = stop_timeout
        self.stopping = False

    def run(self) -> None:
        wake_read, wake_write = os.pipe()
        os.set_blocking(wake_read, False)
        os.set_blocking(wake_write, False)
        previous_wakeup = signal.set_wakeup_fd(wake_write)
        previous = {sig: signal.signal(sig, self._on_stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
        # A child's death wakes the loop at once (through the wake-up pipe) instead of at the next tick.
        previous[signal.SIGCHLD] = signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        now = time.monotonic()
        for program in self.programs:
            program.start_at = now + (program.first_after if program.every else 0.0)
        try:
            while not self.stopping:
                self._tick(time.monotonic())
                select.select([wake_read], [], [], 0.5)
                try:
                    os.read(wake_read, 512)
                except BlockingIOError:
                    pass
        finally:
            self._stop_all()
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            os.close(wake_read)
            os.close(wake_write)

    def _on_stop(self, signum: int, frame: object) -> None:
        self.stopping = True

    def _tick(self, now: float) -> None:
        for program in self.programs:
            process = program.process
            if process is not None and process.poll() is not None:
                self._ended(program, now)
            if program.process is None and now >= program.start_at and not self.stopping:
                self._start(program, now)

    def _start(self, program: Program, now: float) -> None:
        parent = os.getpid()
        program.process = subprocess.Popen(
            program.argv, stdin=subprocess.DEVNULL, pass_fds=program.pass_fds, start_new_session=True,
            preexec_fn=lambda: die_with_parent(signal.SIGTERM, parent=parent),
        )
        program.started = now
        if program.every is None:
            self.say(f"已启动 {program.name}（进程 {program.process.pid}）/ started {program.name} (pid {program.process.pid})")

    def _ended(self, program: Program, now: float) -> None:
        process = program.process
        assert process is not None
        _kill_group(process.pid)  # what the child left behind (workers, a job) goes with it
        program.process = None
        if program.every is not None:
            if process.returncode != 0:
                self.say(f"{program.name} 失败（{_how(process.returncode)}）/ {program.name} failed ({_how(process.returncode)})")
            program.start_at = program.started + program.every
            return
        if now - program.started >= STEADY_SECONDS:
            program.quick_deaths = 0
            delay = 0.0
        else:
            program.quick_deaths += 1
            delay = min(MAX_BACKOFF, 0.5 * 2 ** (program.quick_deaths - 1))
        program.start_at = now + delay
        self.say(f"{program.name}（进程 {process.pid}）已退出（{_how(process.returncode)}），{delay:.1f} 秒后重启"
                 f" / {program.name} (pid {process.pid}) exited ({_how(process.returncode)}); restarting in {delay:.1f} s")

    def _stop_all(self) -> None:
        running = [p.process for p in self.programs if p.process is not None and p.process.poll() is None]
        for process in running:  # the main process only: gunicorn and the task worker stop their own children
            _signal(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        for process in running:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for program in self.programs:
            if program.process is not None:
                _kill_group(program.process.pid)
                program.process.wait()
                program.process = None


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _kill_group(pgid: int) -> None:
    """SIGKILL every process left in the group `pgid` (the child's own session)."""
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _how(returncode: int | None) -> str:
    if returncode is None:
        return "running"
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return f"exit {returncode}"
