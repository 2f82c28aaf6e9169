"""Every page, staff and resident, names the app's own icon (served by the app, not a CDN)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
ICON = re.compile(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">')


def icon_of(page: str) -> str:
    found = ICON.findall(page)
    assert len(found) == 1, "a page names one icon"
    return found[0]


def test_staff_and_resident_pages_link_the_local_svg_icon(client, world, staff_a):
    resident = client.get(reverse("participation:suggest")).content.decode()  # the suggestion box, no login
    assert client.login(username=staff_a.username, password=PASSWORD)
    staff = client.get(reverse("participation:index")).content.decode()
    for page in (resident, staff):
        href = icon_of(page)
        assert href.startswith("/static/") and href.endswith("core/favicon.svg")
        svg = ET.parse(finders.find("core/favicon.svg")).getroot()
        assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 32 32"
