"""Start a job or read one, in a site run by real processes (tests): `python -m tests.core.jobctl start KIND JSON`.

Prints the job as JSON. `start` queues it with the user `jobctl` (created on first use) as its owner.
"""

from __future__ import annotations

import json
import os
import sys


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.core.worker_settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from anju.core import jobs
    from anju.core.audit import Actor
    from anju.core.models import Job

    if argv[0] == "start":
        user, _ = get_user_model().objects.get_or_create(username="jobctl")
        job = jobs.job_start(kind=argv[1], label=argv[1], actor=Actor.of(user), params=json.loads(argv[2]))
    else:
        job = Job.objects.get(pk=int(argv[1]))
    print(json.dumps({"id": job.pk, "status": job.status, "error": job.error, "result": job.result}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
