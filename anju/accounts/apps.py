from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "anju.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from django.contrib import admin

        from anju.accounts import signals
        from anju.accounts.forms import AdminLoginForm

        # /admin/login/ counts failures and locks accounts exactly like the staff login page.
        admin.site.login_form = AdminLoginForm
        signals.connect()
