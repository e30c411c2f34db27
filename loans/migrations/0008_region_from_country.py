"""Issue 12: an application's region is its country's (APAC, EMEA or AMERICAS), no longer the
applicant's pick among seed 001's overlapping codes. Rewrites the stored rows; the applicant's
original pick is not kept (reversing leaves the derived regions)."""

from django.db import migrations

from smartbank.countries import REGION_BY_COUNTRY, REGIONS


def region_from_country(apps, schema_editor):
    LoanApplication = apps.get_model("loans", "LoanApplication")
    for region in REGIONS:
        codes = [code for code, r in REGION_BY_COUNTRY.items() if r == region]
        LoanApplication.objects.filter(country_code__in=codes).exclude(region=region).update(
            region=region
        )


class Migration(migrations.Migration):
    dependencies = [("loans", "0007_watchlist_search_names")]

    operations = [migrations.RunPython(region_from_country, migrations.RunPython.noop)]
