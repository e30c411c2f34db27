"""The ``kyc.review_kyccase`` permission and the staff group "KYC reviewers" that holds it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    # Permissions are normally created after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for model, codename in KYC_REVIEWER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="kyc", content_type__model=model, codename=codename
            )
        )


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
