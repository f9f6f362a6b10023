"""Money columns: one precision (core.money.MONEY_MAX_DIGITS, 4 places) and currency codes from the one list."""

import credit.kinds
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0004_model_registry_and_assessments'),
    ]

    operations = [
        migrations.AlterField(
            model_name='fact',
            name='currency',
            field=models.CharField(blank=True, max_length=3, validators=[credit.kinds.validate_currency]),
        ),
    ]
