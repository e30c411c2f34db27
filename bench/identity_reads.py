"""What encryption at rest costs a read: 1,000 customers with their ID numbers decrypted, against
the same read of a plaintext column (issue 13, target 7).

    DATABASE_URL=postgres://…/smartbank_bench_identity_reads .venv/bin/python \\
        bench/identity_reads.py [--customers 1000] [--runs 15] [--json PATH]

In one run: ``migrate``, then (refusing a database that holds KYC cases) ``--customers``
customers, each with a VERIFIED KYC case whose ID number is stored as the product stores it
(a Fernet token under ``FIELD_ENCRYPTION_KEYS``, an HMAC for look-ups, a masked copy). Timed,
interleaved, median of ``--runs``: the figure reads the cases with their customers
(``select_related``, the admin's and the selectors' shape) and decrypts every ID number through
``kyc.selectors.kyc_case_id_number``; the anchor is the same query reading the masked copy, a
plaintext column of the same rows, instead. Target: figure ÷ anchor ≤ 1.5. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")

TARGET = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", default=None, help="write the rows there (make bench)")
    args = parser.parse_args()

    import django

    django.setup()
    import datetime

    from django.core.management import call_command

    from accounts.models import User
    from bench._common import Row, emit
    from kyc.models import KycCase
    from kyc.selectors import kyc_case_id_number
    from smartbank.crypto import encrypt_text, keyed_hash

    call_command("migrate", verbosity=0)
    if KycCase.objects.exists():
        sys.exit("The database holds KYC cases: give this bench a database of its own.")
    users = User.objects.bulk_create(
        User(email=f"reader{n}@bench.example.com", full_name=f"Reader {n}")
        for n in range(args.customers)
    )
    cases = []
    for n, user in enumerate(users):
        number = f"{234567890000 + n:012d}"
        cases.append(
            KycCase(
                user=user,
                status=KycCase.Status.VERIFIED,
                id_type="AADHAAR",
                id_number_encrypted=encrypt_text(number),
                id_number_hash=keyed_hash(number, purpose="AADHAAR"),
                id_number_masked=f"XXXX XXXX {number[-4:]}",
                full_name=f"Reader {n}",
                date_of_birth=datetime.date(1980, 1, 1) + datetime.timedelta(days=n),
            )
        )
    KycCase.objects.bulk_create(cases, batch_size=1000)

    def query():  # noqa: ANN202
        return KycCase.objects.select_related("user").order_by("created_at")[: args.customers]

    def decrypted() -> int:
        return sum(len(kyc_case_id_number(case=case)) for case in query())

    def plaintext() -> int:
        return sum(len(case.id_number_masked) for case in query())

    decrypted(), plaintext()  # warm-up: connection, compiled query, key objects
    figure, anchor = [], []
    for _ in range(args.runs):
        for timings, read in ((figure, decrypted), (anchor, plaintext)):
            started = time.perf_counter()
            read()
            timings.append(time.perf_counter() - started)
    figure_ms = 1000 * statistics.median(figure)
    anchor_ms = 1000 * statistics.median(anchor)
    ratio = figure_ms / anchor_ms
    emit(
        [
            Row(
                "identity_reads",
                f"{args.customers:,} customers read with ID numbers decrypted",
                f"{figure_ms:.1f} ms",
                f"plaintext {anchor_ms:.1f} ms",
                ratio,
                f"≤ {TARGET}×",
                ratio <= TARGET,
            )
        ],
        args.json,
    )


if __name__ == "__main__":
    main()
