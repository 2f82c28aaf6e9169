"""Invitations: an account with its role and scope, and a one-time link to set its password."""

from __future__ import annotations

import datetime
import re
import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from anju.accounts.invitations import invitation_for
from anju.accounts.models import Invitation, Role
from anju.core.models import AuditEvent
from anju.core.scoping import scope_of
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "lotus pond under the east lake"


class _Smtp(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: EHLO, MAIL, RCPT, DATA, QUIT."""

    def reply(self, text: str) -> None:
        self.wfile.write(f"{text}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test SMTP")
        while line := self.rfile.readline():
            verb = line.decode().strip().split(" ")[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                self.server.received.append(message_from_bytes(data, policy=policy.default))  # type: ignore[attr-defined]
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp(settings) -> Iterator[list]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Smtp)
    server.received = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.server_address[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server.received  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def invite(client, world, *, role=Role.VOLUNTEER, username="zhou", email="", compound=None, community=None):
    community = community or world.community_a
    compound = compound if compound is not None else world.compound_a
    return client.post(reverse("roster:setup_invite", args=[world.subdistrict.pk]), {
        "role": role, "community": community.pk, "compound": compound.pk, "username": username,
        "display_name": "周志愿", "email": email})


def link_of(response) -> str:
    return re.search(r'readonly value="([^"]+)"', response.content.decode()).group(1)


def test_the_link_sets_a_password_once_and_the_account_has_its_scope(client, world, staff_a, smtp,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, world, email="zhou@example.org")
    assert response.status_code == 200
    link = link_of(response)
    user = get_user_model().objects.get(username="zhou")
    assert not user.is_active and not user.has_usable_password()
    assert scope_of(user).subdistrict_id is None  # an inactive account reaches nothing
    profile = user.anju_profile
    assert (profile.role, profile.community, profile.compound) == (Role.VOLUNTEER, world.community_a, world.compound_a)
    [mail] = smtp
    assert mail["To"] == "zhou@example.org" and link in mail.get_content()
    assert AuditEvent.objects.filter(action="invitation_create", actor=staff_a).count() == 1

    anonymous = client.__class__()
    path = link.removeprefix("http://testserver")
    assert "zhou" in anonymous.get(path).content.decode()
    weak = anonymous.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400 and not get_user_model().objects.get(pk=user.pk).is_active
    done = anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.is_active and user.check_password(NEW_PASSWORD)
    assert scope_of(user).compound_id == world.compound_a.pk and not scope_of(user).can_edit
    assert AuditEvent.objects.filter(action="invitation_accept", object_id=str(Invitation.objects.get().pk)).exists()
    assert anonymous.get(path).status_code == 410  # used once
    assert anonymous.post(path, {"new_password1": "x" + NEW_PASSWORD, "new_password2": "x" + NEW_PASSWORD}).status_code == 410
    assert client.__class__().login(username="zhou", password=NEW_PASSWORD)


def test_an_expired_link_is_gone_and_a_wrong_one_not_found(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    link = link_of(invite(client, world, role=Role.COMMUNITY_STAFF))
    path = link.removeprefix("http://testserver")
    Invitation.objects.update(expires=timezone.now() - datetime.timedelta(minutes=1))
    anonymous = client.__class__()
    assert anonymous.get(path).status_code == 410
    assert anonymous.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 410
    assert not get_user_model().objects.get(username="zhou").is_active
    assert anonymous.get(reverse("accounts:invitation", args=["not-a-key"])).status_code == 404


def test_the_link_is_shown_once_and_only_its_hash_is_stored(client, world, subdistrict_staff):
    client.force_login(subdistrict_staff)
    key = link_of(invite(client, world)).rstrip("/").rsplit("/", 1)[1]
    stored = Invitation.objects.get()
    assert key not in stored.key_hash and invitation_for(key) == stored
    page = client.get(reverse("roster:setup_detail", args=[world.subdistrict.pk])).content.decode()
    assert "zhou" in page and key not in page


def test_invitations_stay_within_the_inviters_scope(client, world, staff_a, volunteer_a):
    client.force_login(staff_a)
    # Community staff may not make sub-district staff, nor invite into another community.
    assert invite(client, world, role=Role.SUBDISTRICT_STAFF, username="boss").status_code == 403
    other = invite(client, world, role=Role.COMMUNITY_STAFF, username="b1", community=world.community_b)
    assert other.status_code == 400 and 'data-field="community"' in other.content.decode()
    # A volunteer's compound must be in the chosen community.
    wrong = invite(client, world, username="v2", compound=world.compound_b)
    assert wrong.status_code == 400 and 'data-field="compound"' in wrong.content.decode()
    taken = invite(client, world, username="STAFF_A")
    assert taken.status_code == 400 and 'data-field="username"' in taken.content.decode()
    assert not get_user_model().objects.filter(username__in=["boss", "b1", "v2"]).exists()
    client.force_login(volunteer_a)
    assert invite(client, world, username="v3").status_code == 403


def test_a_superuser_invites_a_new_sub_districts_first_staff(client, world):
    from anju.core.audit import Actor
    from anju.roster import setup

    donghu = setup.subdistrict_set_up(name="东湖街道", actor=Actor.system("tests"))
    root = get_user_model().objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    response = client.post(reverse("roster:setup_invite", args=[donghu.pk]),
                           {"role": Role.SUBDISTRICT_STAFF, "username": "donghu_li"})
    assert response.status_code == 200
    profile = get_user_model().objects.get(username="donghu_li").anju_profile
    assert (profile.role, profile.subdistrict, profile.community) == (Role.SUBDISTRICT_STAFF, donghu, None)


def test_an_account_never_opened_can_be_invited_again_and_the_old_link_ends(client, world, staff_a):
    client.force_login(staff_a)
    old = link_of(invite(client, world)).removeprefix("http://testserver")
    Invitation.objects.update(expires=timezone.now() - datetime.timedelta(days=1))
    again = invite(client, world, role=Role.COMMUNITY_STAFF)
    assert again.status_code == 200
    new = link_of(again).removeprefix("http://testserver")
    user = get_user_model().objects.get(username="zhou")
    assert user.anju_profile.role == Role.COMMUNITY_STAFF and user.anju_profile.compound is None
    anonymous = client.__class__()
    assert anonymous.get(old).status_code == 410
    assert anonymous.post(new, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302
    # Once opened, the name is taken for good.
    taken = invite(client, world)
    assert taken.status_code == 400 and 'data-field="username"' in taken.content.decode()
