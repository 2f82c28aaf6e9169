"""Admin base classes: every admin page is scoped like the pages (`visible_to`), and most are read-only
because writes go through the services, which validate and audit them.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from anju.core.scoping import scope_of


class ScopedAdmin(admin.ModelAdmin):
    """Staff see only their scope; those whose role edits the roster may add and change."""

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).visible_to(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request, obj=None) -> bool:
        return scope_of(request.user).can_edit

    def has_add_permission(self, request) -> bool:
        return scope_of(request.user).can_edit

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if hasattr(model.objects, "visible_to"):
            kwargs["queryset"] = model.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyScopedAdmin(ScopedAdmin):
    """For tables written only through their services and pages."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
