"""Seed data: the default loan product, the FATF lists of the June 2026 plenary, and the staff
groups "Loan officers" and "Compliance officers" with their permissions."""

import datetime
from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

FATF_VERSION = "FATF plenary June 2026"

# ISO 3166-1 alpha-2 codes of the jurisdictions named in the plenary's public statements.
CALL_FOR_ACTION = [
    ("KP", "Democratic People's Republic of Korea"),
    ("IR", "Iran"),
    ("MM", "Myanmar"),
]
INCREASED_MONITORING = [
    ("AO", "Angola"),
    ("BO", "Bolivia"),
    ("BA", "Bosnia and Herzegovina"),
    ("BG", "Bulgaria"),
    ("CM", "Cameroon"),
    ("CI", "Côte d'Ivoire"),
    ("CD", "Democratic Republic of the Congo"),
    ("HT", "Haiti"),
    ("IQ", "Iraq"),
    ("KE", "Kenya"),
    ("KW", "Kuwait"),
    ("LA", "Lao People's Democratic Republic"),
    ("LB", "Lebanon"),
    ("MC", "Monaco"),
    ("NP", "Nepal"),
    ("PG", "Papua New Guinea"),
    ("SS", "South Sudan"),
    ("SY", "Syria"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("VG", "British Virgin Islands"),
    ("YE", "Yemen"),
]

LOAN_OFFICER_PERMISSIONS = [
    ("loanapplication", "view_loanapplication"),
    ("loanapplication", "decide_loanapplication"),
    ("loanapplicationevent", "view_loanapplicationevent"),
    ("loanproduct", "view_loanproduct"),
    ("loanproduct", "add_loanproduct"),
    ("loanproduct", "change_loanproduct"),
]
COMPLIANCE_OFFICER_PERMISSIONS = [
    ("loanapplication", "view_loanapplication"),
    ("loanapplicationevent", "view_loanapplicationevent"),
    ("watchlistimport", "view_watchlistimport"),
    ("watchlistimport", "add_watchlistimport"),
    ("watchlistimport", "manage_watchlists"),
    ("watchlistentry", "view_watchlistentry"),
    ("seniorrelative", "view_seniorrelative"),
    ("seniorrelative", "add_seniorrelative"),
    ("seniorrelative", "change_seniorrelative"),
    ("seniorrelative", "manage_seniorrelatives"),
    ("fatfcountrylist", "view_fatfcountrylist"),
    ("fatfcountrylist", "add_fatfcountrylist"),
    ("fatfcountrylist", "change_fatfcountrylist"),
    ("fatfcountry", "view_fatfcountry"),
    ("fatfcountry", "add_fatfcountry"),
    ("fatfcountry", "change_fatfcountry"),
    ("fatfcountry", "delete_fatfcountry"),
]


def seed(apps, schema_editor):
    LoanProduct = apps.get_model("loans", "LoanProduct")
    FatfCountryList = apps.get_model("loans", "FatfCountryList")
    FatfCountry = apps.get_model("loans", "FatfCountry")

    LoanProduct.objects.get_or_create(
        code="personal-standard",
        defaults={
            "name": "Personal loan",
            "loan_type": "PERSONAL",
            "annual_interest_rate_percent": Decimal("10.50"),
            "max_tenure_months": 60,
        },
    )
    LoanProduct.objects.get_or_create(
        code="home-standard",
        defaults={
            "name": "Home loan",
            "loan_type": "HOME",
            "annual_interest_rate_percent": Decimal("8.50"),
            "max_tenure_months": 240,
        },
    )

    # The plenary's closing date is not in the issue; the end of June is used, and staff
    # correct it in the admin if needed.
    fatf_list, created = FatfCountryList.objects.get_or_create(
        version=FATF_VERSION,
        defaults={
            "effective_from": datetime.date(2026, 6, 30),
            "source": "FATF public statements, June 2026 plenary (issue #4)",
        },
    )
    if created:
        FatfCountry.objects.bulk_create(
            [
                FatfCountry(
                    country_list=fatf_list,
                    country_code=code,
                    country_name=name,
                    category="CALL_FOR_ACTION",
                )
                for code, name in CALL_FOR_ACTION
            ]
            + [
                FatfCountry(
                    country_list=fatf_list,
                    country_code=code,
                    country_name=name,
                    category="INCREASED_MONITORING",
                )
                for code, name in INCREASED_MONITORING
            ]
        )

    # Permissions are normally created after all migrations ran; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, wanted in (
        ("Loan officers", LOAN_OFFICER_PERMISSIONS),
        ("Compliance officers", COMPLIANCE_OFFICER_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=group_name)
        for model, codename in wanted:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label="loans",
                    content_type__model=model,
                    codename=codename,
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("loans", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
