from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from anju.accounts import lockout
from anju.accounts.models import ApiToken, hash_token
from anju.core import ratelimit
from anju.core.errors import AnjuError


class TokenExpired(AnjuError):
    status = 401


class TokenAuth(HttpBearer):
    """`Authorization: Bearer anju_…`; sets request.user to the token's owner.

    Wrong keys count per client address (core.ratelimit, shared by all servers): past the limit every
    bearer call from that address is a 429, right key or not, so a guessing loop learns nothing more.
    """

    def authenticate(self, request: HttpRequest, token: str):
        limit, address = lockout.token_limit(), ratelimit.client_address(request)
        if ratelimit.exceeded(limit, address):
            raise ratelimit.TooMany("接口令牌错误次数过多，请稍后再试。", "Too many wrong API tokens; please try again later.")
        found = ApiToken.objects.select_related("user", "user__anju_profile").filter(key_hash=hash_token(token)).first()
        if found is None:
            ratelimit.record_failure(limit, address)
            return None
        if found.expired:
            raise TokenExpired("接口令牌已过期，请工作人员重新签发（anju issue-token）。",
                               "The API token has expired; ask staff to issue a new one (anju issue-token).")
        if not found.user.is_active:
            return None
        now = timezone.now()
        # At most one write a minute per token: reads stay reads.
        if found.last_used is None or (now - found.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        return found.user
