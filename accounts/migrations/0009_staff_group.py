"""The ``accounts.decide_bankaccount`` permission and the staff group "Account officers"."""

from django.db import migrations

from smartbank.staff_groups import staff_group_seed

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
    staff_group_seed(
        apps, name=GROUP_NAME, app_label="accounts", permissions=ACCOUNT_OFFICER_PERMISSIONS
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
