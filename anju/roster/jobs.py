"""Background jobs for roster import and export, with progress.

An import holds one database transaction from its first row to its last, so progress written to
the Job row would stay invisible (and be rolled back) until the end. Import progress therefore
goes to a small JSON file beside the job's output (`progress.json`), which the transfer page
reads; the Job row gets the final counts. Problems go to `problems.json` (personal data: served
only to the job's owner) and the marked xlsx is the job's download.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from anju.core import jobs
from anju.core.audit import Actor
from anju.core.exports import export_made, provenance_for
from anju.core.models import Job
from anju.core.scoping import scope_of
from anju.domain.rostersheet import write_problem_report
from anju.roster.exporter import ExportTarget, export_count, export_roster
from anju.roster.importer import count_rows, import_roster

logger = logging.getLogger(__name__)

IMPORT = "roster.import"
EXPORT = "roster.export"
REPORT_NAME = "问题报告.xlsx"


def job_dir(job: Job) -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs" / str(job.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_progress(job: Job) -> dict[str, Any]:
    """The import's latest progress ({"done", "total"}), or the Job row's when there is no file."""
    try:
        return json.loads((job_dir(job) / "progress.json").read_text())
    except (OSError, ValueError):
        return {"done": job.done, "total": job.total}


def read_problems(job: Job) -> list[dict[str, Any]]:
    try:
        return json.loads((job_dir(job) / "problems.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


class _FileProgress:
    """Writes {"done", "total"} to progress.json at most twice a second, atomically."""

    def __init__(self, job: Job, total: int | None) -> None:
        self.path = job_dir(job) / "progress.json"
        self.total = total or 0
        self._last = 0.0
        self(0, force=True)

    def __call__(self, done: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"done": done, "total": max(self.total, done)}))
        os.replace(temporary, self.path)


@jobs.handler(IMPORT)
def run_import(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: path (under MEDIA_ROOT), name (as uploaded), dry_run, create_missing."""
    source = Path(settings.MEDIA_ROOT) / job.params["path"]
    total = count_rows(source)
    file_progress = _FileProgress(job, total)
    dry_run = job.params.get("dry_run", True)
    keep = False
    try:
        result = import_roster(
            source, actor=Actor.of(job.actor), scope=scope_of(job.actor), dry_run=dry_run,
            progress=file_progress, label=job.params.get("name", ""),
            create_missing=bool(job.params.get("create_missing")),
        )
        if result.problems:
            write_report(job, source, result.problems, progress.output_path(REPORT_NAME))
        keep = dry_run and not result.problems
    finally:
        # The upload holds personal data: keep it only while a clean dry run waits for 确认导入.
        if not keep:
            source.unlink(missing_ok=True)
            if source.parent != Path(settings.MEDIA_ROOT) and not any(source.parent.iterdir()):
                source.parent.rmdir()
    file_progress(total or result.rows, force=True)
    progress(total or result.rows, total or result.rows, force=True)
    summary = result.summary()
    if result.followers_failed:
        # The import is committed; what failed is a figure derived from it elsewhere (the projects'
        # beneficiaries, refreshed on the announcement): say so, and the import still reads as done.
        logger.warning("roster import job %s committed, but a subscriber to its announcement failed", job.pk)
        summary["beneficiaries_stale"] = True
    if result.problems:
        problems = [
            {"sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value, "zh": p.zh, "en": p.en}
            for p in result.problems
        ]
        (job_dir(job) / "problems.json").write_text(json.dumps(problems, ensure_ascii=False), encoding="utf-8")
    return summary


def write_report(job: Job, source: Path, problems: list, out: Path) -> None:
    """The marked problem report, saying whose upload it describes; audited."""
    actor = Actor.of(job.actor)
    provenance = provenance_for(actor=actor, title=REPORT_NAME, details={
        "文件 File": job.params.get("name", ""), "问题 Problems": len(problems),
    })
    write_problem_report(source, problems, out, provenance=provenance)
    export_made(actor=actor, provenance=provenance, obj=job, subdistrict_id=job.subdistrict_id,
                facts={"problems": len(problems)})


@jobs.handler(EXPORT)
def run_export(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """params: level, pk, name."""
    scope = scope_of(job.actor)
    target = ExportTarget(job.params["level"], job.params["pk"], job.params["name"])
    total = export_count(scope=scope, target=target)
    progress(0, total, force=True)
    written = export_roster(
        scope=scope, target=target, out=progress.output_path(target.filename), actor=Actor.of(job.actor),
        progress=lambda done: progress(done, total),
    )
    return {"households": written, "masked": not scope.sees_personal_data}
