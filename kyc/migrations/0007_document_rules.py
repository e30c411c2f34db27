"""The table of ID types each country of residence accepts (issue 11, "documents by
country"), seeded: India -> Aadhaar, PAN, passport; every other country ("*") -> passport."""

from django.db import migrations, models


#: (country, id_type) rows seeded; "*" is KycDocumentRule.EVERY_OTHER_COUNTRY.
SEED_RULES = [("IN", "AADHAAR"), ("IN", "PAN"), ("IN", "PASSPORT"), ("*", "PASSPORT")]


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    rule = apps.get_model("kyc", "KycDocumentRule")
    for country, id_type in SEED_RULES:
        rule.objects.get_or_create(country=country, id_type=id_type)


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    apps.get_model("kyc", "KycDocumentRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("kyc", "0006_document_phash"),
    ]

    operations = [
        migrations.CreateModel(
            name="KycDocumentRule",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "country",
                    models.CharField(
                        db_index=True,
                        help_text='ISO 3166-1 alpha-2 code, or "*" for every other country',
                        max_length=2,
                    ),
                ),
                (
                    "id_type",
                    models.CharField(
                        choices=[("AADHAAR", "Aadhaar"), ("PAN", "PAN"), ("PASSPORT", "Passport")],
                        max_length=10,
                        verbose_name="ID type",
                    ),
                ),
            ],
            options={
                "verbose_name": "KYC document rule",
                "ordering": ["country", "id_type"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("country", "id_type"),
                        name="kyc_document_rule_unique_country_id_type",
                    )
                ],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
