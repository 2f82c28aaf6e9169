"""Work in a child process that is stopped at a time limit and cannot take more memory than allowed.

A task worker runs one job at a time; a job that never ends (a zip bomb inflating for minutes, a
runaway loop) would hold it for ever. Python cannot stop a thread stuck in C code, but a process
can be killed: the worker forks a child for each job, gives it an address-space limit
(RLIMIT_AS, on top of what the worker had already loaded) and kills it at the time limit. The
caller is told why in words a user can act on.

No database connection may cross the fork (two processes speaking on one socket corrupt it), so
the parent closes its connections first and the child opens its own. An in-memory SQLite
database cannot be shared with a child at all: `can_isolate()` says when to run in-process.
"""

from __future__ import annotations

import logging
import os
import resource
import select
import signal
import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connections

from anju.core.supervisor import die_with_parent

logger = logging.getLogger(__name__)

# Exit codes of the child, read by the parent.
_MEMORY_EXIT = 86
_ERROR_EXIT = 70

INTERRUPTED = ("任务被中断（处理它的进程已停止），请重新开始。"
               " / The job was interrupted (the process running it stopped); please start it again.")
INTERNAL = "处理时发生内部错误，请联系管理员 / An internal error occurred; please contact the administrator"


def time_message(seconds: int) -> str:
    return (f"超过时间限制（{seconds} 秒），任务已停止。请减少一次处理的数量（例如分批导入）后重试。"
            f" / The job exceeded its time limit ({seconds} s) and was stopped; try again with less at once"
            " (for example, import in parts).")


def memory_message(megabytes: int | None = None) -> str:
    megabytes = settings.ANJU_JOB_MEMORY_MB if megabytes is None else megabytes
    return (f"超过内存限制（{megabytes} MB），任务已停止。文件可能过大或已损坏（例如压缩炸弹）。"
            f" / The job exceeded its memory limit ({megabytes} MB) and was stopped; the file may be too"
            " large or malformed (for example, a zip bomb).")


def crash_message(signal_name: str, megabytes: int) -> str:
    return (f"任务进程意外终止（{signal_name}），多半是超过了内存限制（{megabytes} MB）。"
            f" / The job's process ended unexpectedly ({signal_name}), most likely over its memory limit"
            f" ({megabytes} MB).")


def can_isolate() -> bool:
    """Whether work may run in a child: every database is one a second process can open, and no transaction is open."""
    if not hasattr(os, "fork"):
        return False
    for connection in connections.all():
        if connection.in_atomic_block:
            return False
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            return False
    return True


def run_isolated(work: Callable[[], None], *, on_failure: Callable[[str], None],
                 time_limit: int | None = None, memory_mb: int | None = None) -> None:
    """Run `work()` in a child process within the limits; call `on_failure(reason)` if the child did not end well.

    `work` reports its own outcome (to the database); a child that ends with exit 0 has done so.
    """
    time_limit = settings.ANJU_JOB_TIME_LIMIT if time_limit is None else time_limit
    memory_mb = settings.ANJU_JOB_MEMORY_MB if memory_mb is None else memory_mb
    connections.close_all()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _child(work, parent, memory_mb)
    try:
        reason = _wait(pid, time_limit, memory_mb)
    except BaseException:
        on_failure(INTERRUPTED)
        raise
    if reason:
        on_failure(reason)


def _child(work: Callable[[], None], parent: int, memory_mb: int) -> None:
    code = _ERROR_EXIT
    try:
        # The worker's own handlers would make a SIGTERM here "finish the current task" (this one).
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        die_with_parent(signal.SIGKILL, parent=parent)
        _limit_memory(memory_mb)
        work()
        code = 0
    except MemoryError:
        code = _MEMORY_EXIT
    except BaseException:
        logger.exception("isolated work failed")
    finally:
        try:
            connections.close_all()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    with open("/proc/self/statm") as statm:
        loaded = int(statm.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = loaded + megabytes * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _wait(pid: int, time_limit: int, memory_mb: int) -> str | None:
    """Wait for the child until the time limit; the reason it failed, or None if it ended well."""
    deadline = time.monotonic() + time_limit
    try:
        status = _wait_until(pid, deadline)
    except BaseException:  # this process is being stopped: the child goes with it
        _kill(pid)
        raise
    if status is None:
        _kill(pid)
        return time_message(time_limit)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            return INTERRUPTED
        return crash_message(signal.Signals(sig).name, memory_mb)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return None
    if code == _MEMORY_EXIT:
        return memory_message(memory_mb)
    return INTERNAL


def _wait_until(pid: int, deadline: float) -> int | None:
    """The child's wait status once it ends, or None at the deadline."""
    try:
        ready = os.pidfd_open(pid)
    except (AttributeError, OSError):
        ready = None
    try:
        while True:
            waited, status = os.waitpid(pid, os.WNOHANG)
            if waited:
                return status
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if ready is not None:
                select.select([ready], [], [], remaining)
            else:
                time.sleep(min(0.1, remaining))
    finally:
        if ready is not None:
            os.close(ready)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
