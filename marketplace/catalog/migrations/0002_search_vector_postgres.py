"""PostgreSQL only: keep products.search_vector from search_document with a trigger, and index it (GIN).

A trigger rather than an expression in Python so bulk inserts (imports, seeds, COPY) are indexed too.
SQLite skips this migration's SQL: search there uses LIKE on search_document (see catalog/search.py).
"""

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION catalog_product_search_vector() RETURNS trigger AS $$
    BEGIN
      NEW.search_vector := to_tsvector('simple'::regconfig, coalesce(NEW.search_document, ''));
      RETURN NEW;
    END $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER catalog_product_search_vector_update
    BEFORE INSERT OR UPDATE OF search_document ON catalog_product
    FOR EACH ROW EXECUTE FUNCTION catalog_product_search_vector();
    """,
    "CREATE INDEX IF NOT EXISTS catalog_product_search_gin ON catalog_product USING gin (search_vector);",
    "UPDATE catalog_product SET search_document = search_document;",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_gin;",
    "DROP TRIGGER IF EXISTS catalog_product_search_vector_update ON catalog_product;",
    "DROP FUNCTION IF EXISTS catalog_product_search_vector();",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
