from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from anju.core.scoping import scope_of


def anju(request: HttpRequest) -> dict:
    """Site name, version and the user's role label for the page header."""
    profile = getattr(request.user, "anju_profile", None) if request.user.is_authenticated else None
    return {
        "site_name": settings.ANJU_SITE_NAME,
        "anju_version": settings.ANJU_VERSION,
        "user_profile": profile,
        "user_scope": scope_of(request.user),
    }
