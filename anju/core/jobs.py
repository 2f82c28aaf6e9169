"""Long work as background tasks (django-tasks, database backend), with progress and a result file.

A capability registers a handler with `@handler("kind")`; `job_start` records a Job and enqueues
it after the surrounding transaction commits; a task worker (`anju serve` runs a pool of them, or
`anju db_worker`) runs it in a child process within a time and a memory limit (`anju.core.limits`).
Handlers report progress through the `Progress` they receive and return a JSON-able result; a
file they write with `progress.output_path(name)` can be downloaded by the user who started the
job, until it expires (`anju.core.jobfiles`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from anju.core import limits
from anju.core.audit import Actor
from anju.core.errors import AnjuError
from anju.core.models import Job, JobStatus
from anju.domain.errors import DomainError

logger = logging.getLogger(__name__)

Handler = Callable[[Job, "Progress"], dict[str, Any] | None]
_HANDLERS: dict[str, Handler] = {}
_REAP_GRACE_SECONDS = 60


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work of jobs of `kind`."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


class Progress:
    """Progress reports from a handler; written at most every `interval` seconds so a tight loop stays fast."""

    def __init__(self, job: Job, interval: float = 0.5) -> None:
        self.job = job
        self.interval = interval
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "", *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        fields = {"done": done, "message": message[:300]}
        if total is not None:
            fields["total"] = total
        Job.objects.filter(pk=self.job.pk).update(**fields)

    def output_path(self, name: str) -> Path:
        """Where to write the job's downloadable file; remembered on the job."""
        relative = Path("jobs") / str(self.job.pk) / name
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.job.output, self.job.output_name = str(relative), name
        return path


def job_start(*, kind: str, label: str, actor: Actor, params: dict[str, Any], subdistrict_id: int | None = None) -> Job:
    """Record a job and queue it once the current transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"no handler registered for job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label[:200], actor=actor.user, params=params, subdistrict_id=subdistrict_id)
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> str:
    """The worker's entry: run the job in a child process within the time and memory limits."""
    return _run(job_id, isolate=True)


def _run(job_id: int, *, isolate: bool) -> str:
    reap_interrupted()
    if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING, started=timezone.now()):
        if isolate and limits.can_isolate():
            limits.run_isolated(lambda: _execute(job_id), on_failure=lambda reason: _fail_running(job_id, reason))
        else:  # in a test's transaction or in-memory database, which a child process cannot share
            _execute(job_id)
    return Job.objects.values_list("status", flat=True).get(pk=job_id)


def _execute(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    progress = Progress(job)
    try:
        result = _HANDLERS[job.kind](job, progress)
    except (AnjuError, DomainError) as error:
        _finish(job, JobStatus.FAILED, error=f"{error.zh} / {error.en}")
    except MemoryError:
        # Raised under the child's address-space limit; what it held is free again by now.
        _finish(job, JobStatus.FAILED, error=limits.memory_message())
    except Exception:  # the user sees that it failed; the trace goes to the log, scrubbed of personal data
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, JobStatus.FAILED, error=limits.INTERNAL)
    else:
        _finish(job, JobStatus.DONE, result=result)


def _finish(job: Job, status: str, *, result: dict | None = None, error: str = "") -> None:
    Job.objects.filter(pk=job.pk).update(
        status=status, result=result, error=error, finished=timezone.now(), output=job.output, output_name=job.output_name,
    )


def _fail_running(job_id: int, reason: str) -> None:
    """A job whose process was stopped (or died) reads as failed, with the reason; unless it finished first."""
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(status=JobStatus.FAILED, error=reason, finished=timezone.now())


def reap_interrupted() -> int:
    """Mark failed the jobs left running by a worker that was killed outright; returns how many.

    A running job's own worker stops it at the time limit, so one still running well past it has
    lost its process (kill -9, a power cut).
    """
    cutoff = timezone.now() - timedelta(seconds=settings.ANJU_JOB_TIME_LIMIT + _REAP_GRACE_SECONDS)
    return Job.objects.filter(status=JobStatus.RUNNING, started__lt=cutoff).update(
        status=JobStatus.FAILED, error=limits.INTERRUPTED, finished=timezone.now(),
    )


def run_pending() -> int:
    """Run every queued job now, in this process and connection (CLI and tests), without limits; returns how many ran.

    Not through `db_worker --batch`: the worker closes the database connection when it is done,
    which would end a test's transaction on PostgreSQL. The worker later finds these jobs no
    longer queued and leaves them alone.
    """
    ids = list(Job.objects.filter(status=JobStatus.QUEUED).order_by("pk").values_list("pk", flat=True))
    for pk in ids:
        _run(pk, isolate=False)
    return len(ids)
