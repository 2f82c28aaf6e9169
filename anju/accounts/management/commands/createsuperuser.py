"""Django's createsuperuser, with the password rules applied to DJANGO_SUPERUSER_PASSWORD as well.

Django checks an interactively typed password against AUTH_PASSWORD_VALIDATORS but takes the
environment variable of `--noinput` as it is; a scripted install would then get `admin`/`admin`.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import translation


def _problems(password: str, user: Any, language: str) -> list[str]:
    """What the validators say about `password`, in `language` (messages are lazy: read them inside)."""
    with translation.override(language):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return [str(m) for m in error.messages]
    return []


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            username = options.get(self.UserModel.USERNAME_FIELD) or os.environ.get("DJANGO_SUPERUSER_USERNAME", "")
            problems = {language: _problems(password, self.UserModel(username=username), language) for language in ("zh-hans", "en")}
            if problems["en"]:
                raise CommandError(f"DJANGO_SUPERUSER_PASSWORD：{''.join(problems['zh-hans'])} / {' '.join(problems['en'])}", returncode=2)
        super().handle(*args, **options)
