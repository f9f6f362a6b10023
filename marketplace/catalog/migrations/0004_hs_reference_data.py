"""Reference data: the HS sections and chapters, in English and Chinese, on every install.

Without them a supplier cannot file a product (its category is required). The tree and its Chinese
names are read from catalog/hs.py, which imports no model; rows that already exist (a database seeded
before this migration) are kept as they are.
"""

from django.db import migrations

from marketplace.catalog.hs import create_missing_categories, hs_tree


def add_hs_tree(apps, schema_editor):
    create_missing_categories(apps.get_model("catalog", "Category"))


def remove_hs_tree(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    codes = [node.code for node in hs_tree()]
    # Chapters first: they point at their section (PROTECT). Products still filed under one block this.
    Category.objects.filter(code__in=codes, level="chapter").delete()
    Category.objects.filter(code__in=codes, level="section").delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_money_precision")]

    operations = [migrations.RunPython(add_hs_tree, remove_hs_tree)]
