"""Products and imports in the Django admin, to look at only: suppliers change them through the portal,
whose services keep the catalog's rules and write the audit trail the History page shows."""

from django.contrib import admin

from marketplace.catalog.models import Product, ProductImport
from marketplace.core.admin import ReadOnlyAdmin


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = [
        "sku",
        "name",
        "supplier",
        "status",
        "showcase_only",
        "min_price",
        "currency",
        "updated_at",
    ]
    list_filter = ["status", "showcase_only", "currency"]
    search_fields = ["sku", "name", "name_zh", "supplier__name"]
    list_select_related = ["supplier"]
    exclude = ["search_document", "search_vector"]
    show_full_result_count = False


@admin.register(ProductImport)
class ProductImportAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "supplier", "status", "created_by", "created_at", "committed_at"]
    list_filter = ["status", "file_format"]
    search_fields = ["original_name", "supplier__name"]
    list_select_related = ["supplier", "created_by"]
