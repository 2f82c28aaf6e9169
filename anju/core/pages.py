"""What every page does around a service call, written once.

A page that changes something calls the service through `attempt`: an `AnjuError` or a
`DomainError` becomes the message above the form (nothing was saved: services are atomic),
success becomes the confirmation, and the view redirects either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.http import HttpRequest

from anju.core.errors import AnjuError, user_message
from anju.domain.errors import DomainError

T = TypeVar("T")


def attempt(request: HttpRequest, action: Callable[[], T], *, done: str | Callable[[T], str] | None = None) -> T | None:
    """Run `action`; on a user error show it and return None, otherwise show `done` and return the result."""
    try:
        result = action()
    except (AnjuError, DomainError) as error:
        messages.error(request, user_message(error))
        return None
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    return result
