"""Anju's settings plus the test job kinds, for `anju serve` / `db_worker` started by tests as real processes."""

from anju.settings import *  # noqa: F403
from anju.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.core.job_kinds.JobKinds"]
