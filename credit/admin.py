"""Operators manage data sources, partner tokens and import batches; facts are read-only here too."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from credit import disputes
from credit.models import ApiToken, Fact, FactDispute, ImportBatch, RejectedRow, Source, SourcePartner
from credit.tokens import api_token_revoke, issue_secret


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApiTokenInline(ReadOnlyMixin, admin.TabularInline):
    model = ApiToken
    fields = ("name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "source_type", "is_active", "created_at")
    list_filter = ("source_type", "is_active")
    search_fields = ("code", "name")
    inlines = [ApiTokenInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "source", "created_at", "last_used_at", "revoked_at")
    list_filter = ("source", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("prefix", "name", "source__code")
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A token's source is its scope; it cannot be moved to another partner afterwards.
        return (*self.readonly_fields, "source") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.created_by = request.user
        raw = issue_secret(obj)
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _(
                "Copy this token now and give it to the partner; it is stored hashed and will not be shown again: %s"
            )
            % raw,
        )

    @admin.action(description=_("Revoke selected tokens"))
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(
            request, ngettext("%d token revoked.", "%d tokens revoked.", len(tokens)) % len(tokens)
        )

    def has_delete_permission(self, request, obj=None):
        return False


class RejectedRowInline(ReadOnlyMixin, admin.TabularInline):
    model = RejectedRow
    fields = ("line", "field", "reason", "raw")
    readonly_fields = fields
    extra = 0
    max_num = 0
    classes = ["collapse"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "source",
        "channel",
        "file_name",
        "status",
        "rows_total",
        "rows_created",
        "rows_duplicate",
        "rows_rejected",
        "started_at",
    )
    list_filter = ("status", "channel", "source")
    search_fields = ("file_name", "fingerprint")
    inlines = [RejectedRowInline]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("credit.view_importbatch")


@admin.register(Fact)
class FactAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "kind", "subject", "source", "occurred_at", "known_at", "external_ref")
    list_filter = ("kind", "source")
    search_fields = ("external_ref", "platform_event")
    list_select_related = ("subject", "source")
    raw_id_fields = ("subject", "supersedes", "batch", "api_token")
    show_full_result_count = False
    date_hierarchy = "occurred_at"


# --- fact disputes (CC): read-only; the review happens on the credit pages, by the source or a risk officer.


class OverdueFilter(admin.SimpleListFilter):
    title = _("review deadline")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Within the deadline"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=disputes.overdue().values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=disputes.overdue().values("pk"))
        return queryset


@admin.register(FactDispute)
class FactDisputeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    # The statement and the evidence are private to the company, the source's reviewers and risk officers.
    list_display = ("id", "subject", "fact", "ground", "status", "opened_at", "due_at", "decided_at")
    list_filter = (OverdueFilter, "status", "ground", "fact__source")
    fields = ("subject", "fact", "ground", "status", "opened_at", "due_at", "decided_at", "correction")
    readonly_fields = fields
    list_select_related = ("subject", "fact")
    raw_id_fields = ("subject", "fact", "correction")


@admin.register(SourcePartner)
class SourcePartnerAdmin(admin.ModelAdmin):
    list_display = ("source", "partner")
    raw_id_fields = ("partner",)
