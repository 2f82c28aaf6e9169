"""`anju recount [--fix]`: recompute the kept roster totals from the rows and report every difference.

Exit 0 when the kept building summaries (`anju.roster.summary`) equal a recount of the households and
residents; otherwise every difference is listed and the exit code is 1 (with --fix, after the summaries
were rewritten from the rows: run it again to see zero).
"""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.roster import summary
from anju.roster.models import Building

EXIT_DIFFERENCES = 1
SHOWN = 200  # differences listed one by one; the rest are counted

_FIELDS = {
    "building": "楼栋汇总行 / summary row", "households": "户数 / households", "people": "人数 / people",
    "elderly": "60岁以上 / elderly", "stranded_elderly": "悬空老人 / stranded elderly",
    "exclusive_area_cm2": "专有面积（0.01㎡）/ exclusive area (0.01 m²)",
    "gross_area_cm2": "建筑面积（0.01㎡）/ gross area (0.01 m²)", "compound_id": "所属小区 / compound",
    "community_id": "所属社区 / community", "subdistrict_id": "所属街道 / sub-district",
}


def _shown(value: int | None) -> str:
    return "无 / none" if value is None else str(value)


class Command(BaseCommand):
    help = "核对台账汇总数 / Recount the roster totals from the rows and report every difference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="rewrite the summaries from the rows")

    def handle(self, *args: Any, fix: bool, **options: Any) -> None:
        started = time.perf_counter()
        found = summary.differences()
        buildings = Building.objects.count()
        for difference in found[:SHOWN]:
            self.stdout.write(f"楼栋 {difference.building_id}：{_FIELDS[difference.field]} 汇总为 {_shown(difference.kept)}，"
                              f"按明细重算为 {_shown(difference.counted)}")
        if len(found) > SHOWN:
            self.stdout.write(f"……另有 {len(found) - SHOWN} 处不一致 / {len(found) - SHOWN} more differences")
        seconds = time.perf_counter() - started
        if not found:
            self.stdout.write(f"已核对 {buildings} 栋楼，汇总数与明细一致 / {buildings} buildings checked, "
                              f"no differences ({seconds:.1f} s)")
            return
        touched = len({d.building_id for d in found})
        self.stdout.write(f"{touched} 栋楼共 {len(found)} 处不一致 / {len(found)} differences in {touched} buildings")
        if fix:
            written = summary.rebuild()
            self.stdout.write(f"已按明细重写 {written} 栋楼的汇总 / rewrote {written} buildings' summaries from the rows")
        sys.exit(EXIT_DIFFERENCES)
