from django.contrib import admin

from marketplace.core.models import FxRate


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    """Read-only: rates come from the ECB upload on the operator page (core:fx_rates), never by hand."""

    list_display = ("date", "currency", "per_eur", "source", "uploaded_by", "created_at")
    list_filter = ("source", "currency")
    date_hierarchy = "date"
    search_fields = ("currency",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
