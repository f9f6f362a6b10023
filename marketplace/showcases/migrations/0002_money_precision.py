"""Money columns: one precision (core.money.MONEY_MAX_DIGITS, 4 places) and currency codes from the one list."""

import django.core.validators
import marketplace.core.money
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('showcases', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='interest',
            name='quoted_currency',
            field=models.CharField(blank=True, max_length=3, validators=[marketplace.core.money.validate_currency_code]),
        ),
        migrations.AlterField(
            model_name='interest',
            name='quoted_price',
            field=models.DecimalField(blank=True, decimal_places=4, max_digits=19, null=True),
        ),
        migrations.AlterField(
            model_name='showcaseitem',
            name='currency',
            field=models.CharField(blank=True, choices=[('USD', 'US dollar (USD)'), ('EUR', 'Euro (EUR)'), ('CNY', 'Chinese yuan (CNY)'), ('GBP', 'Pound sterling (GBP)'), ('HKD', 'Hong Kong dollar (HKD)'), ('JPY', 'Japanese yen (JPY)'), ('INR', 'Indian rupee (INR)'), ('VND', 'Vietnamese dong (VND)'), ('TRY', 'Turkish lira (TRY)'), ('AUD', 'Australian dollar (AUD)'), ('CAD', 'Canadian dollar (CAD)')], max_length=3, validators=[marketplace.core.money.validate_currency_code], verbose_name='currency'),
        ),
        migrations.AlterField(
            model_name='showcaseitem',
            name='price',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='Unit price for this showcase only; leave empty to show the public tiers.', max_digits=19, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='showcase price'),
        ),
    ]
