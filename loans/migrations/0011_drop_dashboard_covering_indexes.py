"""Issue 13, target 5: the dashboards read the roll-ups (0009), so the covering indexes of 0003
that served their whole-table queries only cost every insert and update."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("loans", "0010_loan_repayments")]

    operations = [
        migrations.RemoveIndex(model_name="loanapplication", name="loan_app_country_idx"),
        migrations.RemoveIndex(model_name="loanapplication", name="loan_app_stages_idx"),
        migrations.RemoveIndex(model_name="loanapplication", name="loan_app_financials_idx"),
    ]
