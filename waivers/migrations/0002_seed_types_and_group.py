"""Seed data: the waiver types, three certificate types that back them, and the staff group
"Waiver officers" with its permissions.

The certificate number formats are this bank's conventions for the issuing offices it deals
with; staff adjust them in the admin when an office changes its numbering.
"""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

WAIVER_TYPES = [
    {
        "code": "interest",
        "name": "Interest waiver",
        "kind": "INTEREST",
        "max_percent": Decimal("30.00"),
        "description": "Waives part of the interest still to be paid on the loan.",
    },
    {
        "code": "penalty",
        "name": "Penalty waiver",
        "kind": "PENALTY",
        "max_percent": Decimal("10.00"),
        "description": "Waives penal charges for late or missed instalments.",
    },
    {
        "code": "relief-full",
        "name": "Full waiver under a relief scheme",
        "kind": "FULL_RELIEF",
        "max_percent": Decimal("100.00"),
        "description": "Waives what is owed under a government debt relief scheme.",
    },
]

CERTIFICATE_TYPES = [
    {
        "code": "agri-debt-relief",
        "name": "Agricultural debt relief certificate",
        "issuing_authority": "State Department of Agriculture and Farmers Welfare",
        "number_pattern": r"[A-Z]{2}/\d{4}/\d{6}",
        "number_example": "MH/2024/004517",
        "allowed": ["interest", "relief-full"],
    },
    {
        "code": "natural-calamity",
        "name": "Natural calamity certificate",
        "issuing_authority": "Office of the District Collector",
        "number_pattern": r"[A-Z]{3}/CAL/\d{4}/\d{5}",
        "number_example": "PUN/CAL/2023/00871",
        "allowed": ["interest", "penalty", "relief-full"],
    },
    {
        "code": "disability-udid",
        "name": "Disability certificate (UDID)",
        "issuing_authority": "Medical Authority of the District (Chief Medical Officer)",
        "number_pattern": r"[A-Z]{2}\d{16}",
        "number_example": "MH0420190012345678",
        "allowed": ["interest", "penalty"],
    },
]

WAIVER_OFFICER_PERMISSIONS = [
    ("waiverrequest", "view_waiverrequest"),
    ("waiverrequest", "decide_waiverrequest"),
    ("waivercheck", "view_waivercheck"),
    ("waiverevent", "view_waiverevent"),
    ("waivertype", "view_waivertype"),
    ("waivertype", "add_waivertype"),
    ("waivertype", "change_waivertype"),
    ("certificatetype", "view_certificatetype"),
    ("certificatetype", "add_certificatetype"),
    ("certificatetype", "change_certificatetype"),
]


def seed(apps, schema_editor):
    WaiverType = apps.get_model("waivers", "WaiverType")
    CertificateType = apps.get_model("waivers", "CertificateType")
    for row in WAIVER_TYPES:
        WaiverType.objects.get_or_create(code=row["code"], defaults=row)
    for row in CERTIFICATE_TYPES:
        fields = {k: v for k, v in row.items() if k != "allowed"}
        certificate_type, created = CertificateType.objects.get_or_create(
            code=row["code"], defaults=fields
        )
        if created:
            certificate_type.allowed_waiver_types.set(
                WaiverType.objects.filter(code__in=row["allowed"])
            )

    # Permissions are normally created after all migrations ran; the group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Waiver officers")
    for model, codename in WAIVER_OFFICER_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label="waivers", content_type__model=model, codename=codename
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("waivers", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
