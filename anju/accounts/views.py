from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from anju.accounts import invitations, lockout
from anju.accounts.access import Action, access_account_lock, require_unlocker
from anju.accounts.forms import LoginForm
from anju.core.audit import Actor
from anju.core.errors import ValidationFailed

REFUSED_STATUS = {lockout.THROTTLED: 429, lockout.LOCKED: 403}


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = REFUSED_STATUS.get(form.refused, response.status_code)
        return response


@login_required
@require_GET
def locked_accounts(request: HttpRequest) -> HttpResponse:
    """Accounts locked after repeated failed logins, in the viewer's sub-district; each with an unlock button."""
    return render(request, "accounts/locked.html", {"locks": require_unlocker(request.user)})


@login_required
@require_POST
def unlock_account(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_account_lock(request.user, pk, action=Action.EDIT)  # another sub-district's: 404
    lockout.unlock(user=found.user, actor=Actor.of(request.user))
    messages.success(request, _("已解锁账号 %(username)s。") % {"username": found.user.get_username()})
    return redirect("accounts:locked")


class PasswordChangeView(auth_views.PasswordChangeView):
    """A staff member changes their own password; the rules of AUTH_PASSWORD_VALIDATORS apply."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy(settings.LOGIN_REDIRECT_URL)

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("密码已修改。"))
        return response


def accept_invitation(request: HttpRequest, key: str) -> HttpResponse:
    """The one-time link of an invitation: set a password, then log in. A wrong key is 404, a used or expired one 410."""
    invitation = invitations.invitation_for(key)
    context = {"invitation": invitation, "profile": getattr(invitation.user, "anju_profile", None)}
    if request.method == "POST":
        try:
            invitations.invitation_accept(key=key, password1=request.POST.get("new_password1", ""),
                                          password2=request.POST.get("new_password2", ""))
        except ValidationFailed as error:
            context["error"] = error
            return render(request, "accounts/invitation.html", context, status=400)
        messages.success(request, _("密码已设置，请用用户名 %(username)s 登录。") % {"username": invitation.user.get_username()})
        return redirect("accounts:login")
    return render(request, "accounts/invitation.html", context)
