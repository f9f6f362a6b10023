"""The Django admin of the fair's leads."""

from django.contrib import admin

from marketplace.fairs.models import Lead, LeadQuestion


@admin.register(LeadQuestion)
class LeadQuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "company", "session", "kind", "position"]
    list_filter = ["session"]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ["registration", "company", "session", "rating", "status", "scanned_at"]
    list_filter = ["session", "rating", "status"]
    raw_id_fields = ["badge", "registration", "scanned_by", "deal"]
    readonly_fields = ["client_id", "received_at"]
