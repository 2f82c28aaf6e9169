from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from anju.core.help import topic_for
from anju.core.scoping import scope_of


def anju(request: HttpRequest) -> dict:
    """Site name, version, the user's role label and the help topic of this page, for the page header."""
    profile = getattr(request.user, "anju_profile", None) if request.user.is_authenticated else None
    return {
        "site_name": settings.ANJU_SITE_NAME,
        "anju_version": settings.ANJU_VERSION,
        "user_profile": profile,
        "user_scope": scope_of(request.user),
        "help_topic": _help_topic(request),
    }


def _help_topic(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    return topic_for(match.namespace, match.view_name)
