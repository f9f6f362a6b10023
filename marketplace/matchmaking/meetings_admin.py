"""Meetings in the Django admin: read-only (every change goes through meetings_services), except the
bookable places, which operators may add and edit (fairs create theirs through `create_table`).

Imported by matchmaking/admin.py, which registers these on import.
"""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyMixin
from marketplace.matchmaking.models.meetings import (
    Booking,
    Meeting,
    MeetingAttendance,
    MeetingSlot,
    MeetingTable,
)


class SlotInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingSlot
    fields = ("start", "end")
    readonly_fields = fields
    extra = 0


class AttendanceInline(ReadOnlyMixin, admin.TabularInline):
    model = MeetingAttendance
    fields = ("created_at", "source", "marked_by", "mark", "absent", "note")
    readonly_fields = fields
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("subject", "requester_company", "invitee_company", "mode", "state", "start", "outcome")
    list_filter = ("state", "mode", "outcome")
    search_fields = ("subject", "requester_company__name", "invitee_company__name", "requester__email")
    list_select_related = ("requester_company", "invitee_company")
    inlines = [SlotInline, AttendanceInline]


@admin.register(Booking)
class BookingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("meeting", "user", "table", "kind", "start", "end", "hold_until")
    list_filter = ("kind",)
    list_select_related = ("meeting", "user", "table")


@admin.register(MeetingTable)
class MeetingTableAdmin(admin.ModelAdmin):
    list_display = ("label", "kind", "company", "time_zone", "available_from", "available_until", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("label", "company__name")
