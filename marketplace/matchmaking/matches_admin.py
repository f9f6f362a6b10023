"""The ranking's tables in the Django admin, to look at only (imported by `MatchmakingConfig.ready`, since
the app's admin.py is shared): signals are rebuilt by `refresh_match_signals`, fair presence comes from the
fairs app, feedback from buyers' buttons."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin
from marketplace.matchmaking.models import FairPresence, MatchFeedback, SupplierSignals


@admin.register(SupplierSignals)
class SupplierSignalsAdmin(ReadOnlyAdmin):
    list_display = [
        "supplier",
        "grade",
        "verified",
        "headings",
        "min_moq",
        "lead_time_days",
        "inquiries",
        "replied",
        "prior",
        "refreshed_at",
    ]
    list_filter = ["verified", "grade"]
    search_fields = ["supplier__name", "supplier__slug"]
    list_select_related = ["supplier"]
    exclude = ["search_vector"]


@admin.register(FairPresence)
class FairPresenceAdmin(ReadOnlyAdmin):
    list_display = ["company", "session_name", "hall", "booth", "starts_on", "ends_on"]
    list_filter = ["session_key"]
    search_fields = ["company__name", "booth"]
    list_select_related = ["company"]


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["buyer", "supplier", "kind", "by_user", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["buyer", "supplier", "by_user"]
