"""Login limits and account locks: one set of rules for the login page, /admin/login/ and the API.

Two kinds of stop, both counted in core.ratelimit (shared by every server):
- a pause: after ANJU_LOGIN_MAX_FAILURES failures for a username (or ANJU_LOGIN_ADDRESS_MAX_FAILURES
  from one address) within ANJU_LOGIN_LOCK_SECONDS, no password is even tried until the window slides;
- a lock: after ANJU_ACCOUNT_LOCK_FAILURES failures of a real account within ANJU_ACCOUNT_LOCK_WINDOW,
  the account gets an AccountLock row and stays locked, right password or not, until staff unlock it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet

from anju.accounts.models import AccountLock, Role
from anju.core import audit, ratelimit
from anju.core.audit import Actor
from anju.core.ratelimit import Limit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

LOCKED = "locked"
THROTTLED = "throttled"


def user_limit() -> Limit:
    return Limit("login-user", settings.ANJU_LOGIN_MAX_FAILURES, settings.ANJU_LOGIN_LOCK_SECONDS)


def address_limit() -> Limit:
    return Limit("login-address", settings.ANJU_LOGIN_ADDRESS_MAX_FAILURES, settings.ANJU_LOGIN_LOCK_SECONDS)


def account_limit() -> Limit:
    return Limit("account-lock", settings.ANJU_ACCOUNT_LOCK_FAILURES, settings.ANJU_ACCOUNT_LOCK_WINDOW)


def token_limit() -> Limit:
    return Limit("api-token-address", settings.ANJU_API_TOKEN_MAX_FAILURES, settings.ANJU_API_TOKEN_WINDOW)


def _name_key(username: str) -> str:
    return username.strip().lower()


def find_user(username: str) -> AbstractBaseUser | None:
    """The account a login names, looked up the way the authentication backend does."""
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        return None


def is_locked(user: AbstractBaseUser) -> bool:
    return AccountLock.objects.filter(user_id=user.pk).exists()


def refusal(*, username: str, address: str, user: AbstractBaseUser | None) -> str | None:
    """Why a login may not even be tried (LOCKED, THROTTLED), or None."""
    if user is not None and is_locked(user):
        return LOCKED
    if ratelimit.exceeded(user_limit(), _name_key(username)) or ratelimit.exceeded(address_limit(), address):
        return THROTTLED
    return None


def login_failed(*, username: str, address: str, user: AbstractBaseUser | None) -> bool:
    """Count one wrong password; True when this failure locked the account."""
    ratelimit.record_failure(user_limit(), _name_key(username))
    ratelimit.record_failure(address_limit(), address)
    if user is None or not user.is_active:
        return False  # nothing to lock (an inactive account cannot log in); the pause still slows guessing
    limit = account_limit()
    failures = ratelimit.record_failure(limit, _name_key(username))
    if failures < limit.count:
        return False
    lock(user=user, failures=failures)
    return True


def login_succeeded(*, username: str) -> None:
    """A right password clears the username's counts (the address's run out by themselves)."""
    ratelimit.clear(user_limit(), _name_key(username))
    ratelimit.clear(account_limit(), _name_key(username))


def _subdistrict_id(user: AbstractBaseUser) -> int | None:
    profile = getattr(user, "anju_profile", None)
    return profile.subdistrict_id if profile is not None else None


@transaction.atomic
def lock(*, user: AbstractBaseUser, failures: int) -> AccountLock:
    """Lock `user` (idempotent: a second server locking at the same moment finds the row)."""
    found, created = AccountLock.objects.get_or_create(user=user, defaults={"failures": failures})
    if created:
        audit.record(actor=Actor.system("login-limit"), action="account_lock", obj=user, before={"locked": False},
                     after={"locked": True, "failures": failures}, subdistrict_id=_subdistrict_id(user))
    return found


@transaction.atomic
def unlock(*, user: AbstractBaseUser, actor: Actor) -> bool:
    """Unlock `user` and forget its failures; False when it was not locked."""
    deleted, _ = AccountLock.objects.filter(user=user).delete()
    name = _name_key(user.get_username())
    ratelimit.clear(account_limit(), name)
    ratelimit.clear(user_limit(), name)
    if not deleted:
        return False
    audit.record(actor=actor, action="account_unlock", obj=user, before={"locked": True}, after={"locked": False},
                 subdistrict_id=_subdistrict_id(user))
    return True


def may_unlock(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Sub-district staff and superusers unlock accounts; community staff and volunteers do not."""
    if not user.is_authenticated or not user.is_active:
        return False
    profile = getattr(user, "anju_profile", None)
    return user.is_superuser or (profile is not None and profile.role == Role.SUBDISTRICT_STAFF)


def locks_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[AccountLock]:
    """Locked accounts a user may unlock: everything for a superuser, their sub-district's for its staff."""
    locks = AccountLock.objects.select_related("user", "user__anju_profile", "user__anju_profile__community").order_by("-locked_at", "-pk")
    if not may_unlock(user):
        return locks.none()
    if user.is_superuser:
        return locks
    return locks.filter(user__anju_profile__subdistrict_id=user.anju_profile.subdistrict_id, user__is_superuser=False)
