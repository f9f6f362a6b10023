"""The audit trail in the Django admin: a read-only list of every event, and each object's History page.

`AuditHistoryMixin` goes on any app's ModelAdmin; its History page then shows the object's audit
events (who moved it from which state to which, and why) above the admin's own change log.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied

from marketplace.core import audit
from marketplace.core.models import AuditEvent, FxRate

# The keys a transition writes into every event; the rest of `data` is what the service added.
_MOVE_KEYS = ("event", "from", "to")


def _row(event: AuditEvent) -> dict:
    data = event.data or {}
    move = f"{data['from']} → {data['to']}" if "from" in data and "to" in data else ""
    details = "; ".join(f"{k}: {v}" for k, v in data.items() if k not in _MOVE_KEYS)
    return {"event": event, "move": move, "details": details}


class AuditHistoryMixin:
    """ModelAdmin mixin: the object's History page lists its audit events, newest first."""

    object_history_template = "admin/core/object_history.html"
    audit_history_limit = 200

    def audit_events(self, obj):
        """The events the History page shows; a ModelAdmin may widen it (a company's whole trail)."""
        return audit.history(obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if obj is not None:
            if not self.has_view_or_change_permission(request, obj):
                raise PermissionDenied
            events = self.audit_events(obj)[: self.audit_history_limit]
            context["audit_rows"] = [_row(e) for e in events]
        return super().history_view(request, object_id, extra_context=context)


class ReadOnlyMixin:
    """For a ModelAdmin or an inline that only shows: every change goes through the services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, AuditHistoryMixin, admin.ModelAdmin):
    """A model to look at in the admin, with its audit history, and no bulk actions."""

    actions = None


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: the trail is append-only, corrected by new events, never edited here."""

    list_display = ["created_at", "actor_label", "action", "content_type", "object_repr", "company_id"]
    # Only the kinds of object the trail has events for, not every model of the site.
    list_filter = ["action", ("content_type", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["actor_label", "object_repr", "=object_id", "action"]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
    show_full_result_count = False
    actions = None
    fields = [
        "created_at",
        "actor",
        "actor_label",
        "company_id",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "data",
    ]
    readonly_fields = fields


@admin.register(FxRate)
class FxRateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: rates come from the ECB upload on the operator page (core:fx_rates), never by hand."""

    list_display = ("date", "currency", "per_eur", "source", "uploaded_by", "created_at")
    list_filter = ("source", "currency")
    date_hierarchy = "date"
    search_fields = ("currency",)
