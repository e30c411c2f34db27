"""Benchmark of the staff dashboards at bank scale (issue 13, target 5): every dashboard API
endpoint and the staff dashboard page at ``rows / 10`` and at ``rows`` applications (default
100,000 and 1,000,000), against a bare ``SELECT count(*)`` of the applications table measured
in the same run, and the time ``manage.py generate_sample_data`` takes to load the rows.

    psql postgres://smartbank:smartbank@127.0.0.1:5432/postgres -c "CREATE DATABASE sb_bench"
    DATABASE_URL=postgres://smartbank:smartbank@127.0.0.1:5432/sb_bench \\
        .venv/bin/python bench/dashboards.py [--rows 1000000] [--runs 15] [--seed 2026] \\
        [--reuse] [--json PATH]

Steps: migrate; load ``rows / 10`` sample applications (``generate_sample_data``, which ends
by rebuilding the roll-ups), ``VACUUM ANALYZE``, time; load the rest up to ``rows``, ``VACUUM
ANALYZE``, time again. Each time is the median (p50) of ``--runs`` calls after one warm-up:
the seven ``/api/v1/dashboard/...`` endpoints and ``/loans/dashboard/`` through Django's test
client with a loan officer's verified session (middleware, authentication, serialisation and
template included), the widget functions of :mod:`loans.dashboards` alone, and ``SELECT
count(*)``. Targets: each endpoint and the page ≤ 50 ms at ``rows``, its time at ``rows`` ÷ at
``rows / 10`` ≤ 1.5, and loading 1,000,000 rows (both loads together) < 3 minutes.

The generated rows stay in the database. It refuses a database that already holds users or
loan applications unless ``--reuse`` is given (then its rows count too). ``--json PATH``
writes the :class:`bench._common.Row` list for ``bench/run_all.py``.
"""

import argparse
import io
import os
import resource
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench._common import Row, emit  # noqa: E402
from loans import dashboards  # noqa: E402
from loans.models import LoanApplication, LoanDailyRollup, LoanStatusRollup  # noqa: E402

BENCH = "dashboards"
TABLE = LoanApplication._meta.db_table
TARGET_MS = 50.0
TARGET_SCALING = 1.5
TARGET_LOAD_S = 180.0
ENDPOINTS = {
    "overview": "/api/v1/dashboard/overview/",
    "by-region": "/api/v1/dashboard/by-region/",
    "by-country": "/api/v1/dashboard/by-country/",
    "verification-stats": "/api/v1/dashboard/verification-stats/",
    "financial-metrics": "/api/v1/dashboard/financial-metrics/",
    "timeline (30 days)": "/api/v1/dashboard/timeline/",
    "funnel": "/api/v1/dashboard/funnel/",
    "staff dashboard page": "/loans/dashboard/",
}
WIDGETS: dict[str, Callable[[], Any]] = {
    "overview": dashboards.dashboard_overview,
    "by-region": dashboards.dashboard_by_region,
    "by-country": dashboards.dashboard_by_country,
    "verification-stats": dashboards.dashboard_verification_stats,
    "financial-metrics": dashboards.dashboard_financial_metrics,
    "timeline (30 days)": dashboards.dashboard_timeline,
    "funnel": dashboards.dashboard_funnel,
}


def p50_ms(call: Callable[[], Any], runs: int) -> float:
    call()  # warm-up: plan cache, buffers
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def count_all() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{TABLE}"')  # noqa: S608 - the model's table
        cursor.fetchone()


def officer_client() -> Client:
    """A test client logged in as a loan officer whose second factor passed."""
    from accounts.tests.auth import login_verified
    from loans.tests.factories import staff_member

    officer = staff_member(group="Loan officers", email="bench.officer@smartbank.test")
    return login_verified(Client(), officer)


def getter(client: Client, url: str) -> Callable[[], None]:
    def get() -> None:
        response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")

    return get


def rollup_rows() -> int:
    """Rows the widgets read: both roll-up tables (the timeline reads a window of the daily)."""
    return LoanStatusRollup.objects.count() + LoanDailyRollup.objects.count()


def measure(client: Client, runs: int) -> dict[str, float]:
    """p50 ms of every endpoint (``"api:<name>"``), widget (``"fn:<name>"``) and the count,
    and ``"roll-up rows"``: how many rows the widgets read (no unit)."""
    times = {"roll-up rows": float(rollup_rows()), "count(*)": p50_ms(count_all, runs)}
    for name, url in ENDPOINTS.items():
        times[f"api:{name}"] = p50_ms(getter(client, url), runs)
    for name, widget in WIDGETS.items():
        times[f"fn:{name}"] = p50_ms(widget, runs)
    return times


def _cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (the loader's workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def load(count: int, seed: int) -> tuple[float, float]:
    """``(wall seconds, Python CPU seconds)`` of loading ``count`` sample applications (the
    CPU of PostgreSQL's own processes is not in the second figure)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    call_command("generate_sample_data", count=count, seed=seed, stdout=io.StringIO())
    return time.perf_counter() - started, _cpu_seconds() - cpu


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'VACUUM ANALYZE "{TABLE}"')


def rows_for(
    small: dict[str, float], large: dict[str, float], n_small: int, n_large: int, load_s: float
) -> list[Row]:
    anchor = large["count(*)"]
    rows = []
    for name in ENDPOINTS:
        t_small, t_large = small[f"api:{name}"], large[f"api:{name}"]
        rows.append(
            Row(
                bench=BENCH,
                what=f"{name}, p50 at {n_large:,} rows (÷ SELECT count(*))",
                figure=f"{t_large:.1f} ms",
                anchor=f"{anchor:.1f} ms",
                ratio=t_large / anchor,
                target=f"≤ {TARGET_MS:.0f} ms",
                met=t_large <= TARGET_MS,
            )
        )
        rows.append(
            Row(
                bench=BENCH,
                what=f"{name}, p50 at {n_large:,} ÷ at {n_small:,} rows",
                figure=f"{t_large:.1f} ms",
                anchor=f"{t_small:.1f} ms",
                ratio=t_large / t_small,
                target=f"≤ {TARGET_SCALING}×",
                met=t_large / t_small <= TARGET_SCALING,
            )
        )
    rows.append(
        Row(
            bench=BENCH,
            what=f"roll-up rows the widgets read at {n_large:,} ÷ at {n_small:,} applications",
            figure=f"{large['roll-up rows']:.0f}",
            anchor=f"{small['roll-up rows']:.0f}",
            ratio=large["roll-up rows"] / max(small["roll-up rows"], 1),
            target="",
            met=None,
        )
    )
    per_million = load_s * 1_000_000 / max(n_large, 1)
    rows.append(
        Row(
            bench=BENCH,
            what=f"generate_sample_data, {n_large:,} rows + events + roll-ups",
            figure=f"{load_s:.0f} s",
            anchor="",
            ratio=None,
            target=f"< {TARGET_LOAD_S:.0f} s per 1M",
            met=per_million < TARGET_LOAD_S,
        )
    )
    return rows


#: Plain static file URLs: the page's template names static files, and the hashed manifest of
#: ``collectstatic`` is not needed to time it (as in the tests' settings).
PLAIN_STATIC = override_settings(
    STORAGES={
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reuse", action="store_true", help="run on a database with data")
    parser.add_argument("--json", metavar="PATH", help="also write the rows there as JSON")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL to an empty database for the benchmark.", file=sys.stderr)
        return 2
    if args.rows < 10:
        print("--rows must be at least 10.", file=sys.stderr)
        return 2

    PLAIN_STATIC.enable()
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
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    print(f"{version}; {os.cpu_count()} CPUs; p50 of {args.runs} runs each")

    small = args.rows // 10
    load_small, cpu_small = load(small, args.seed)
    vacuum_analyze()
    n_small = LoanApplication.objects.count()
    print(
        f"loaded {small:,} rows in {load_small:.1f} s ({cpu_small:.0f} CPU-s of Python);"
        f" table has {n_small:,}"
    )
    client = officer_client()
    at_small = measure(client, args.runs)

    load_large, cpu_large = load(args.rows - small, args.seed + 1)
    vacuum_analyze()
    n_large = LoanApplication.objects.count()
    print(
        f"loaded {args.rows - small:,} rows in {load_large:.1f} s ({cpu_large:.0f} CPU-s of"
        f" Python); table has {n_large:,}"
    )
    at_large = measure(client, args.runs)

    print()
    header = f"{'p50, ms':<34} {f'{n_small:,} rows':>12} {f'{n_large:,} rows':>14} {'ratio':>6}"
    print(header)
    print("-" * len(header))
    for key in at_small:
        print(
            f"{key:<34} {at_small[key]:>12.2f} {at_large[key]:>14.2f}"
            f" {at_large[key] / at_small[key]:>6.2f}"
        )
    print()
    print(
        "The two sizes are timed minutes apart: on a shared machine the ratios carry that"
        " noise; the roll-up rows read are the size-independent measure."
    )
    rows = rows_for(at_small, at_large, n_small, n_large, load_small + load_large)
    rows[-1].anchor = f"{cpu_small + cpu_large:.0f} CPU-s Python"
    emit(rows, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
