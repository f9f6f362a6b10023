"""Money columns: one precision (core.money.MONEY_MAX_DIGITS, 4 places) and currency codes from the one list."""

import django.core.validators
import marketplace.core.money
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_search_vector_postgres'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pricetier',
            name='unit_price',
            field=models.DecimalField(decimal_places=4, max_digits=19, validators=[django.core.validators.MinValueValidator(Decimal('0.0001'))], verbose_name='unit price'),
        ),
        migrations.AlterField(
            model_name='product',
            name='currency',
            field=models.CharField(choices=[('USD', 'US dollar (USD)'), ('EUR', 'Euro (EUR)'), ('CNY', 'Chinese yuan (CNY)'), ('GBP', 'Pound sterling (GBP)'), ('HKD', 'Hong Kong dollar (HKD)'), ('JPY', 'Japanese yen (JPY)'), ('INR', 'Indian rupee (INR)'), ('VND', 'Vietnamese dong (VND)'), ('TRY', 'Turkish lira (TRY)'), ('AUD', 'Australian dollar (AUD)'), ('CAD', 'Canadian dollar (CAD)')], default='USD', max_length=3, validators=[marketplace.core.money.validate_currency_code], verbose_name='currency'),
        ),
        migrations.AlterField(
            model_name='product',
            name='min_price',
            field=models.DecimalField(decimal_places=4, editable=False, max_digits=19, null=True),
        ),
        migrations.AlterField(
            model_name='product',
            name='min_price_usd',
            field=models.DecimalField(decimal_places=4, editable=False, max_digits=19, null=True),
        ),
    ]
