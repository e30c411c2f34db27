"""The customer's country of residence (issue 11, "documents by country"). Customers who
registered before it was asked are residents of India, the bank's home: the default "IN"
fills their rows."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_step_ups"),
    ]

    operations = [
        migrations.AddField(
            model_name="customerprofile",
            name="country_of_residence",
            field=models.CharField(
                default="IN", help_text="ISO 3166-1 alpha-2, e.g. IN", max_length=2
            ),
        ),
    ]
