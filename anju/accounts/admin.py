from django.contrib import admin

from anju.accounts.models import ApiToken, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "subdistrict", "community", "compound"]
    list_filter = ["role"]
    search_fields = ["user__username", "display_name"]
    autocomplete_fields = ["community", "compound"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "last_used", "expires"]
    readonly_fields = ["prefix", "created", "last_used"]
