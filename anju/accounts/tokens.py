"""API tokens: list, revoke, and end them all when their user's password changes (each audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from anju.accounts.models import ApiToken
from anju.core import audit
from anju.core.audit import Actor

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _row(token: ApiToken) -> dict[str, object]:
    # Never the key nor its hash: an audit row must not help anyone use the token.
    return {"id": token.pk, "user": token.user.get_username(), "name": token.name,
            "expires": token.expires.isoformat()}


def _subdistrict_id(user: AbstractBaseUser) -> int | None:
    profile = getattr(user, "anju_profile", None)
    return profile.subdistrict_id if profile is not None else None


def tokens_list(*, username: str | None = None) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.select_related("user").order_by("user__username", "created", "pk")
    return tokens.filter(user__username=username) if username else tokens


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: Actor, reason: str = "revoked") -> None:
    """Delete the token: the next call with its key is a 401."""
    audit.record(actor=actor, action="api_token_revoke", obj=token, before=_row(token), after={"reason": reason},
                 subdistrict_id=_subdistrict_id(token.user))
    token.delete()


@transaction.atomic
def tokens_end_for(*, user: AbstractBaseUser, actor: Actor, reason: str) -> int:
    """Revoke every token of `user` (a changed password ends them all); returns how many ended."""
    tokens = list(ApiToken.objects.select_related("user").filter(user=user))
    for token in tokens:
        token_revoke(token=token, actor=actor, reason=reason)
    return len(tokens)
