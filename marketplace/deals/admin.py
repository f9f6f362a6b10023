"""Deals in the Django admin: read-only for operators (every change goes through the services)."""

from django.contrib import admin

from marketplace.core.admin import ReadOnlyAdmin
from marketplace.deals.models import Attachment, Deal, DealEvent, Message, Offer, OfferLine


class DealEventInline(admin.TabularInline):
    model = DealEvent
    fields = ("seq", "at", "action", "actor_user", "actor_company", "hash")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("seq",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ("number", "subject", "buyer", "supplier", "state", "last_event_at")
    list_filter = ("state", "source_kind")
    search_fields = ("number", "subject", "buyer__name", "supplier__name")
    list_select_related = ("buyer", "supplier")
    inlines = [DealEventInline]


class OfferLineInline(admin.TabularInline):
    model = OfferLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdmin):
    list_display = ("deal", "version", "from_side", "status", "currency", "payment_terms", "valid_until")
    list_filter = ("status", "payment_terms", "incoterm")
    inlines = [OfferLineInline]


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ("deal", "author_company", "author", "created_at")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "deal", "content_type", "size", "uploaded_at")
