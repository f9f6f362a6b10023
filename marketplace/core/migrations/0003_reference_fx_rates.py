"""Seed the reference exchange rates the platform started with, so that a fresh `migrate` converts money.

They are the indicative mid-market values of January 2026 that the catalog compared prices with
(USD 1.08 to the euro, CNY 0.138 USD, ...), and for the currencies only credit knew, credit's own
figures in US dollars; all are restated per euro (the ECB's form) at USD 1.08 = EUR 1, to 8 places,
and dated 2026-01-01 with source "reference". Operators replace them by uploading the ECB's
reference rates; an upload never deletes a row, so a currency the ECB does not publish (VND, AED...)
keeps its reference rate.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

REFERENCE_DATE = dt.date(2026, 1, 1)
REFERENCE_SOURCE = "reference"
# Units of each currency per euro.
REFERENCE_PER_EUR = {
    # The catalog's quoting currencies (marketplace/catalog/money.py's former table).
    "USD": "1.08000000",
    "CNY": "7.82608696",
    "GBP": "0.85039370",
    "HKD": "8.43750000",
    "JPY": "161.19402985",
    "INR": "90.00000000",
    "VND": "27341.77215190",
    "TRY": "37.24137931",
    "AUD": "1.63636364",
    "CAD": "1.47945205",
    # The other currencies credit's features converted (credit/features.py's former table).
    "KRW": "1479.45205479",
    "SGD": "1.42105263",
    "AED": "3.97058824",
    "BRL": "6.00000000",
    "MXN": "20.00000000",
    "RUB": "90.00000000",
    "THB": "37.24137931",
    "MYR": "4.69565217",
    "IDR": "17419.35483871",
    "CHF": "0.92307692",
    "PLN": "4.15384615",
    "SAR": "4.04494382",
    "ZAR": "19.63636364",
    "NGN": "1661.53846154",
    "EGP": "54.00000000",
    "PKR": "300.00000000",
    "BDT": "130.12048193",
    "TWD": "33.75000000",
    "PHP": "61.71428571",
}


def write_reference_rates(model, using):
    """Insert the reference rates missing on REFERENCE_DATE (also called after a flush: core.fx)."""
    have = set(model.objects.using(using).filter(date=REFERENCE_DATE).values_list("currency", flat=True))
    model.objects.using(using).bulk_create(
        model(date=REFERENCE_DATE, currency=code, per_eur=Decimal(value), source=REFERENCE_SOURCE)
        for code, value in REFERENCE_PER_EUR.items()
        if code not in have
    )


def seed(apps, schema_editor):
    write_reference_rates(apps.get_model("core", "FxRate"), schema_editor.connection.alias)


def unseed(apps, schema_editor):
    apps.get_model("core", "FxRate").objects.using(schema_editor.connection.alias).filter(
        date=REFERENCE_DATE, source=REFERENCE_SOURCE
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [migrations.RunPython(seed, unseed)]
