"""Result indicators (成效指标) per item: exact, entered on the project page and through the API."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from anju.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_page_saves_exact_figures_and_refuses_a_word(client, project_a, staff_a):
    item = project_a.items.first()
    client.force_login(staff_a)
    response = client.post(reverse("programme:item_results", args=[item.pk]), {"gas_pipe_km": "1.25", "parking_spaces": "12"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.gas_pipe_km, item.parking_spaces) == (Decimal("1.250"), Decimal(12))
    assert AuditEvent.objects.filter(action="item_results_set", object_id=str(item.pk)).exists()
    bad = client.post(reverse("programme:item_results", args=[item.pk]), {"gas_pipe_km": "一点二"})
    assert bad.status_code == 400 and "改造燃气管道（km）：“一点二”不是数字" in bad.content.decode()
    item.refresh_from_db()
    assert item.gas_pipe_km == Decimal("1.250")


def test_the_api_sets_and_shows_them(client, project_a, staff_a):
    item = project_a.items.first()
    client.force_login(staff_a)
    url = reverse("api:item_results", kwargs={"pk": item.pk})
    ok = client.post(url, json.dumps({"values": {"energy_saving_area": 1520.5, "elevators_added": "2"}}),
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["energy_saving_area"] == "1520.50"
    detail = client.get(reverse("api:project", kwargs={"pk": project_a.pk})).json()
    assert next(i for i in detail["items"] if i["id"] == item.pk)["results"]["elevators_added"] == "2"
    for values, said in (({"elevators_added": "1.5"}, "最多保留 0 位小数"), ({"nope": "1"}, "没有名为“nope”的成效指标"),
                         ({"parking_spaces": "-3"}, "不能为负数")):
        bad = client.post(url, json.dumps({"values": values}), content_type="application/json")
        assert bad.status_code == 400 and said in bad.json()["detail"], bad.json()


def test_a_volunteer_may_not_enter_them(client, project_a, volunteer_a):
    client.force_login(volunteer_a)
    item = project_a.items.first()
    assert client.post(reverse("programme:item_results", args=[item.pk]), {"gas_pipe_km": "1"}).status_code == 403
