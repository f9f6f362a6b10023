"""Booth tables keep the fair's daily opening hours, so a booth meeting falls inside one day's hours."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models


def booth_hours(apps, schema_editor):
    hours = getattr(settings, "FAIRS_BOOTH_HOURS", None)
    if not hours:
        return
    opens, closes = (dt.time.fromisoformat(t) for t in hours)
    table = apps.get_model("matchmaking", "MeetingTable")
    table.objects.filter(kind="booth", opens_daily__isnull=True).update(opens_daily=opens, closes_daily=closes)


class Migration(migrations.Migration):
    dependencies = [
        ("matchmaking", "0005_matching_search_gin"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingtable",
            name="closes_daily",
            field=models.TimeField(blank=True, null=True, verbose_name="closes each day at"),
        ),
        migrations.AddField(
            model_name="meetingtable",
            name="opens_daily",
            field=models.TimeField(blank=True, null=True, verbose_name="opens each day at"),
        ),
        migrations.RunPython(booth_hours, migrations.RunPython.noop),
    ]
