"""Job kinds for tests that run real task workers in their own processes (see worker_settings).

An app, so that a worker started as a separate process registers them at startup, as it does
every app's handlers.
"""

from __future__ import annotations

import time

from django.apps import AppConfig


def sleep(job, progress) -> dict:
    """A slow job: sleeps params["seconds"], a second at a time, reporting each."""
    seconds = job.params["seconds"]
    for second in range(seconds):
        progress(second, seconds, f"第 {second} 秒", force=True)
        time.sleep(1)
    return {"summary": f"睡了 {seconds} 秒"}


def hog(job, progress) -> dict:
    """A memory-hungry job: takes params["mb"] megabytes, touched, 16 MB at a time."""
    held = []
    for _ in range(job.params["mb"] // 16):
        held.append(bytearray(16 * 2**20))
    progress(len(held), len(held), force=True)
    return {"summary": f"拿到 {len(held) * 16} MB"}


class JobKinds(AppConfig):
    name = "tests.core.job_kinds"
    label = "anju_test_job_kinds"

    def ready(self) -> None:
        from anju.core import jobs

        jobs.handler("tests.sleep")(sleep)
        jobs.handler("tests.hog")(hog)
