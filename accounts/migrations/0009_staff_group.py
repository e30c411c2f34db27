"""The ``accounts.decide_bankaccount`` permission and the staff group "Account officers"."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Account officers"
#: (model, codename) pairs of app ``accounts`` the group holds: the account queue, ledgers,
#: audit events and FD rates to read, and the decisions (open, refuse, freeze, unfreeze, close).
ACCOUNT_OFFICER_PERMISSIONS = [
    ("bankaccount", "view_bankaccount"),
    ("bankaccount", "decide_bankaccount"),
    ("ledgerentry", "view_ledgerentry"),
    ("accountevent", "view_accountevent"),
    ("fixeddepositrate", "view_fixeddepositrate"),
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
    for model, codename in ACCOUNT_OFFICER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="accounts", content_type__model=model, codename=codename
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0008_otp_hourly_cap"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="bankaccount",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    (
                        "decide_bankaccount",
                        "Can open, refuse, freeze, unfreeze and close bank accounts",
                    )
                ],
                "verbose_name": "bank account",
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
