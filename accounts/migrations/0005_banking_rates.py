"""Seed fixed deposit rates (staff edit them in the admin afterwards).

Bands and rates resemble the retail term deposit cards of large Indian banks in 2024-25
(rates in % p.a. for deposits below ₹3 crore).
"""

import datetime
from decimal import Decimal

from django.db import migrations

EFFECTIVE_FROM = datetime.date(2025, 1, 1)
RATES = [
    (1, 5, "5.50"),
    (6, 11, "6.25"),
    (12, 23, "7.00"),
    (24, 35, "7.10"),
    (36, 59, "6.75"),
    (60, 120, "6.50"),
]


def seed(apps, schema_editor):
    FixedDepositRate = apps.get_model("accounts", "FixedDepositRate")
    if FixedDepositRate.objects.exists():
        return
    FixedDepositRate.objects.bulk_create(
        FixedDepositRate(
            min_months=low,
            max_months=high,
            annual_rate_percent=Decimal(rate),
            effective_from=EFFECTIVE_FROM,
            is_active=True,
        )
        for low, high, rate in RATES
    )


def unseed(apps, schema_editor):
    FixedDepositRate = apps.get_model("accounts", "FixedDepositRate")
    FixedDepositRate.objects.filter(effective_from=EFFECTIVE_FROM, accounts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_banking"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
