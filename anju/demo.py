"""The demo sub-district 南庄坪街道, put together from every app's demo module.

This is the shell: it sits above the apps and may import each of them, so that no app (and not
core) has to know the others to load the demo. `anju demo` runs it.
"""

from __future__ import annotations

from collections.abc import Callable

from anju.consultations import demo as consultations
from anju.elevators import demo as elevators
from anju.participation import demo as participation
from anju.programme import demo as programme
from anju.roster import demo as roster
from anju.roster.models import Subdistrict

# Order matters: the roster first, then projects, then what refers to them. Each loader is safe to run twice.
LOADERS: tuple[Callable[[Subdistrict], object], ...] = (
    programme.load_demo, elevators.load_demo, consultations.load_demo, participation.load_demo,
)


def load_demo() -> tuple[Subdistrict, bool]:
    """Load the whole demo (nothing changes on a second run); the sub-district, and whether it was there before."""
    existed = Subdistrict.objects.filter(name=roster.SUBDISTRICT).exists()
    subdistrict = roster.load_demo()
    for load in LOADERS:
        load(subdistrict)
    return subdistrict, existed


def accounts_lines() -> list[str]:
    """The demo accounts as `anju demo` prints them: user name, role, display name and where they work."""
    lines = [f"演示账号 / demo accounts (密码 password: {roster.DEMO_PASSWORD}):"]
    for username, role, community, compound, display in roster.DEMO_ACCOUNTS:
        where = compound or community or roster.SUBDISTRICT
        lines.append(f"  {username:<14} {role.label} {display}（{where}）")
    lines.append(f"  {'admin':<14} 系统管理员 / superuser")
    return lines
