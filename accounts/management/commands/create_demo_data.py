"""``manage.py create_demo_data``: the demo staff user ``make run`` prints. Safe to re-run."""

from django.core.management.base import BaseCommand

from accounts.services import demo_staff_ensure

DEMO_STAFF_EMAIL = "staff@smartbank.local"
DEMO_STAFF_PASSWORD = "smartbank-demo-staff"  # noqa: S105 - printed demo credential, dev only


class Command(BaseCommand):
    help = "Create (or reset) the demo staff user and print its credentials."

    def handle(self, *args: object, **options: object) -> None:
        demo_staff_ensure(email=DEMO_STAFF_EMAIL, password=DEMO_STAFF_PASSWORD)
        self.stdout.write(
            self.style.SUCCESS(
                "\nDemo staff login for the review console http://127.0.0.1:8000/admin/\n"
                f"  email:    {DEMO_STAFF_EMAIL}\n  password: {DEMO_STAFF_PASSWORD}\n"
                "Customers register at http://127.0.0.1:8000/accounts/register/\n"
            )
        )
