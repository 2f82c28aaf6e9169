"""Project errors: each carries a message for the user in Chinese and English.

Mapped to an HTML page or a JSON body in one place (`core.middleware`, `api`).
"""

from __future__ import annotations

from django.utils.translation import get_language

from anju.domain.errors import DomainError


class AnjuError(Exception):
    """An error the user can act on. `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, zh: str, en: str, *, field: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
        self.field = field

    @classmethod
    def from_domain(cls, error: DomainError) -> AnjuError:
        return cls(error.zh, error.en, field=error.field)

    def message(self, language: str | None = None) -> str:
        language = language or get_language() or "zh-hans"
        return self.zh if language.lower().startswith("zh") else self.en


class ValidationFailed(AnjuError):
    """Input that breaks a rule; nothing was saved."""


class NotFound(AnjuError):
    """Missing, or outside the user's scope (the two look the same on purpose)."""

    status = 404


class Forbidden(AnjuError):
    """Inside the user's scope, but their role may not do this (read-only volunteer, wrong branch)."""

    status = 403


class Conflict(AnjuError):
    status = 409


class Gone(AnjuError):
    """It existed and was deleted on purpose (an expired job file)."""

    status = 410


class Busy(AnjuError):
    """The database stayed locked by another writer past the busy timeout, so the request could not write."""

    status = 503


class Unavailable(AnjuError):
    """A shared service the request needs (Redis: rate limits, cache) cannot be reached; nothing was done."""

    status = 503


def user_message(error: Exception) -> str:
    """The message of an AnjuError or DomainError in the active language."""
    if isinstance(error, (AnjuError, DomainError)):
        return error.message(get_language() or "zh-hans")
    return str(error)
