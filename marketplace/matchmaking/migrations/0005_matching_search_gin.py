"""PostgreSQL only: a GIN index on the supplier signals' search vector (the ranking's text candidates)."""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS matchmaking_signals_search_gin ON matchmaking_suppliersignals"
    " USING gin (search_vector);"
]
BACKWARD = ["DROP INDEX IF EXISTS matchmaking_signals_search_gin;"]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0004_matching")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
