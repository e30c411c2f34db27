"""Issue 13, target 5: the dashboards' roll-up tables (loans/models/rollups.py), filled from the
applications already stored (as ``manage.py rollups_rebuild`` does)."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

STATUS_KEY = (
    "region",
    "country",
    "kyc_status",
    "compliance_status",
    "eligibility_status",
    "final_status",
    "political_connection",
    "senior_relative",
)


def fill(apps, schema_editor):
    LoanApplication = apps.get_model("loans", "LoanApplication")
    LoanStatusRollup = apps.get_model("loans", "LoanStatusRollup")
    LoanDailyRollup = apps.get_model("loans", "LoanDailyRollup")
    applications = LoanApplication.objects.order_by()
    LoanStatusRollup.objects.bulk_create(
        (
            LoanStatusRollup(**row)
            for row in applications.values(*STATUS_KEY).annotate(
                n=Count("*"),
                credit_score_sum=Sum("credit_score"),
                dti_ratio_sum=Sum("dti_ratio", default=Decimal(0)),
                dti_ratio_n=Count("dti_ratio"),
                loan_amount_sum=Sum("loan_amount"),
                income_sum=Sum("income"),
            )
        ),
        batch_size=1000,
    )
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    LoanDailyRollup.objects.bulk_create(
        (
            LoanDailyRollup(**row)
            for row in applications.annotate(day=TruncDate("created_at", tzinfo=zone))
            .values("day", "final_status")
            .annotate(n=Count("*"))
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("loans", "0008_region_from_country")]

    operations = [
        migrations.CreateModel(
            name="LoanDailyRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("final_status", models.CharField(max_length=10)),
                ("shard", models.PositiveSmallIntegerField(default=0)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "loan daily roll-up",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("day", "final_status", "shard"), name="loan_daily_rollup_key"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="LoanStatusRollup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region", models.CharField(max_length=10)),
                ("country", models.CharField(max_length=100)),
                ("kyc_status", models.CharField(max_length=10)),
                ("compliance_status", models.CharField(max_length=10)),
                ("eligibility_status", models.CharField(max_length=10)),
                ("final_status", models.CharField(max_length=10)),
                ("political_connection", models.BooleanField()),
                ("senior_relative", models.BooleanField()),
                ("shard", models.PositiveSmallIntegerField(default=0)),
                ("n", models.BigIntegerField(default=0)),
                ("credit_score_sum", models.BigIntegerField(default=0)),
                (
                    "dti_ratio_sum",
                    models.DecimalField(decimal_places=3, default=0, max_digits=30),
                ),
                ("dti_ratio_n", models.BigIntegerField(default=0)),
                (
                    "loan_amount_sum",
                    models.DecimalField(decimal_places=2, default=0, max_digits=24),
                ),
                ("income_sum", models.DecimalField(decimal_places=2, default=0, max_digits=24)),
            ],
            options={
                "verbose_name": "loan status roll-up",
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "region",
                            "country",
                            "kyc_status",
                            "compliance_status",
                            "eligibility_status",
                            "final_status",
                            "political_connection",
                            "senior_relative",
                            "shard",
                        ),
                        name="loan_status_rollup_key",
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
