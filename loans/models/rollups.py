"""Roll-ups of loan applications for the staff dashboards (issue 13, target 5).

Counts and sums per group, kept up to date by :mod:`loans.services.rollups` in the same
transaction as each application's creation and status move, so a dashboard widget reads a few
thousand roll-up rows whatever the number of applications. ``manage.py rollups_rebuild``
recomputes them from the applications (after a bulk load, and as a repair).

Each group is spread over :data:`ROLLUP_SHARDS` rows (``shard``): concurrent submissions of
the same country and status then add to different rows instead of queueing on one row lock
until their transactions commit. Readers sum over the shards; a rebuild writes shard 0 only.
Rows whose count went back to 0 stay (readers skip them) until the next rebuild.
"""

from django.db import models

#: Rows per group that incremental updates spread over (an application's id picks one).
ROLLUP_SHARDS = 8


class LoanStatusRollup(models.Model):
    """Applications per region × country × the three stage statuses × final status × the two
    compliance flags: ``n`` applications, and the sums behind the financial averages
    (``credit_score_sum``; ``dti_ratio_sum`` over the ``dti_ratio_n`` applications that have a
    DTI ratio; ``loan_amount_sum`` and ``income_sum`` INR). No day: no whole-portfolio widget
    asks for one, and a day in the key would multiply the rows read by the days covered."""

    region = models.CharField(max_length=10)
    country = models.CharField(max_length=100)
    kyc_status = models.CharField(max_length=10)
    compliance_status = models.CharField(max_length=10)
    eligibility_status = models.CharField(max_length=10)
    final_status = models.CharField(max_length=10)
    political_connection = models.BooleanField()
    senior_relative = models.BooleanField()
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)
    credit_score_sum = models.BigIntegerField(default=0)
    dti_ratio_sum = models.DecimalField(max_digits=30, decimal_places=3, default=0)
    dti_ratio_n = models.BigIntegerField(default=0)
    loan_amount_sum = models.DecimalField(max_digits=24, decimal_places=2, default=0)
    income_sum = models.DecimalField(max_digits=24, decimal_places=2, default=0)

    #: The group's key, in the order of the unique constraint (without ``shard``).
    KEY = (
        "region",
        "country",
        "kyc_status",
        "compliance_status",
        "eligibility_status",
        "final_status",
        "political_connection",
        "senior_relative",
    )
    MEASURES = ("n", "credit_score_sum", "dti_ratio_sum", "dti_ratio_n", "loan_amount_sum",
                "income_sum")  # fmt: skip

    class Meta:
        verbose_name = "loan status roll-up"
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "region",
                    "country",
                    "kyc_status",
                    "compliance_status",
                    "eligibility_status",
                    "final_status",
                    "political_connection",
                    "senior_relative",
                    "shard",
                ],
                name="loan_status_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.region}) {self.final_status}: {self.n}"


class LoanDailyRollup(models.Model):
    """Applications submitted on each day (the bank's local date, ``settings.TIME_ZONE``) by
    their final status now: the timeline reads one row per day, status and shard."""

    day = models.DateField()
    final_status = models.CharField(max_length=10)
    shard = models.PositiveSmallIntegerField(default=0)
    n = models.BigIntegerField(default=0)

    KEY = ("day", "final_status")
    MEASURES = ("n",)

    class Meta:
        verbose_name = "loan daily roll-up"
        constraints = [
            models.UniqueConstraint(
                fields=["day", "final_status", "shard"], name="loan_daily_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.final_status}: {self.n}"
