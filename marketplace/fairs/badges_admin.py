"""The Django admin of the fair's badges: operators create service points per session and assign their
staff; registrations and badges are read here (changes go through the service-point desk)."""

from django.contrib import admin

from marketplace.fairs.models import Badge, CheckIn, Registration, ServicePoint


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    list_display = ["name", "session", "location"]
    list_filter = ["session"]
    search_fields = ["name", "name_zh", "location"]
    filter_horizontal = ["staff"]


class BadgeInline(admin.StackedInline):
    model = Badge
    extra = 0
    can_delete = False
    readonly_fields = ["nonce", "issued_at", "printed", "revoked_at", "revoked_reason"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "company_name", "country", "role", "session", "walk_in", "registered_at"]
    list_filter = ["session", "role", "walk_in"]
    search_fields = ["full_name", "company_name", "email"]
    raw_id_fields = ["user", "company", "registered_by"]
    inlines = [BadgeInline]

    # Registrations are made online or at a service point, and badges reprinted or revoked there, through
    # the services (audited): the admin reads them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["badge", "day", "at", "service_point"]
    list_filter = ["day", "service_point__session"]
    readonly_fields = ["badge", "day", "at", "service_point", "by_user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
