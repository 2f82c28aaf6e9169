"""Done when (issue 17): a phone downloads a building, goes offline, records 5 visits and 3 door-to-door ballots
with photos, reloads offline and still sees them, syncs once online; the server holds exactly 5 visits and 3
ballots; a lost response and a replayed batch change nothing; a household that voted online meanwhile shows as
a conflict; a ballot after the close is refused and shown."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from anju.accounts.models import Role
from anju.consultations import services as consultations
from anju.core.audit import Actor
from anju.field.models import FieldRecord
from anju.participation.models import Visit
from tests.consultations.conftest import make_unit_vote
from tests.factories import PASSWORD, SYSTEM, make_user, make_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _photo(tmp_path, name: str):
    path = tmp_path / name
    out = io.BytesIO()
    Image.new("RGB", (2400, 1800), (90, 140, 200)).save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return str(path)


def _household(page, room: str):
    return page.locator("[data-household]", has_text=room)


def _visit(page, room: str, photo: str) -> None:
    _household(page, room).get_by_role("button", name="走访").click()
    page.locator("input[name=renovation][value=yes]").check()
    page.locator("input[name=elevator][value=no]").check()
    page.fill("textarea[name=concerns]", f"{room}担心施工噪音")
    page.set_input_files("input[name=photo]", photo)
    page.wait_for_selector("img.field-photo:not([hidden])")
    page.get_by_role("button", name="保存到本机").click()
    page.wait_for_selector("#summary")


def _ballot(page, room: str, signer: str, photo: str) -> None:
    _household(page, room).get_by_role("button", name="表决").click()
    for radio in page.locator("fieldset.field-q").all():
        radio.locator("input").first.check()
    page.fill("input[name=signer]", signer)
    page.set_input_files("input[name=photo]", photo)
    page.wait_for_selector("img.field-photo:not([hidden])")
    page.get_by_role("button", name="保存到本机").click()
    page.wait_for_selector("#summary")


def test_door_to_door_offline_counts_once(phone, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    vote = make_unit_vote(world, template="household5")
    make_user("field_staff", Role.COMMUNITY_STAFF, world, community=world.community_a)
    photo = _photo(tmp_path, "门口.jpg")
    context = phone.context

    phone.goto(f"{live_server.url}/accounts/login/?next=/field/")
    phone.fill("#id_username", "field_staff")
    phone.fill("#id_password", PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/field/")
    phone.wait_for_selector("[data-download]")
    phone.wait_for_function("() => navigator.serviceWorker.controller !== null")
    phone.locator(f"[data-download='{world.building_a.pk}']").click()
    phone.wait_for_selector("#summary")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    context.set_offline(True)
    rooms = [h.room_label for h in vote.households]
    for room in rooms[:5]:
        _visit(phone, room, photo)
    for index in (0, 1, 2):
        _ballot(phone, rooms[index], vote.owners[index].name, photo)
    phone.reload()
    phone.wait_for_selector("#summary")
    assert "待上传 8" in phone.locator("#summary").inner_text()
    assert "离线" in phone.locator("#net").inner_text()
    assert Visit.objects.count() == 0

    # Meanwhile the first household votes online, from its letter.
    q = vote.consultation.questions.order_by("order").first()
    consultations.ballot_cast(consultation=vote.consultation, household=vote.households[0],
                              answers={str(q.pk): "no"}, channel="online", actor=Actor.system("resident"))

    # Back online: the first answer is lost on the way back (the server applied the batch).
    sent: list[str] = []

    def lose_answer(route):
        sent.append(route.request.post_data or "")
        route.fetch()
        route.abort()

    phone.route("**/api/field/sync", lose_answer)
    context.set_offline(False)
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(1500)
    assert sent and Visit.objects.count() == 5
    phone.unroute("**/api/field/sync")
    phone.get_by_role("button", name="上传").click()
    phone.wait_for_function("() => document.querySelector('#summary') && document.querySelector('#summary').innerText.includes('待上传 0')")

    assert Visit.objects.count() == 5
    door = vote.consultation.ballots.filter(channel="door")
    assert door.count() == 3
    assert sorted(door.values_list("state", flat=True)) == ["conflict", "counted", "counted"]
    phone.wait_for_function("() => document.querySelectorAll('.badge').length > 0")
    phone.get_by_role("button", name="记录队列").click()
    phone.wait_for_selector("[data-client-id]")
    assert phone.locator("[data-status=conflict]").count() == 1
    assert phone.locator("[data-status=accepted]").count() == 7
    phone.wait_for_function("() => document.querySelectorAll('.badge-wait').length === 0", timeout=30000)
    assert FieldRecord.objects.exclude(photo="").count() == 8
    assert door.exclude(scan="").count() == 3

    # The same batch replayed by hand changes nothing.
    csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
    replay = phone.request.post(f"{live_server.url}/api/field/sync", data=sent[0],
                                headers={"Content-Type": "application/json", "X-CSRFToken": csrf})
    assert {r["status"] for r in replay.json()["results"]} == {"duplicate"}
    assert len(json.loads(sent[0])["records"]) == 8
    assert (Visit.objects.count(), vote.consultation.ballots.filter(channel="door").count()) == (5, 3)

    # A ballot taken offline after which the vote closes: refused, with the reason, on the phone.
    phone.get_by_role("button", name="返回").click()
    context.set_offline(True)
    _ballot(phone, rooms[3], vote.owners[3].name, photo)
    consultations.consultation_close(consultation=vote.consultation, actor=SYSTEM)
    context.set_offline(False)
    phone.get_by_role("button", name="上传").click()
    phone.wait_for_function("() => document.querySelector('#summary').innerText.includes('被拒绝 1')")
    phone.get_by_role("button", name="记录队列").click()
    refused = phone.locator("[data-client-id]", has=phone.locator("[data-status=refused]"))
    assert "截止" in refused.inner_text()
    assert vote.consultation.ballots.filter(channel="door").count() == 3
