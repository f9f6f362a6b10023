from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from marketplace.companies.models import (
    Company,
    Industry,
    Invitation,
    Membership,
    User,
    VerificationDecision,
    VerificationDocument,
)
from marketplace.core import audit
from marketplace.core.admin import AuditHistoryMixin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "platform_role", "is_staff", "is_active", "date_joined"]
    list_filter = ["platform_role", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("first_name", "last_name", "preferred_language", "platform_role")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "country", "industry", "verified_at", "created_at"]
    list_filter = ["kind", "industry", "verified_at"]
    search_fields = ["name", "name_zh", "registration_number"]
    list_select_related = ["industry"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    show_full_result_count = False

    def audit_events(self, obj):
        # A company's History is its whole trail: what was done to it and on its behalf.
        return audit.history(obj) | audit.for_company(obj.pk)


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_zh", "slug"]


@admin.register(Invitation)
class InvitationAdmin(AuditHistoryMixin, admin.ModelAdmin):
    list_display = ["email", "company", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["company", "invited_by", "accepted_by"]
    readonly_fields = ["token"]


class DecisionInline(admin.TabularInline):
    model = VerificationDecision
    extra = 0
    can_delete = False
    readonly_fields = ["status", "reason", "decided_by", "decided_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(VerificationDocument)
class VerificationDocumentAdmin(AuditHistoryMixin, admin.ModelAdmin):
    """Read-only here: decisions are made in the operator queue so that each one is recorded."""

    list_display = ["company", "kind", "status", "uploaded_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["company", "uploaded_by"]
    readonly_fields = ["status", "content_type", "size", "original_name"]
    inlines = [DecisionInline]
