"""The ``kyc.review_kyccase`` permission and the staff group "KYC reviewers" that holds it."""

from django.db import migrations

from smartbank.staff_groups import staff_group_seed

GROUP_NAME = "KYC reviewers"
#: (model, codename) pairs of app ``kyc`` the group holds: the review queue, the evidence and
#: the decisions (approve, reject, ask for resubmission).
KYC_REVIEWER_PERMISSIONS = [
    ("kyccase", "view_kyccase"),
    ("kyccase", "review_kyccase"),
    ("kycdocument", "view_kycdocument"),
    ("kyccheck", "view_kyccheck"),
    ("kyccaseevent", "view_kyccaseevent"),
]


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    staff_group_seed(apps, name=GROUP_NAME, app_label="kyc", permissions=KYC_REVIEWER_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("kyc", "0002_ocr_flow_events"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="kyccase",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    (
                        "review_kyccase",
                        "Can approve, reject and ask for resubmission of KYC cases",
                    )
                ],
                "verbose_name": "KYC case",
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
