"""Invitations: staff and volunteers get an account with their role and scope, and a one-time link to set
its password.

Who may invite whom: a superuser anyone anywhere (a new sub-district's first staff); sub-district staff
anyone of their own sub-district; community staff the staff and volunteers of their own community;
volunteers nobody. The account is made at once, inactive and without a usable password, so its name
is taken and its scope fixed; the link (only its hash is stored) lives INVITATION_DAYS days and works
once, and the password it sets must meet AUTH_PASSWORD_VALIDATORS. Each step is audited.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.accounts.models import Invitation, Profile, Role, hash_token
from anju.core import audit
from anju.core.audit import Actor
from anju.core.errors import Forbidden, Gone, NotFound, ValidationFailed
from anju.core.scoping import Scope

logger = logging.getLogger(__name__)

INVITATION_DAYS = 7
MAX_USERNAME = 40


def may_invite(scope: Scope) -> bool:
    return scope.can_edit and (scope.everything or scope.subdistrict_id is not None)


def roles_for(scope: Scope) -> list[Role]:
    """The roles an inviter may give: community staff cannot make sub-district staff."""
    if not may_invite(scope):
        return []
    if scope.everything or scope.community_id is None:
        return [Role.SUBDISTRICT_STAFF, Role.COMMUNITY_STAFF, Role.VOLUNTEER]
    return [Role.COMMUNITY_STAFF, Role.VOLUNTEER]


def _check_scope(scope: Scope, *, role: str, subdistrict_id: int, community: Any, compound: Any) -> None:
    """The invited scope must fit the role, and lie inside the inviter's own."""
    if role not in Role.values:
        raise ValidationFailed("请选择角色。", "Please choose a role.", field="role")
    if role not in roles_for(scope):
        raise Forbidden("您不能邀请这个角色。", "You may not invite this role.")
    if not scope.everything and subdistrict_id != scope.subdistrict_id:
        raise NotFound("找不到该街道", "No such sub-district")
    if role == Role.SUBDISTRICT_STAFF:
        return
    if community is None or community.subdistrict_id != subdistrict_id:
        raise ValidationFailed("请选择社区。", "Please choose a community.", field="community")
    if scope.community_id is not None and community.pk != scope.community_id:
        raise NotFound("找不到该社区", "No such community")
    if role == Role.VOLUNTEER and (compound is None or compound.community_id != community.pk):
        raise ValidationFailed("志愿者须选择所在社区的一个小区。", "A volunteer needs a compound of the community.",
                               field="compound")


def _pending(scope: Scope, username: str) -> Any:
    """An account invited before, never opened, whose scope the inviter reaches: invited again, not 'taken'."""
    found = get_user_model()._default_manager.filter(username__iexact=username, is_active=False).first()
    profile = getattr(found, "anju_profile", None) if found is not None else None
    if found is None or profile is None or found.has_usable_password():
        return None
    if not found.invitations.exists() or found.invitations.filter(used_at__isnull=False).exists():
        return None
    if not scope.everything and (profile.subdistrict_id != scope.subdistrict_id or (
            scope.community_id is not None and profile.community_id != scope.community_id)):
        return None
    return found


def _check_identity(username: str, email: str, *, renewable: bool) -> tuple[str, str]:
    username = username.strip()
    model = get_user_model()
    if not username:
        raise ValidationFailed("请填写用户名。", "Please fill in the username.", field="username")
    try:
        model.username_validator(username)
    except ValidationError:
        raise ValidationFailed("用户名只能包含字母、数字和 @ . + - _。", "The username may hold letters, digits and @ . + - _ only.",
                               field="username") from None
    if len(username) > MAX_USERNAME:
        raise ValidationFailed(f"用户名过长（不超过{MAX_USERNAME}个字符）。", f"The username is too long ({MAX_USERNAME} at most).",
                               field="username")
    if not renewable and model._default_manager.filter(username__iexact=username).exists():
        raise ValidationFailed(f"用户名“{username}”已被使用。", f"The username “{username}” is taken.", field="username")
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationFailed(f"电子邮箱“{email}”格式不正确。", f"“{email}” is not an e-mail address.",
                                   field="email") from None
    return username, email


@transaction.atomic
def invitation_create(*, scope: Scope, role: str, subdistrict_id: int, community: Any = None, compound: Any = None,
                      username: str, display_name: str = "", email: str = "", link_for: Callable[[str], str],
                      actor: Actor) -> tuple[Invitation, str]:
    """An inactive account with its role and scope, and its one-time link (returned once, never stored).

    `community` and `compound` are roster objects (or None); `link_for(key)` makes the absolute link
    that is mailed to `email` once the transaction commits. Inviting again an account that was
    invited but never opened (its link expired or lost) ends its earlier links and sets the new scope.
    """
    if not may_invite(scope):
        raise Forbidden("您不能邀请他人。", "You may not invite anyone.")
    _check_scope(scope, role=role, subdistrict_id=subdistrict_id, community=community, compound=compound)
    pending = _pending(scope, username.strip())
    username, email = _check_identity(username, email, renewable=pending is not None)
    scope_fields = {"role": role, "subdistrict_id": subdistrict_id,
                    "community": community if role != Role.SUBDISTRICT_STAFF else None,
                    "compound": compound if role == Role.VOLUNTEER else None, "display_name": display_name.strip()[:40]}
    if pending is None:
        user = get_user_model().objects.create_user(username=username, email=email, password=None, is_active=False,
                                                    is_staff=True)
        Profile.objects.create(user=user, **scope_fields)
    else:
        user = pending
        user.email = email
        user.save(update_fields=["email"])
        Profile.objects.filter(user=user).update(**scope_fields)
        user.anju_profile.refresh_from_db()
        user.invitations.filter(used_at__isnull=True).update(expires=timezone.now())
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user, invited_by=actor.user, email=email, key_hash=hash_token(key),
        expires=timezone.now() + datetime.timedelta(days=INVITATION_DAYS),
    )
    audit.record(actor=actor, action="invitation_create", obj=invitation, before=None,
                 after={"username": username, "role": role, "community": getattr(community, "pk", None),
                        "compound": getattr(compound, "pk", None), "mailed": bool(email), "renewed": pending is not None,
                        "expires": invitation.expires.isoformat()},
                 subdistrict_id=subdistrict_id)
    if email:
        link = link_for(key)
        transaction.on_commit(lambda: _mail(invitation, link))
    return invitation, key


def _mail(invitation: Invitation, link: str) -> None:
    subject = _("安居：请设置您的密码")
    body = _("您好，\n\n您已受邀使用安居（老旧小区改造）系统，用户名：%(username)s。\n请在 %(days)s 天内打开以下链接设置密码（只能使用一次）：\n%(link)s\n") % {
        "username": invitation.user.get_username(), "days": INVITATION_DAYS, "link": link}
    try:
        send_mail(subject, body, None, [invitation.email])
    except OSError:  # the inviter still has the link on the page
        logger.warning("invitation %s: the e-mail could not be sent", invitation.pk)


def invitation_for(key: str) -> Invitation:
    """The open invitation a link names: `NotFound` for a wrong key, `Gone` once used or expired."""
    found = Invitation.objects.select_related("user", "user__anju_profile").filter(key_hash=hash_token(key or "")).first()
    if found is None:
        raise NotFound("邀请链接无效。", "This invitation link is not valid.")
    if found.used_at is not None:
        raise Gone("该邀请链接已经用过，不能再用。请直接登录，或请邀请人重新邀请。",
                   "This invitation link has been used. Log in, or ask for a new invitation.")
    if found.expires <= timezone.now():
        raise Gone("该邀请链接已过期，请请邀请人重新邀请。", "This invitation link has expired; ask for a new invitation.")
    return found


@transaction.atomic
def invitation_accept(*, key: str, password1: str, password2: str) -> Any:
    """Set the invited account's password (the project's password rules apply) and open it; once only."""
    found = invitation_for(key)
    locked = Invitation.objects.select_for_update().get(pk=found.pk)
    if locked.used_at is not None:  # a second tab got here first
        raise Gone("该邀请链接已经用过，不能再用。", "This invitation link has been used.")
    form = SetPasswordForm(found.user, {"new_password1": password1, "new_password2": password2})
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        text = " ".join(str(e) for e in errors)
        raise ValidationFailed(text, text, field=field)
    user = form.save(commit=False)
    user.is_active = True
    user.save()
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    profile = getattr(user, "anju_profile", None)
    audit.record(actor=Actor.of(user), action="invitation_accept",
                 obj=locked, before={"used": False}, after={"used": True},
                 subdistrict_id=profile.subdistrict_id if profile is not None else None)
    return user
