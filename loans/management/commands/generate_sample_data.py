"""``manage.py generate_sample_data --count N [--seed S] [--days D]``: demo loan applications.

Integrator-style applications (no registered customer) spread over seed 001's regions, countries
of those regions and the last ``--days`` days (default 180, more in recent weeks, office hours in
the bank's time zone), drawn by :class:`loans.management.sample_data.SampleGenerator`: the stage
statuses and remarks follow from the real rules of :mod:`loans.rules`, so the data is what the
pipeline would have decided. A few applicants are drawn as watchlist or senior-relative matches
so compliance referrals and rejections show up too.

Rows go in with ``bulk_create`` in batches of 1,000, drawn and inserted by two processes side by
side, each application with the audit events the pipeline writes
(:func:`~loans.management.sample_data.sample_events`: SUBMITTED, PROCESSING_STARTED,
AUTO_DECIDED, one per status change, each move checked against the transition maps) in the same
transaction; no notifications. The same ``--seed`` on the same day gives the same rows; a second
run with the same seed skips the applications that already exist, and their events. Inside a
transaction (tests) everything runs in this process on its connection.
"""

import math
import random
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, transaction

from loans.events import loan_application_events_bulk_record
from loans.management.sample_data import REGION_COUNTRIES, SampleGenerator, sample_events
from loans.models import LoanApplication, LoanApplicationEvent
from loans.selectors import loan_product_list_active

__all__ = ["REGION_COUNTRIES", "Command"]


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let ``bulk_create`` store the generated ``created_at`` / ``updated_at`` of applications
    and events: Django would overwrite ``auto_now_add`` / ``auto_now`` fields with the current
    time on insert."""
    created = LoanApplication._meta.get_field("created_at")
    updated = LoanApplication._meta.get_field("updated_at")
    event_created = LoanApplicationEvent._meta.get_field("created_at")
    saved = created.auto_now_add, updated.auto_now, event_created.auto_now_add
    created.auto_now_add = updated.auto_now = event_created.auto_now_add = False
    try:
        yield
    finally:
        created.auto_now_add, updated.auto_now, event_created.auto_now_add = saved


#: Rows per batch; each batch draws from its own generator seeded with ``"{seed}:{index}"``, so
#: the rows depend only on the seed, whichever process makes them and in whatever order.
BATCH_SIZE = 1000
#: Processes that draw and insert batches side by side outside a transaction.
WORKERS = 2
_worker_state: dict[str, Any] = {}


def _batch(generator: SampleGenerator, *, seed: int, index: int, count: int) -> list:
    generator.rng = random.Random(f"{seed}:{index}")  # noqa: S311 - demo data, repeatable
    start = index * BATCH_SIZE
    return [generator.make(n) for n in range(start, min(start + BATCH_SIZE, count))]


@transaction.atomic
def _insert(batch: list[LoanApplication]) -> None:
    """Insert the applications of ``batch`` that do not exist yet, and their events."""
    ids = [a.id for a in batch]
    existing = set(LoanApplication.objects.filter(id__in=ids).values_list("id", flat=True))
    fresh = [a for a in batch if a.id not in existing]
    LoanApplication.objects.bulk_create(fresh, ignore_conflicts=True)
    inserted = set(
        LoanApplication.objects.filter(id__in=[a.id for a in fresh]).values_list("id", flat=True)
    )
    loan_application_events_bulk_record(
        [event for a in fresh if a.id in inserted for event in sample_events(a)]
    )


def _worker_batch(index: int) -> None:
    """One batch in a worker process (forked with the generator and the timestamp switch);
    the process's own connection is closed after each batch, as a worker never says when it
    exits."""
    state = _worker_state
    try:
        _insert(_batch(state["generator"], seed=state["seed"], index=index, count=state["count"]))
    finally:
        connections.close_all()


def _insert_in_workers(generator: SampleGenerator, *, seed: int, count: int) -> None:
    """Draw and insert the batches in :data:`WORKERS` forked processes: on two cores the
    drawing, Django's preparation of the INSERTs and PostgreSQL's work on them overlap."""
    _worker_state.update(generator=generator, seed=seed, count=count)
    connections.close_all()  # a forked process must not share the parent's connection
    try:
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("fork")) as pool:
            list(pool.map(_worker_batch, range(math.ceil(count / BATCH_SIZE))))
    finally:
        _worker_state.clear()


class Command(BaseCommand):
    help = "Create N realistic demo loan applications (regions, countries, last 180 days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="applications to create")
        parser.add_argument("--seed", type=int, default=None, help="random seed (repeatable)")
        parser.add_argument("--days", type=int, default=180, help="spread over the last D days")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when loan applications exist (make run's demo data)",
        )

    def handle(self, *args: object, **options: Any) -> None:
        count, days = options["count"], options["days"]
        if options["if_empty"] and LoanApplication.objects.exists():
            self.stdout.write("Loan applications exist; no sample data added.")
            return
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not 1 <= days <= 3650:
            raise CommandError("--days must be 1 to 3650.")
        products = list(loan_product_list_active())
        if not products:
            raise CommandError("No active loan product: run `manage.py migrate` first.")
        seed = (
            options["seed"]
            if options["seed"] is not None
            else random.SystemRandom().getrandbits(32)
        )
        generator = SampleGenerator(days=days, products=products)

        started = time.monotonic()
        before = LoanApplication.objects.count()
        with _explicit_timestamps():
            if connection.in_atomic_block:
                # Inside the caller's transaction (a test): everything on this connection.
                for index in range(math.ceil(count / BATCH_SIZE)):
                    _insert(_batch(generator, seed=seed, index=index, count=count))
            else:
                _insert_in_workers(generator, seed=seed, count=count)
        created = LoanApplication.objects.count() - before
        elapsed = time.monotonic() - started
        skipped = f" ({count - created} already existed)" if created != count else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} sample loan applications{skipped} over the last {days} days"
                f" in {elapsed:.1f} s (seed {seed})."
            )
        )
