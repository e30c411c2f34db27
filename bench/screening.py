"""How long compliance screening of one applicant takes against a large watchlist.

Prints, measured in one run on this machine: the first screening in a worker process (the
list loaded from PostgreSQL and every name normalised) against the following ones (the
per-process cache of ``loans.selectors.watchlist_targets`` and of ``normalise_name``), as a
ratio. Not a test: CI does not run it.

    DATABASE_URL=postgres://smartbank:smartbank@127.0.0.1:5432/sb_bench \\
        .venv/bin/python bench/screening.py --rows 100000
"""

import argparse
import os
import random
import statistics
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="watchlist entries")
    parser.add_argument("--runs", type=int, default=7, help="cached screenings to time")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from loans import screening, selectors
    from loans.models import WatchlistEntry, WatchlistImport

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL), as production does.")
    call_command("migrate", verbosity=0)
    version = f"bench-{args.rows}"
    imp = WatchlistImport.objects.filter(name="bench", version=version).first()
    if imp is None:
        rng = random.Random(2026)  # noqa: S311 - synthetic bench names, not a secret
        from django.utils import timezone

        imp = WatchlistImport.objects.create(
            name="bench",
            version=version,
            kind="SANCTIONS",
            is_active=False,
            row_count=args.rows,
            imported_at=timezone.now(),
        )

        def word() -> str:
            return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 9))).title()

        WatchlistEntry.objects.bulk_create(
            (
                WatchlistEntry(
                    watchlist=imp,
                    entity_id=f"b{i}",
                    schema="Person",
                    name=f"{word()} {word()}",
                    aliases=[f"{word()} {word()}"],
                    birth_dates=[],
                    countries=["ir"],
                    dataset="bench",
                )
                for i in range(args.rows)
            ),
            batch_size=5000,
        )

    def one(name: str) -> float:
        start = time.perf_counter()
        targets = selectors.watchlist_targets(imports=[imp])
        screening.screen(name=name, targets=targets, threshold=88)
        return time.perf_counter() - start

    first = one("Neil Armstrong")
    cached = statistics.median(one(f"Applicant Number{i}") for i in range(args.runs))
    print(f"watchlist entries: {args.rows:,} (+ as many aliases)")
    print(f"first screening in a process:  {first * 1000:8.1f} ms (load + normalise + match)")
    print(f"later screenings (median of {args.runs}): {cached * 1000:8.1f} ms (match only)")
    print(f"ratio first / later: {first / cached:.1f}")


if __name__ == "__main__":
    main()
