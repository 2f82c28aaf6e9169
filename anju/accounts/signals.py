"""A changed password ends the user's API tokens, whichever path changed it (admin, a form, set_password + save)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save

from anju.accounts.tokens import tokens_end_for
from anju.core.audit import Actor

_CHANGED = "_anju_password_changed"


def _note_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # a new user has no tokens; saving only last_login (every login) changes no password
    before = sender._default_manager.filter(pk=instance.pk).values_list("password", flat=True).first()
    setattr(instance, _CHANGED, before is not None and before != instance.password)


def _end_tokens(sender, instance, created=False, **kwargs) -> None:
    if getattr(instance, _CHANGED, False):
        setattr(instance, _CHANGED, False)
        tokens_end_for(user=instance, actor=Actor.system("password-change"), reason="password changed")


def connect() -> None:
    model = get_user_model()
    pre_save.connect(_note_password_change, sender=model, dispatch_uid="anju.accounts.password_change.pre")
    post_save.connect(_end_tokens, sender=model, dispatch_uid="anju.accounts.password_change.post")
