"""Sourcing requests and quotations in the Django admin, to look at only (buyers and suppliers change them
through the pages, whose services keep the rules and write the audit trail); operators set a supplier's
monthly quota of quotations on its sourcing profile, through `rfq_services.set_quota`.

Imported by matchmaking's `admin.py` (the lead's), so that Django's admin autodiscovery registers these.
"""

from django.contrib import admin

from marketplace.core.admin import AuditHistoryMixin, ReadOnlyAdmin
from marketplace.matchmaking import rfq_services
from marketplace.matchmaking.models import Quotation, Rfq, SourcingProfile


@admin.register(Rfq)
class RfqAdmin(ReadOnlyAdmin):
    list_display = ["title", "buyer", "category", "status", "visibility", "quotations_wanted", "closes_on"]
    list_filter = ["status", "visibility"]
    search_fields = ["title", "buyer__name"]
    list_select_related = ["buyer", "category"]


@admin.register(Quotation)
class QuotationAdmin(ReadOnlyAdmin):
    list_display = ["rfq", "supplier", "status", "currency", "incoterm", "revision", "submitted_at"]
    list_filter = ["status", "incoterm"]
    search_fields = ["supplier__name", "rfq__title"]
    list_select_related = ["rfq", "supplier"]


@admin.register(SourcingProfile)
class SourcingProfileAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["company", "monthly_quota", "updated_at"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    fields = ["company", "monthly_quota", "markets"]

    def get_readonly_fields(self, request, obj=None):
        return ["company"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        markets = obj.markets
        profile = rfq_services.set_quota(
            company=obj.company, by_user=request.user, monthly_quota=obj.monthly_quota
        )
        if profile.markets != markets:
            type(profile).objects.filter(pk=profile.pk).update(markets=markets)
        obj.pk = profile.pk
