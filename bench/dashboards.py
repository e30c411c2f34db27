"""Benchmark of the dashboard selectors (loans/dashboards.py): how their time grows with the
number of applications, what the indexes buy and what proposed covering indexes would buy.
Prints ratios measured in one run; bench/README.md shows one run.

    psql postgres://smartbank:smartbank@127.0.0.1:5432/postgres -c "CREATE DATABASE sb_bench"
    DATABASE_URL=postgres://smartbank:smartbank@127.0.0.1:5432/sb_bench \\
        .venv/bin/python bench/dashboards.py [--rows 200000] [--runs 7] [--seed 2026] [--reuse]

Steps: migrate; generate ``rows / 10`` sample applications (``manage.py generate_sample_data``),
``VACUUM ANALYZE``, time each widget; generate the rest up to ``rows``, ``VACUUM ANALYZE``, time
again; then, inside a transaction that is rolled back, drop the table's secondary indexes and
time once more; then, in another, create :data:`PROPOSED_INDEXES` and time once more. Each
time is the median of ``--runs`` calls after one warm-up call. The plans name the scans
PostgreSQL chose (from ``EXPLAIN``).

The generated rows stay in the database. It refuses a database that already holds users or loan
applications unless ``--reuse`` is given (then its rows count too).
"""

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from loans import dashboards  # noqa: E402
from loans.models import LoanApplication  # noqa: E402

TABLE = LoanApplication._meta.db_table
WIDGETS: dict[str, Callable[[], Any]] = {
    "overview": dashboards.dashboard_overview,
    "by-region": dashboards.dashboard_by_region,
    "by-country": dashboards.dashboard_by_country,
    "verification-stats": dashboards.dashboard_verification_stats,
    "financial-metrics": dashboards.dashboard_financial_metrics,
    "timeline (30 days)": dashboards.dashboard_timeline,
    "funnel": dashboards.dashboard_funnel,
}


#: Covering indexes proposed for the widgets that otherwise read the whole table (Seq Scan) or
#: a whole index (the timeline, whose window is not the index's leading column): each lets
#: PostgreSQL answer from a narrow index alone (Index Only Scan), the timeline from its window.
PROPOSED_INDEXES = {
    "by-country": f'CREATE INDEX bench_country ON "{TABLE}" (country, region, final_status)',
    "stages": f'CREATE INDEX bench_stages ON "{TABLE}" (kyc_status, compliance_status,'
    " eligibility_status, final_status) INCLUDE (political_connection, senior_relative)",
    "approved": f'CREATE INDEX bench_approved ON "{TABLE}" (final_status)'
    " INCLUDE (credit_score, dti_ratio, loan_amount, income)",
    "timeline": f'CREATE INDEX bench_timeline ON "{TABLE}" (created_at, final_status)',
}


def median_ms(widget: Callable[[], Any], runs: int) -> float:
    widget()  # warm-up: plan cache, buffers
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        widget()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def scans(plan: dict[str, Any]) -> list[str]:
    """The scan nodes of an ``EXPLAIN (FORMAT JSON)`` plan: ``"Index Only Scan (idx)"``..."""
    found = []
    if "Scan" in plan["Node Type"]:
        index = plan.get("Index Name")
        found.append(f"{plan['Node Type']}" + (f" ({index})" if index else ""))
    for child in plan.get("Plans", []):
        found += scans(child)
    return found


def plan_of(widget: Callable[[], Any]) -> str:
    with CaptureQueriesContext(connection) as captured:
        widget()
    (query,) = captured.captured_queries  # one query per widget
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
        plan = cursor.fetchone()[0][0]["Plan"]
    return ", ".join(sorted(set(scans(plan))))


def measure(runs: int) -> dict[str, tuple[float, str]]:
    return {name: (median_ms(widget, runs), plan_of(widget)) for name, widget in WIDGETS.items()}


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{TABLE}"')


def secondary_indexes() -> list[str]:
    """Non-unique indexes of the applications table (the primary key and the unique
    ``application_id`` stay: they are constraints, not dashboard helpers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary
            ORDER BY c.relname
            """,
            [TABLE],
        )
        return [row[0] for row in cursor.fetchall()]


def generate(count: int, seed: int) -> float:
    started = time.perf_counter()
    call_command("generate_sample_data", count=count, seed=seed, stdout=io.StringIO())
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="run on a database with data")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to an empty database for the benchmark.", file=sys.stderr)
        return 2
    if args.rows < 10:
        print("--rows must be at least 10.", file=sys.stderr)
        return 2

    call_command("migrate", verbosity=0)
    existing = LoanApplication.objects.count()
    users = get_user_model().objects.count()
    if (existing or users) and not args.reuse:
        print(
            f"{connection.settings_dict['NAME']} already holds {existing} loan applications and"
            f" {users} users: use an empty database, or --reuse to add to it.",
            file=sys.stderr,
        )
        return 2

    small = args.rows // 10
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{version}; {os.cpu_count()} CPUs; median of {args.runs} runs per widget")

    seconds = generate(small, args.seed)
    vacuum_analyze()
    n_small = LoanApplication.objects.count()
    print(f"generated {small} rows in {seconds:.1f} s; table has {n_small}")
    at_small = measure(args.runs)

    seconds = generate(args.rows - small, args.seed + 1)
    vacuum_analyze()
    n_large = LoanApplication.objects.count()
    print(f"generated {args.rows - small} rows in {seconds:.1f} s; table has {n_large}")
    at_large = measure(args.runs)

    indexes = secondary_indexes()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for name in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        without = measure(args.runs)
        transaction.set_rollback(True)  # the indexes come back
    print(f"without indexes: dropped all {len(indexes)} non-unique indexes of {TABLE}, timed,")
    print("  then rolled the drop back")

    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            for sql in PROPOSED_INDEXES.values():
                cursor.execute(sql)
            cursor.execute(f'ANALYZE "{TABLE}"')
        built = time.perf_counter() - started
        proposed = measure(args.runs)
        transaction.set_rollback(True)
    print(f"proposed covering indexes ({', '.join(PROPOSED_INDEXES)}): built in {built:.1f} s,")
    print("  timed, then rolled back")
    print()

    row_ratio = n_large / n_small
    header = (
        f"{'widget':<19} {f'{n_small:,} rows':>11} {f'{n_large:,} rows':>12} {'ratio':>5}"
        f" {'no index':>9} {'ratio':>5} {'proposed':>9} {'ratio':>5}"
    )
    print(header)
    print("-" * len(header))
    for name in WIDGETS:
        t_small, t_large, t_without, t_proposed = (
            at_small[name][0],
            at_large[name][0],
            without[name][0],
            proposed[name][0],
        )
        print(
            f"{name:<19} {t_small:>9.1f}ms {t_large:>10.1f}ms {t_large / t_small:>5.1f}"
            f" {t_without:>7.1f}ms {t_without / t_large:>5.1f} {t_proposed:>7.1f}ms"
            f" {t_large / t_proposed:>5.1f}"
        )
    print()
    print(
        f"ratio 1: time at {n_large:,} rows / at {n_small:,} rows (rows x{row_ratio:.1f}).\n"
        f"ratio 2: time without / with the current indexes at {n_large:,} rows (>1: they help).\n"
        "ratio 3: time with the current / with the proposed covering indexes added (>1: they"
        " would help)."
    )
    print()
    print(f"plans at {n_large:,} rows (current indexes | with the proposed ones):")
    for name in WIDGETS:
        print(f"  {name:<19} {at_large[name][1]}  |  {proposed[name][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
