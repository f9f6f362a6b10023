"""Copy the supplier's country and verification onto each product (the search filters on them without a
join; marketplace/catalog/supplier_facts.py keeps them in step), with partial indexes for those filters."""

from django.db import migrations, models

COPY_POSTGRES = """
UPDATE catalog_product p SET supplier_country = c.country, supplier_verified = (c.verified_at IS NOT NULL)
FROM companies_company c WHERE c.id = p.supplier_id
"""
COPY_OTHER = """
UPDATE catalog_product SET
  supplier_country = (SELECT c.country FROM companies_company c WHERE c.id = supplier_id),
  supplier_verified = (SELECT c.verified_at IS NOT NULL FROM companies_company c WHERE c.id = supplier_id)
"""


def copy_supplier_facts(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    schema_editor.execute(COPY_POSTGRES if postgres else COPY_OTHER)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_hs_reference_data'),
        ('companies', '0003_industry_reference_data'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='supplier_country',
            field=models.CharField(blank=True, default='', editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name='product',
            name='supplier_verified',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(copy_supplier_facts, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(condition=models.Q(('showcase_only', False), ('status', 'published')), fields=['supplier_country', '-published_at', '-id'], name='product_public_country'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(condition=models.Q(('showcase_only', False), ('status', 'published'), ('supplier_verified', True)), fields=['-published_at', '-id'], name='product_public_verified'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(condition=models.Q(('showcase_only', False), ('status', 'published')), fields=['category', '-min_price_usd', '-id'], name='product_public_category_price'),
        ),
    ]
