from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from anju.accounts.models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer anju_…`; sets request.user to the token's owner."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.select_related("user", "user__anju_profile").filter(key_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        # At most one write a minute per token: reads stay reads.
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        return found.user
