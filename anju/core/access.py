"""The shape every `<app>/access.py` follows: one object, one user, one action, one answer.

Outside the user's scope is `NotFound` (existence is not revealed); inside it but beyond the
role is `Forbidden`. Pages and the API call the same `access_<thing>` functions and map the two
errors once (`core.middleware.error_response`, `api.anju_error`), so neither filters by hand.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from django.db import models

from anju.core.errors import Forbidden, NotFound
from anju.core.scoping import Scope, ScopedQuerySet, scope_of

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser | None

M = TypeVar("M", bound=models.Model)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"


def require_edit(user: User) -> Scope:
    """The user's scope, if their role may change things; `Forbidden` otherwise."""
    scope = scope_of(user)
    if not scope.can_edit:
        raise Forbidden("没有修改权限", "Your role may not change this")
    return scope


def fetch(queryset: ScopedQuerySet[M], user: User, pk: int, *, action: Action, zh: str, en: str) -> M:
    """The object `pk` from `queryset` as `user` may reach it for `action`.

    `zh`/`en` name the thing in the not-found message ("找不到该小区" / "No such compound").
    """
    scope = scope_of(user)
    found = queryset.within(scope).filter(pk=pk).first()
    if found is None:
        raise NotFound(zh, en)
    if action is Action.EDIT and not scope.can_edit:
        raise Forbidden("没有修改权限", "Your role may not change this")
    return found
