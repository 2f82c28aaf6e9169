"""Where the pages and the API used to disagree, the stricter, documented rule now holds for both."""

from __future__ import annotations

from django.urls import reverse

from anju.elevators import queries, services
from anju.elevators.models import RunningBasis
from tests.factories import SYSTEM


def test_who_pays_running_costs_is_the_latest_plans_answer_on_page_and_api(client, project_a, unit_a, staff_a):
    """The estimate charges the households as the saved plan has them; the page counted the unread
    payers from the project's current flags, and the API did not say who pays at all."""
    services.project_update(project=project_a, running_basis=RunningBasis.RIDES, actor=SYSTEM)
    pks = {h.room: h.pk for h in unit_a.households.all()}
    services.rides_set(project=project_a, rides={pks["201"]: 100}, actor=SYSTEM)
    plan = services.plan_save(project=project_a, method="table:guangzhou-2025", reason="测算", actor=SYSTEM,
                              scenario=queries.Scenario(absent=frozenset({pks["601"]})))
    # 601 joins after the plan: until a new plan is saved it pays nothing.
    services.household_set(project=project_a, household=unit_a.households.get(room="601"), participates=True,
                           exempt=False, actor=SYSTEM)
    assert queries.running_estimate(project_a, plan)[1]["601"] == 0
    # Floors 2-6 pay (1F is exempt), 601 not yet: nine payers, 201's rides read, eight unread.
    client.force_login(staff_a)
    page = client.get(reverse("elevators:project", args=[project_a.pk]))
    assert page.context["running"]["unread"] == 8
    api = client.get(f"/api/elevators/projects/{project_a.pk}/running").json()
    assert api["unread"] == 8
    pays = {s["room"]: s["pays"] for s in api["shares"]}
    assert not pays["601"] and not pays["101"] and pays["602"]
