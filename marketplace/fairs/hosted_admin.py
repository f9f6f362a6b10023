"""The Django admin of the fair's hosted buyer meetings: for looking up; every change goes through the
operator's pages (/buyer-meetings/), whose services make the tables, lock, audit and notify."""

from django.contrib import admin

from marketplace.fairs.models import HostedApplication, HostedAttendance, HostedEvent, HostedPair


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApplicationInline(admin.TabularInline):
    model = HostedApplication
    fields = ["company", "side", "need", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(HostedEvent)
class HostedEventAdmin(ReadOnly):
    list_display = ["title", "session", "date", "region", "industry", "partner", "status"]
    list_filter = ["status", "session"]
    search_fields = ["title", "title_zh", "region"]
    inlines = [ApplicationInline]


@admin.register(HostedPair)
class HostedPairAdmin(ReadOnly):
    list_display = ["__str__", "event", "score", "buyer_answer", "supplier_answer", "removed", "meeting"]
    list_filter = ["event"]


@admin.register(HostedAttendance)
class HostedAttendanceAdmin(ReadOnly):
    list_display = ["pair", "company", "badge_holder", "scanned_at"]
