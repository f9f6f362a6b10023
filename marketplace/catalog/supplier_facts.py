"""The supplier's country and verification, copied onto each of its products (`Product.supplier_country`,
`Product.supplier_verified`) so the public search filters on them without joining the companies.

Kept in step here, by receivers connected in `CatalogConfig.ready`:

- a product takes its supplier's current facts whenever it is saved with all its fields (read from the
  database, not from a company object the caller may have loaded before a change);
- a company save (profile edit, verification decided or withdrawn) rewrites its products' copies when
  they differ: one UPDATE on the supplier's index, nothing when nothing changed.

Bulk writes that bypass `save()` (the demo and benchmark seeders) set the copies themselves or call
`sync_supplier_facts()`, which is also what the migration that added the columns ran.
"""

from django.db import connection
from django.db.models import Q

from marketplace.catalog.models import Product
from marketplace.companies.models import Company


def product_pre_save(sender, instance: Product, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not {"supplier", "supplier_country", "supplier_verified"} & set(
        update_fields
    ):
        return
    if not instance.supplier_id:
        return
    row = Company.objects.filter(pk=instance.supplier_id).values_list("country", "verified_at").first()
    if row is not None:
        instance.supplier_country = str(row[0] or "")
        instance.supplier_verified = row[1] is not None


def company_post_save(sender, instance: Company, update_fields=None, **kwargs) -> None:
    if update_fields is not None and not {"country", "verified_at"} & set(update_fields):
        return
    country, verified = str(instance.country or ""), instance.verified_at is not None
    Product.objects.filter(supplier_id=instance.pk).filter(
        ~Q(supplier_country=country) | ~Q(supplier_verified=verified)
    ).update(supplier_country=country, supplier_verified=verified)


def sync_supplier_facts() -> int:
    """Rewrite every product's copies from its supplier (after bulk writes); returns the rows changed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE catalog_product p SET supplier_country = c.country,"
                " supplier_verified = (c.verified_at IS NOT NULL)"
                " FROM companies_company c WHERE c.id = p.supplier_id"
                " AND (p.supplier_country <> c.country OR p.supplier_verified <> (c.verified_at IS NOT NULL))"
            )
        else:
            cursor.execute(
                "UPDATE catalog_product SET"
                " supplier_country = (SELECT c.country FROM companies_company c WHERE c.id = supplier_id),"
                " supplier_verified = (SELECT c.verified_at IS NOT NULL FROM companies_company c"
                " WHERE c.id = supplier_id)"
            )
        return cursor.rowcount
