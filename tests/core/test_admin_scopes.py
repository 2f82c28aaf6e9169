"""Every admin page of a scoped table filters through `visible_to`: a staff user without a scope sees nothing."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

pytestmark = pytest.mark.django_db

SCOPED = [(model, model_admin) for model, model_admin in admin.site._registry.items() if hasattr(model, "scope_paths")]


def test_every_scoped_model_is_in_the_admin():
    assert len(SCOPED) >= 20


@pytest.mark.parametrize(("model", "model_admin"), SCOPED, ids=[m._meta.label for m, _ in SCOPED])
def test_admin_querysets_go_through_the_scope(model, model_admin, world, outsider):
    outsider.is_staff = True  # may open the admin, but has no sub-district, community or compound
    request = RequestFactory().get("/admin/")
    request.user = outsider
    assert model_admin.get_queryset(request).query.is_empty(), model._meta.label


@pytest.mark.parametrize(("model", "model_admin"), SCOPED, ids=[m._meta.label for m, _ in SCOPED])
def test_community_staff_see_no_row_of_the_other_community_in_the_admin(model, model_admin, world, staff_a):
    request = RequestFactory().get("/admin/")
    request.user = staff_a
    shown = set(model_admin.get_queryset(request).values_list("pk", flat=True))
    assert shown <= set(model.objects.visible_to(staff_a).values_list("pk", flat=True))
