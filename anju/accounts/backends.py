"""Django's model backend, except that a locked account never authenticates, whatever path asks."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from anju.accounts.lockout import is_locked


class LockAwareModelBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: object):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and is_locked(user):
            return None
        return user
