from django.contrib import admin

from marketplace.payments.models import ConnectedAccount, PaymentAttempt, PaymentRefund, WebhookEvent


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(admin.ModelAdmin):
    list_display = ["pk", "deal", "milestone", "number", "provider", "state", "amount", "currency", "on_hold"]
    list_filter = ["provider", "state", "on_hold"]
    search_fields = ["provider_id", "idempotency_key", "deal__number"]
    readonly_fields = [f.name for f in PaymentAttempt._meta.fields]


@admin.register(PaymentRefund)
class PaymentRefundAdmin(admin.ModelAdmin):
    list_display = ["attempt", "number", "amount", "currency", "provider_id", "created_at"]
    readonly_fields = [f.name for f in PaymentRefund._meta.fields]


@admin.register(ConnectedAccount)
class ConnectedAccountAdmin(admin.ModelAdmin):
    list_display = ["company", "provider_account_id", "payouts_enabled", "transfers_active"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "object_id", "created", "received_at"]
    search_fields = ["event_id", "object_id"]
    readonly_fields = [f.name for f in WebhookEvent._meta.fields]
