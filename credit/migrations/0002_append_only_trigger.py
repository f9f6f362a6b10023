"""On PostgreSQL, refuse UPDATE and DELETE on the facts table in the database itself.

The model and queryset already refuse; the trigger also stops raw SQL, a shell session or another
service. Other databases (SQLite in development) rely on the model-level guard. TRUNCATE is left
alone so that test databases can still be flushed.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION credit_fact_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'credit facts are append-only: ' || TG_OP || ' refused; record a correcting fact instead',
        ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_fact_append_only
    BEFORE UPDATE OR DELETE ON credit_fact
    FOR EACH ROW EXECUTE FUNCTION credit_fact_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS credit_fact_append_only ON credit_fact;
DROP FUNCTION IF EXISTS credit_fact_append_only();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


def create_platform_source(apps, schema_editor):
    Source = apps.get_model("credit", "Source")
    Source.objects.get_or_create(code="platform", defaults={"name": "TrustFair", "source_type": "platform"})


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [
        migrations.RunPython(install, remove),
        migrations.RunPython(create_platform_source, migrations.RunPython.noop),
    ]
