"""A trigram index for the directory's free text (PostgreSQL only): `q` looks for each word in the name,
Chinese name, city and description, which without it is a scan of every company. SQLite keeps the
plain `icontains` search (marketplace/companies/filters.py)."""

from django.db import migrations

# The same expression as marketplace/companies/filters.py TEXT_SQL: the planner matches it literally.
CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS company_text_trgm ON companies_company
    USING gin ((UPPER(name || ' ' || name_zh || ' ' || city || ' ' || description)) gin_trgm_ops);
"""
DROP = "DROP INDEX IF EXISTS company_text_trgm;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("companies", "0005_verification_expiry")]

    operations = [migrations.RunPython(create, drop)]
