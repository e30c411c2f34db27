"""KYC reviewers keep the table of ID types each country accepts (issue 11, "documents by
country"; the README's "Staff keep the table in the admin"): only superusers could open it, so
a reviewer asked why a customer may not use a passport could not even read the rule. The group
that works the queue keeps its reference table, as Loan officers keep the loan products and
Waiver officers the waiver types; the admin's history records each change."""

from django.db import migrations

from smartbank.staff_groups import staff_group_seed

GROUP_NAME = "KYC reviewers"
#: (model, codename) pairs of app ``kyc`` added to the group: read, add, change, delete rules.
DOCUMENT_RULE_PERMISSIONS = [
    ("kycdocumentrule", f"{action}_kycdocumentrule")
    for action in ("view", "add", "change", "delete")
]


def seed(apps, schema_editor):  # noqa: ANN001, ANN201
    staff_group_seed(apps, name=GROUP_NAME, app_label="kyc", permissions=DOCUMENT_RULE_PERMISSIONS)


def unseed(apps, schema_editor):  # noqa: ANN001, ANN201
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="kyc",
                codename__in=[codename for _, codename in DOCUMENT_RULE_PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("kyc", "0003_staff_group"),
        ("kyc", "0008_face_encoding_float32"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
