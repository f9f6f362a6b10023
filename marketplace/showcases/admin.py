"""Showcases in the Django admin, to look at only: suppliers run them through the portal, whose
services keep the audience rules and write the audit trail the History page shows."""

from django.contrib import admin

from marketplace.core import audit
from marketplace.core.admin import AuditHistoryMixin
from marketplace.showcases.models import Showcase, ShowcaseAccess, ShowcaseInvitation


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AccessInline(ReadOnlyInline):
    model = ShowcaseAccess
    fields = ["company", "granted_by", "granted_at", "revoked_at"]


class InvitationInline(ReadOnlyInline):
    model = ShowcaseInvitation
    fields = ["email", "created_at", "expires_at", "claimed_by_company", "claimed_at", "revoked_at"]


@admin.register(Showcase)
class ShowcaseAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["title", "supplier", "valid_from", "valid_until", "closed_at", "created_at"]
    list_filter = ["closed_at", "valid_until"]
    search_fields = ["title", "supplier__name"]
    list_select_related = ["supplier"]
    exclude = ["token"]
    inlines = [AccessInline, InvitationInline]
    actions = None

    def audit_events(self, obj):
        # The showcase's own moves, and those of its audience and its invitation links.
        return (
            audit.history(obj)
            | audit.history_of(obj.accesses.all())
            | audit.history_of(obj.invitations.all())
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
