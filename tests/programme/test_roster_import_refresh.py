"""A roster import brings the beneficiary figures of the projects in its compounds up to date.

The roster does not call the programme: it announces the compounds it wrote to once the import
commits (`anju.core.events.ROSTER_IMPORTED`), and the programme, subscribed in its `ready()`, refreshes.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.models import Job, JobStatus
from anju.roster.jobs import IMPORT
from tests.roster.test_import import roster_rows, write_roster


def _import_job(settings, user, rows, *, dry_run: bool, django_capture_on_commit_callbacks) -> Job:
    folder = settings.MEDIA_ROOT / "roster-imports"
    folder.mkdir(parents=True, exist_ok=True)
    write_roster(folder / "r.csv", rows)
    with django_capture_on_commit_callbacks(execute=False):
        job = jobs.job_start(kind=IMPORT, label="台账导入", actor=Actor.of(user),
                             params={"path": "roster-imports/r.csv", "name": "r.csv", "dry_run": dry_run})
    with django_capture_on_commit_callbacks(execute=True):  # the import's commit, inside the test's transaction
        jobs.run_job.call(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    return job


def test_an_applied_upload_counts_the_new_households_in_the_projects_of_their_compounds(
        settings, world, project_a, project_b, subdistrict_staff, django_capture_on_commit_callbacks):
    assert (project_a.households, project_b.households) == (1, 1)  # 3栋1单元501 in each compound
    dry = _import_job(settings, subdistrict_staff, roster_rows(), dry_run=True,
                      django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert dry.result["added"] == 3
    project_a.refresh_from_db()
    assert project_a.households == 1  # a dry run writes nothing, so nothing to refresh
    _import_job(settings, subdistrict_staff, roster_rows(), dry_run=False,
                django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    # 甲小区: 501 was there; 502 (3栋1单元) and 601 (3栋2单元) are new; 乙小区 gains 402.
    assert project_a.households == 3
    assert project_a.people == 2  # residents: 王秀兰 and 张三; 502 is let (出租), its owner lives elsewhere
    assert project_b.households == 2


def test_the_command_line_import_refreshes_them_too(tmp_path, world, project_a, project_b,
                                                     django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_roster", str(write_roster(tmp_path / "r.csv", roster_rows()[:3])), stdout=out,
                     stderr=io.StringIO())
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    assert project_a.households == 3 and project_b.households == 1  # only compound A's rows were in the file


@pytest.mark.django_db(transaction=True)
def test_once_the_import_commits_for_real_the_figures_follow(tmp_path, world, project_a, project_b):
    """No test transaction around it: the import commits, and the announcement is heard right after."""
    stderr = io.StringIO()
    call_command("import_roster", str(write_roster(tmp_path / "r.csv", roster_rows())), stdout=io.StringIO(),
                 stderr=stderr)
    project_a.refresh_from_db()
    project_b.refresh_from_db()
    assert (project_a.households, project_b.households) == (3, 2)
    assert "受益人数没能更新" not in stderr.getvalue()
