"""``manage.py rollups_rebuild [--check]``: recompute the dashboards' roll-ups.

Run it after loading applications in bulk (``bulk_create``, COPY: nothing maintains the
roll-ups then; ``generate_sample_data`` runs it itself) and as a repair. ``--check`` only
compares the stored roll-ups with the applications, prints each disagreement and exits with
status 1 when there is one.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loans.services.rollups import rollups_differences, rollups_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboards' roll-up tables from the loan applications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="only compare; exit 1 on a difference"
        )

    def handle(self, *args: object, **options: Any) -> None:
        started = time.monotonic()
        if options["check"]:
            differences = rollups_differences()
            for line in differences:
                self.stdout.write(line)
            if differences:
                raise CommandError(f"{len(differences)} roll-up groups disagree.")
            self.stdout.write(self.style.SUCCESS("The roll-ups agree with the applications."))
            return
        groups = rollups_rebuild()
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the roll-ups: {groups['status']} status groups, {groups['daily']} "
                f"daily groups in {time.monotonic() - started:.1f} s."
            )
        )
