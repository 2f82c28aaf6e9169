"""API tokens: they expire, wrong ones are throttled per address, `anju tokens` lists and revokes them,
and a changed password ends them all."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.forms import PasswordChangeForm
from django.core.management import CommandError, call_command
from django.utils import timezone

from anju.accounts.models import ApiToken, hash_token
from anju.core.models import AuditEvent
from tests.servers import child_env, run_anju

pytestmark = pytest.mark.django_db
URL = "/api/roster/subdistricts"


def bearer(client, key: str, address: str = "127.0.0.1"):
    return client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=address)


def test_a_fresh_token_works_and_lives_token_days(client, world, staff_a, settings):
    settings.ANJU_TOKEN_DAYS = 30
    token, key = ApiToken.issue(user=staff_a, name="sync")
    assert bearer(client, key).status_code == 200
    assert abs((token.expires - timezone.now()) - datetime.timedelta(days=30)) < datetime.timedelta(minutes=1)


def test_an_expired_token_is_401_with_a_clear_message(client, world, staff_a):
    token, key = ApiToken.issue(user=staff_a, name="sync")
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
    response = bearer(client, key)
    assert response.status_code == 401 and "接口令牌已过期" in response.json()["detail"]
    english = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT_LANGUAGE="en")
    assert "expired" in english.json()["detail"]


def test_wrong_tokens_are_429_after_n_from_one_address_even_for_a_right_token_then(client, world, staff_a, settings):
    settings.ANJU_API_TOKEN_MAX_FAILURES = 3
    _, key = ApiToken.issue(user=staff_a, name="sync")
    codes = [bearer(client, f"anju_guess{n}").status_code for n in range(5)]
    assert codes == [401, 401, 401, 429, 429]
    assert bearer(client, key).status_code == 429  # a guessing loop learns nothing more, even by luck
    assert bearer(client, key, address="10.0.0.9").status_code == 200  # another address is not blocked
    assert "过多" in bearer(client, "anju_x").json()["detail"]


def test_requests_without_a_bearer_token_are_not_counted(client, world, staff_a, settings):
    settings.ANJU_API_TOKEN_MAX_FAILURES = 1
    for _ in range(3):
        assert client.get(URL).status_code == 401
    _, key = ApiToken.issue(user=staff_a, name="sync")
    assert bearer(client, key).status_code == 200


def test_a_changed_password_ends_every_token_of_that_user(client, world, staff_a, staff_b):
    _, key_a1 = ApiToken.issue(user=staff_a, name="one")
    _, key_a2 = ApiToken.issue(user=staff_a, name="two")
    _, key_b = ApiToken.issue(user=staff_b, name="other")
    staff_a.set_password("a new and long passphrase")
    staff_a.save()
    assert bearer(client, key_a1).status_code == 401 and bearer(client, key_a2).status_code == 401
    assert bearer(client, key_b).status_code == 200
    events = AuditEvent.objects.filter(action="api_token_revoke")
    assert events.count() == 2 and all(e.after == {"reason": "password changed"} for e in events)
    assert not any(key_a1 in str(e.before) or hash_token(key_a1) in str(e.before) for e in events)


def test_the_password_change_form_ends_tokens_too(world, staff_a):
    ApiToken.issue(user=staff_a, name="one")
    form = PasswordChangeForm(staff_a, {"old_password": "correct horse battery staple",
                                        "new_password1": "a new and long passphrase", "new_password2": "a new and long passphrase"})
    assert form.is_valid(), form.errors
    form.save()
    assert not ApiToken.objects.exists()


def test_logging_in_and_other_saves_keep_the_tokens(client, world, staff_a):
    ApiToken.issue(user=staff_a, name="one")
    client.post("/accounts/login/", {"username": "staff_a", "password": "correct horse battery staple"})
    staff_a.refresh_from_db()
    staff_a.first_name = "甲"
    staff_a.save()
    assert ApiToken.objects.count() == 1


# ---------------------------------------------------------------- anju tokens


def anju(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)  # in-process: `anju` itself would close the test's database connection
    return out.getvalue()


def test_anju_tokens_list_shows_ids_users_names_and_dates_never_a_key(world, staff_a, staff_b):
    token, key = ApiToken.issue(user=staff_a, name="sync")
    ApiToken.issue(user=staff_b, name="report")
    out = anju("tokens", "list")
    assert out.splitlines()[0] == "id\tuser\tname\tcreated\tlast used\texpires"
    assert f"{token.pk}\tstaff_a\tsync\t" in out and "staff_b\treport" in out
    assert key not in out and key[5:13] not in out and token.key_hash not in out
    only = anju("tokens", "list", "staff_b")
    assert "staff_b" in only and "staff_a" not in only


def test_anju_tokens_list_marks_expired_tokens(world, staff_a):
    token, _ = ApiToken.issue(user=staff_a, name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - datetime.timedelta(days=1))
    assert "expired" in anju("tokens", "list", "staff_a")


def test_anju_tokens_revoke_ends_one_token_and_audits(client, world, staff_a):
    token, key = ApiToken.issue(user=staff_a, name="sync")
    _, other = ApiToken.issue(user=staff_a, name="keep")
    assert "已吊销" in anju("tokens", "revoke", str(token.pk))
    assert bearer(client, key).status_code == 401 and bearer(client, other).status_code == 200
    assert AuditEvent.objects.get(action="api_token_revoke").actor_label == "anju tokens revoke"


@pytest.mark.parametrize("bad", ["999999", "abc", "-1"])
def test_anju_tokens_revoke_of_no_such_token_is_one_line_and_exit_2(world, bad):
    with pytest.raises(CommandError) as refused:
        anju("tokens", "revoke", bad)
    assert refused.value.returncode == 2 and "\n" not in str(refused.value) and "no API token" in str(refused.value)


def test_anju_issue_token_takes_a_life_in_days(world, staff_a):
    key = anju("issue_token", "staff_a", "--days", "7").strip()
    token = ApiToken.objects.get(key_hash=hash_token(key))
    assert abs((token.expires - timezone.now()) - datetime.timedelta(days=7)) < datetime.timedelta(minutes=1)
    with pytest.raises(CommandError) as refused:
        anju("issue_token", "staff_a", "--days", "0")
    assert refused.value.returncode == 2


def test_the_anju_command_exits_2_with_one_line(tmp_path):
    done = run_anju(["tokens", "revoke", "abc"], child_env(tmp_path))  # refused before any query
    assert done.returncode == 2 and done.stderr.strip().count("\n") == 0 and "no API token" in done.stderr
