"""Background jobs: the letters of a whole consultation as one PDF, one letter (numbered on its own) per household."""

from __future__ import annotations

from typing import Any

from anju.consultations import services
from anju.consultations.letters import render_letters
from anju.consultations.models import Consultation
from anju.core import jobs
from anju.core.audit import Actor
from anju.core.models import Job

LETTERS = "consultations.letters"


@jobs.handler(LETTERS)
def letters(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """Letters for the households without a valid one, or (params["reissue"]) for every household."""
    c = Consultation.objects.select_related("compound", "subdistrict").get(pk=job.params["consultation"])
    reissue = bool(job.params.get("reissue"))
    electors = services.letters_due(c, reissue=reissue)
    total = len(electors)
    progress(0, total, "正在生成告知书", force=True)
    actor = Actor.of(job.actor) if job.actor else Actor.system("letters")
    pdf = render_letters(c, job.params["base_url"], electors=electors, actor=actor,
                         reason="全部重新打印 / all reprinted" if reissue else "",
                         progress=lambda done, of: progress(done, of, f"{done} / {of} 户"))
    progress.output_path(f"表决告知书-{c.compound.name}-{c.pk}.pdf").write_bytes(pdf)
    progress(total, total, "已完成", force=True)
    return {"summary": f"{total} 户告知书 / {total} letters", "pages": total}
