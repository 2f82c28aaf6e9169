"""Who may see and lift account locks: the one place the pages ask.

Unlocking is for sub-district staff (their sub-district's accounts) and superusers; anyone else is
`Forbidden` before a lock is even looked up. A lock outside the unlocker's sub-district is `NotFound`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from anju.accounts import lockout
from anju.accounts.models import AccountLock
from anju.core.access import Action
from anju.core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from anju.core.access import User


def require_unlocker(user: User) -> QuerySet[AccountLock]:
    """The locks `user` may lift; `Forbidden` for a role that unlocks nothing."""
    if user is None or not lockout.may_unlock(user):
        raise Forbidden("只有街道工作人员可以解锁账号", "Only sub-district staff may unlock accounts")
    return lockout.locks_visible_to(user)


def access_account_lock(user: User, pk: int, *, action: Action) -> AccountLock:
    found = require_unlocker(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("找不到该锁定记录", "No such locked account")
    return found
