"""No person and no table holds two active overlapping bookings: exclusion constraints, PostgreSQL only.

They are not in Booking.Meta (SQLite cannot create them); on SQLite the service checks under the write lock.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINTS = {
    "matchmaking_booking_person_no_overlap": "user_id",
    "matchmaking_booking_table_no_overlap": "table_id",
}


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE matchmaking_booking ADD CONSTRAINT {name} EXCLUDE USING gist "
            f"({column} WITH =, tstzrange(start, \"end\", '[)') WITH &&) WHERE ({column} IS NOT NULL)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE matchmaking_booking DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("matchmaking", "0002_meetings")]

    operations = [BtreeGistExtension(), migrations.RunPython(add, remove)]
