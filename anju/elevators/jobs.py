"""Background jobs: the whole unit's statements as one PDF, one page per household."""

from __future__ import annotations

from typing import Any

from anju.core import jobs
from anju.core.models import Job
from anju.elevators.models import CostPlan
from anju.elevators.statements import render_unit

STATEMENTS = "elevators.statements"


@jobs.handler(STATEMENTS)
def statements(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    plan = CostPlan.objects.select_related("project__unit__building__compound__subdistrict").get(pk=job.params["plan"])
    total = len(plan.shares)
    progress(0, total, "正在生成明白账", force=True)
    pdf, pages = render_unit(plan, lambda done, of: progress(done, of, f"{done} / {of} 户"))
    name = f"明白账-{plan.project.unit.building.compound.name}-{plan.project.unit}-v{plan.version}.pdf"
    progress.output_path(name).write_bytes(pdf)
    progress(total, total, "已完成", force=True)
    return {"summary": f"{total} 户明白账, 共 {pages} 页 / {total} statements, {pages} pages", "pages": pages}
