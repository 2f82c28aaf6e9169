"""Bad input never reaches a 500: bounds on every id and page window, NUL characters and broken multipart bodies.

The database tests run on SQLite (where an integer past 64 bits fails in the driver) and again on
PostgreSQL under DATABASE_URL (where a NUL character in text fails the query).
"""

from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from anju.accounts.models import ApiToken
from anju.core.bounds import MAX_ID, parse_id

pytestmark = pytest.mark.django_db
HUGE = 2**70


@pytest.fixture
def bearer(subdistrict_staff) -> dict[str, str]:
    _, key = ApiToken.issue(user=subdistrict_staff, name="tests")
    return {"Authorization": f"Bearer {key}"}


# ---------------------------------------------------------------- page windows and ids in the API

@pytest.mark.parametrize("query", ["limit=-1", "offset=-1", "limit=-397&offset=-193723", "limit=0", "limit=100000",
                                   f"offset={HUGE}"])
@pytest.mark.parametrize("path", ["/api/roster/households", "/api/participation/suggestions"])
def test_a_page_window_out_of_bounds_is_422(client, bearer, path, query):
    response = client.get(f"{path}?{query}", headers=bearer)
    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"][-1] in ("limit", "offset")


def test_a_page_window_in_bounds_still_answers(client, world, bearer):
    response = client.get("/api/roster/households?limit=1&offset=1", headers=bearer)
    assert response.status_code == 200 and len(response.json()) == 1


@pytest.mark.parametrize("path", ["/api/roster/compounds/{n}", "/api/roster/households/{n}",
                                  "/api/participation/meetings/{n}", "/api/consultations/consultations/{n}/tally",
                                  "/api/roster/units?building_id={n}", "/api/roster/compounds?community_id={n}",
                                  "/api/participation/notices?compound_id={n}", "/api/programme/projects?year={n}"])
@pytest.mark.parametrize("n", [HUGE, -HUGE, MAX_ID + 1, 0])
def test_an_id_past_64_bits_in_a_path_or_query_is_422(client, world, bearer, path, n):
    response = client.get(path.format(n=n), headers=bearer)
    assert response.status_code == 422, response.content


def test_the_widest_id_is_simply_not_found(client, world, bearer):
    assert client.get(f"/api/roster/compounds/{MAX_ID}", headers=bearer).status_code == 404


@pytest.mark.parametrize(("path", "body"), [
    ("/api/participation/notices", {"compound_id": HUGE, "title": "t", "body_html": "<p>b</p>"}),
    ("/api/participation/meetings/{meeting}/invite", {"household_ids": [HUGE]}),
    ("/api/participation/party/activities", {"person_id": 1, "compound_id": 1, "on": "2021-05-01", "kind": "visit",
                                             "hours": "1", "visits": HUGE}),
    ("/api/consultations/consultations", {"compound_id": HUGE, "title": "t"}),
])
def test_an_id_or_count_past_64_bits_in_a_body_is_422(client, world, bearer, path, body):
    import datetime

    from anju.participation import services
    from tests.factories import SYSTEM

    starts = datetime.datetime(2021, 5, 1, 10, tzinfo=datetime.UTC)
    meeting = services.meeting_create(compound=world.compound_a, starts_at=starts, place="活动室",
                                      topic="加装电梯", actor=SYSTEM)
    response = client.post(path.format(meeting=meeting.pk), json.dumps(body), content_type="application/json", headers=bearer)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize(("starts_at", "status"), [("0253-02-14T15:09:47+20:57", 201), ("2021-05-01T10:00:00+08:00", 201),
                                                   ("0001-01-01T00:10:00+20:00", 422)])
def test_a_time_with_a_utc_offset_past_postgresqls_range_is_stored_or_422(client, world, bearer, starts_at, status):
    body = {"compound_id": world.compound_a.pk, "starts_at": starts_at, "place": "活动室", "topic": "加装电梯"}
    response = client.post("/api/participation/meetings", json.dumps(body), content_type="application/json", headers=bearer)
    assert response.status_code == status, response.content


def test_every_integer_the_api_accepts_has_bounds(client):
    """The pattern, not the examples: each integer parameter and request-body field declares its range."""
    schema = client.get("/api/openapi.json").json()
    components = schema["components"]["schemas"]

    def integers(node: object, where: str):
        if isinstance(node, dict):
            if "$ref" in node:
                yield from integers(components[node["$ref"].rsplit("/", 1)[1]], node["$ref"])
            if node.get("type") == "integer":
                yield where, node
            for key, value in node.items():
                if key != "$ref":
                    yield from integers(value, f"{where}.{key}")
        elif isinstance(node, list):
            for item in node:
                yield from integers(item, where)

    unbounded = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            inputs = [p["schema"] for p in op.get("parameters", [])]
            inputs += [c["schema"] for c in op.get("requestBody", {}).get("content", {}).values()]
            for where, node in integers(inputs, f"{method} {path}"):
                if "minimum" not in node or "maximum" not in node:
                    unbounded.append(where)
    assert unbounded == []


def test_no_two_api_schemas_share_a_name():
    """OpenAPI components are keyed by class name: two `ProjectOut`s publish one of them for both."""
    from ninja import Schema

    import anju.api  # noqa: F401  (every router and schema)

    seen: dict[str, set[str]] = {}

    def walk(cls: type) -> None:
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("anju."):
                seen.setdefault(sub.__name__, set()).add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: modules for name, modules in seen.items() if len(modules) > 1} == {}


# ---------------------------------------------------------------- pages: path converters and query values

def _patterns(resolver: URLResolver, prefix: str = ""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def test_no_page_path_takes_an_unbounded_int():
    ours = [p for p in _patterns(get_resolver()) if not p.startswith(("admin/", "api/"))]
    assert ours and [p for p in ours if "<int:" in p] == []


@pytest.mark.parametrize("path", ["/roster/compound/{n}/", "/roster/household/{n}/", "/participation/n/{n}/",
                                  "/participation/c/{n}/", "/elevators/plans/{n}/", "/dashboard/report/{n}.pdf",
                                  "/programme/project/{n}/", "/consultations/{n}/tally/"])
def test_a_page_id_past_64_bits_is_404(client, world, subdistrict_staff, settings, path):
    settings.DEBUG = True  # as the demo runs: SQLite's query logging then meets the number first, a 500 before
    client.force_login(subdistrict_staff)
    assert client.get(path.format(n=HUGE)).status_code == 404
    assert client.get(path.format(n=MAX_ID)).status_code == 404


@pytest.mark.parametrize("query", [f"compound={HUGE}", f"community={HUGE}", f"subdistrict={HUGE}", "compound=²"])
def test_a_page_query_id_past_64_bits_or_not_ascii_is_no_500(client, world, subdistrict_staff, query):
    client.force_login(subdistrict_staff)
    for path in ("/dashboard/", "/programme/", "/participation/s/new/", f"/participation/c/{world.compound_a.pk}/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 404), (path, response.status_code)


def test_the_admin_change_page_of_an_id_past_64_bits_is_no_500(client, world, settings):
    settings.DEBUG = True
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="x-long-enough-password")
    client.force_login(admin)
    response = client.get(f"/admin/roster/compound/{HUGE}/change/")
    assert response.status_code in (302, 404)


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 7 ", 7), ("0", None), ("-3", None), ("²", None),
                                                 ("٣", None), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
                                                 ("", None), (None, None), ("1e3", None)])
def test_parse_id_takes_only_ascii_digits_within_64_bits(value, expected):
    assert parse_id(value) == expected


# ---------------------------------------------------------------- NUL characters and broken multipart bodies

def test_nul_in_the_anonymous_suggestion_form_is_400(client, world):
    response = client.post("/api/participation/public/suggestions", {
        "compound_id": world.compound_a.pk, "category": "safety", "title": "电线\x00裸露", "body": "门口"})
    assert response.status_code == 400, response.content
    assert response.json()["field"] == "title"
    page = client.post("/participation/s/new/", {"compound": world.compound_a.pk, "category": "safety",
                                                "title": "电线裸露", "body": "门口\x00"})
    assert page.status_code == 400 and "空字符" in page.content.decode()


def test_nul_in_a_search_is_400(client, world, bearer, subdistrict_staff):
    response = client.get("/api/roster/households?q=%00", headers=bearer)
    assert response.status_code == 400 and response.json()["field"] == "q"
    client.force_login(subdistrict_staff)
    page = client.get("/roster/search/?q=3-1%00")
    assert page.status_code == 400 and "NUL" in page.content.decode()


@pytest.mark.parametrize("body", [
    '{"compound_id": %d, "title": "\\u0000", "body_html": "<p>b</p>"}',
    '{"compound_id": %d, "title": "t", "body_html": "<p>b</p>", "issuer": "居委\\u0000会"}',
    '{"compound_id": %d, "title": "t", "body_html": "<p>b</p>", "\\u0000": 1}',
])
def test_nul_in_notice_text_is_400(client, world, bearer, body):
    response = client.post("/api/participation/notices", body % world.compound_a.pk, content_type="application/json",
                           headers=bearer)
    assert response.status_code == 400, response.content
    assert "NUL" in client.post("/api/participation/notices", body % world.compound_a.pk,
                                content_type="application/json", headers={**bearer, "Accept-Language": "en"}).json()["detail"]


def test_an_escaped_backslash_before_u0000_is_text_not_nul(client, world, bearer):
    body = json.dumps({"compound_id": world.compound_a.pk, "title": "C:\\u0000", "body_html": "<p>b</p>"})
    response = client.post("/api/participation/notices", body, content_type="application/json", headers=bearer)
    assert response.status_code == 201, response.content
    assert response.json()["title"] == "C:\\u0000"


def test_nul_in_a_path_is_400(client, world, bearer):
    assert client.get("/api/roster/compounds/1%00", headers=bearer).status_code == 400
    assert client.get("/roster/compound/1%00/").status_code == 400


def test_a_multipart_body_without_a_boundary_is_400(client, world):
    for content_type in ("multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"a b\x7f\""):
        response = client.generic("POST", "/api/participation/public/suggestions", b"--x\r\n\r\n--x--\r\n",
                                  content_type=content_type)
        assert response.status_code == 400, (content_type, response.content)
        assert response.json()["field"] == "Content-Type"
    page = client.generic("POST", "/participation/s/new/", b"x", content_type="multipart/form-data")
    assert page.status_code == 400
