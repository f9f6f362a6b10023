from django.contrib import admin

from marketplace.insurance.models import Claim, CreditLimit, Declaration, Policy, PremiumRate


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("number", "insurer", "insured", "indemnity_percent")
    raw_id_fields = ("insurer", "insured")


@admin.register(PremiumRate)
class PremiumRateAdmin(admin.ModelAdmin):
    list_display = ("insurer", "grade", "max_term_days", "rate_percent")
    list_filter = ("grade",)


@admin.register(CreditLimit)
class CreditLimitAdmin(admin.ModelAdmin):
    list_display = ("pk", "insurer", "buyer", "status", "requested_amount", "amount", "used", "currency")
    list_filter = ("status",)
    raw_id_fields = ("policy", "insurer", "buyer", "deal")
    readonly_fields = ("used",)


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "insured_amount", "currency", "premium", "due_date")
    list_filter = ("status",)
    raw_id_fields = ("limit", "deal", "shipment", "milestone")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("number", "status", "amount", "currency", "decidable_from", "paid_on")
    list_filter = ("status",)
    raw_id_fields = ("declaration",)
