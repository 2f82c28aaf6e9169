"""操作手册: every topic renders for every role in both languages, every link in it leads somewhere its
reader may go, and each staff page's 帮助 opens the topic of its own capability."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import get_resolver, reverse

from anju.accounts.models import Role
from anju.core.help import BY_NAMESPACE, BY_URL_NAME, TOPICS, topic_for
from tests.factories import make_user, make_world

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"]+)"')
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def cast():
    world = make_world()
    users = {
        "volunteer": make_user("volunteer_a", Role.VOLUNTEER, world, community=world.community_a,
                               compound=world.compound_a),
        "staff_a": make_user("staff_a", Role.COMMUNITY_STAFF, world, community=world.community_a),
        "subdistrict": make_user("jiedao", Role.SUBDISTRICT_STAFF, world),
        "superuser": get_user_model().objects.create_superuser("root", password="x" * 20),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


def _help_urls() -> list[str]:
    return [reverse("core:help_index")] + [reverse("core:help", args=[slug]) for slug in TOPICS]


def _article(html: str) -> str:
    """The manual's own text: the article, without the page's header and the list of topics."""
    return html.split('data-testid="help-article"', 1)[1].split("</article>", 1)[0]


def test_every_help_page_renders_for_every_role(cast):
    for url in _help_urls():
        for role, client in cast.items():
            response = client.get(url)
            assert response.status_code == 200, (url, role)
            assert "<h1" in _article(response.content.decode())
    assert Client().get(reverse("core:help", args=["roster"])).status_code == 302  # to the login page


def test_an_unknown_topic_is_404(cast):
    assert cast["subdistrict"].get("/help/nosuchtopic/").status_code == 404


def test_every_link_in_the_manual_leads_somewhere_a_role_may_go(cast):
    login = reverse("accounts:login")
    links: dict[str, str] = {}
    for url in _help_urls():
        for href in HREF.findall(_article(cast["subdistrict"].get(url).content.decode())):
            links.setdefault(href, url)
    assert len(links) > 30  # the manual links to the pages it describes
    refused = []
    for href, page in links.items():
        assert href.startswith("/"), f"{page} links outside the site: {href}"
        path, _, fragment = href.partition("#")
        reached = {}
        for role, client in cast.items():
            response = client.get(path)
            ok = response.status_code == 200 or (
                response.status_code == 302 and not response["Location"].startswith(login))
            reached[role] = response.status_code
            if ok and fragment:
                assert f'id="{fragment}"' in response.content.decode(), f"{page}: {href} has no #{fragment}"
        if not any(code in (200, 302) for code in reached.values()):
            refused.append(f"{page} → {href}: {reached}")
    assert refused == []


def test_the_manual_reads_in_english_with_the_language_switch(cast):
    client = cast["staff_a"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    for url in _help_urls():
        text = re.sub(r"<[^>]+>", " ", _article(client.get(url).content.decode()))
        # the error messages the roster page quotes stay as the user sees them in the file's results
        chinese = [line.strip() for line in text.splitlines() if CJK.search(line)]
        assert chinese == [], (url, chinese[:5])
    page = client.get(reverse("core:help", args=["roster"])).content.decode()
    assert "How to import the household survey sheet" in page


@pytest.mark.parametrize(("url_name", "kwargs", "topic"), [
    ("roster:home", None, "roster"),
    ("roster:transfer_upload", None, "roster"),
    ("roster:setup", None, "start"),
    ("consultations:index", None, "consultations"),
    ("elevators:index", None, "elevators"),
    ("programme:index", None, "programme"),
    ("participation:index", None, "participation"),
    ("stewardship:fees", None, "stewardship"),
    ("dashboard:work", None, "work"),
    ("dashboard:index", None, "work"),
    ("accounts:password_change", None, "accounts"),
    ("core:help_index", None, None),
])
def test_the_header_help_opens_the_topic_of_the_page(cast, url_name, kwargs, topic):
    response = cast["subdistrict"].get(reverse(url_name, kwargs=kwargs), follow=True)
    assert response.status_code == 200
    link = re.search(r'href="([^"]+)" data-testid="help-link"', response.content.decode())
    assert link is not None, url_name
    assert link.group(1) == (reverse("core:help", args=[topic]) if topic else reverse("core:help_index"))


def test_every_staff_namespace_has_a_topic():
    namespaces = {key for key, value in get_resolver().namespace_dict.items()}
    staff = namespaces - {"admin", "api", "core"}
    assert staff <= set(BY_NAMESPACE), staff - set(BY_NAMESPACE)
    assert set(BY_NAMESPACE.values()) | set(BY_URL_NAME.values()) <= set(TOPICS)
    assert topic_for("roster", "roster:setup_invite") == "accounts"
    assert topic_for(None, None) is None
