"""``manage.py generate_sample_data --count N [--seed S] [--days D]``: demo loan applications.

Integrator-style applications (no registered customer) spread over seed 001's regions, countries
of those regions and the last ``--days`` days (default 180, more in recent weeks, office hours in
the bank's time zone), drawn by :class:`loans.management.sample_data.SampleGenerator`: the stage
statuses and remarks follow from the real rules of :mod:`loans.rules`, so the data is what the
pipeline would have decided. A few applicants are drawn as watchlist or senior-relative matches
so compliance referrals and rejections show up too.

Rows are drawn in batches of 1,000 and go in 10 batches a transaction, each application with
the audit events the pipeline writes (:func:`~loans.management.sample_data.sample_event_rows`:
SUBMITTED, PROCESSING_STARTED, AUTO_DECIDED, one per status change, each move checked against
the transition maps); no notifications. On PostgreSQL they are streamed with ``COPY ... FROM
STDIN`` (psycopg2's ``copy_expert``), elsewhere inserted with ``bulk_create``; two processes
draw and insert side by side (1,000,000 applications and their 3,000,000 events in under 3
minutes on 2 cores, ``bench/dashboards.py``). The dashboards' roll-ups are rebuilt at the end
(:func:`loans.services.rollups.rollups_rebuild`): bulk inserts bypass their upkeep.

The same ``--seed`` on the same day gives the same rows; a second run with the same seed skips
the applications that already exist, and their events. Inside a transaction (tests) everything
runs in this process on its connection.
"""

import io
import json
import math
import random
import re
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, connections, models, transaction

from loans.events import loan_application_events_bulk_record
from loans.management.sample_data import REGION_COUNTRIES, SampleGenerator, sample_event_rows
from loans.models import LoanApplication, LoanApplicationEvent, LoanProduct
from loans.selectors import loan_product_list_active
from loans.services.rollups import rollups_rebuild

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
#: Batches drawn and inserted in one transaction (one COPY per table).
BATCHES_PER_CHUNK = 10
#: Processes that draw and insert batches side by side outside a transaction.
WORKERS = 2
_worker_state: dict[str, Any] = {}
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _batch(generator: SampleGenerator, *, seed: int, index: int, count: int) -> list[dict]:
    generator.rng = random.Random(f"{seed}:{index}")  # noqa: S311 - demo data, repeatable
    start = index * BATCH_SIZE
    return [generator.make_row(n) for n in range(start, min(start + BATCH_SIZE, count))]


NULL = "\\N"


_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search


def _text(value: Any) -> str:
    if value is None:
        return NULL
    value = str(value)
    return value.translate(_ESCAPES) if _NEEDS_ESCAPE(value) else value


def _formatter(field: models.Field) -> Callable[[Any], str]:
    """The function writing ``field``'s values in PostgreSQL's COPY text format."""
    if isinstance(field, models.JSONField):
        return lambda value: _text(json.dumps(value))
    if isinstance(field, models.BooleanField):
        return lambda value: NULL if value is None else ("t" if value else "f")
    if isinstance(field, models.CharField | models.TextField):
        return _text
    if isinstance(field, models.DateTimeField):
        return lambda value: NULL if value is None else value.isoformat()
    return lambda value: NULL if value is None else str(value)


class _CopyTable:
    """``COPY table (columns) FROM STDIN`` of rows given as ``{attname: value}``, all with the
    keys of the first; fields they leave out take their model default (the auto primary key
    is left to the table)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.fields = [
            f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)
        ]
        self.sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in self.fields),
        )

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        given = rows[0].keys()
        # (attname, formatter) per column, or (None, the default's text) for a column left out
        spec = [
            (f.attname, _formatter(f))
            if f.attname in given
            else (None, _formatter(f)(f.get_default()))
            for f in self.fields
        ]
        lines = io.StringIO()
        for row in rows:
            lines.write(
                "\t".join([fmt(row[name]) if name else fmt for name, fmt in spec])  # type: ignore[operator]
            )
            lines.write("\n")
        lines.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(self.sql, lines)


def _existing_ids(ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of ``ids`` are applications already. On PostgreSQL one array parameter
    (``= ANY``): Django's ``id__in`` of 10,000 values cost 0.3 s of Python per chunk."""
    if connection.vendor != "postgresql":
        return set(LoanApplication.objects.filter(id__in=ids).values_list("id", flat=True))
    table = connection.ops.quote_name(LoanApplication._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {table} WHERE id = ANY(%s::uuid[])",  # noqa: S608 - our own table
            [[str(i) for i in ids]],
        )
        return {uuid.UUID(str(row[0])) for row in cursor.fetchall()}


@transaction.atomic
def _insert(rows: list[dict[str, Any]], products: dict[Any, LoanProduct]) -> None:
    """Insert the applications of ``rows`` that do not exist yet, and their events."""
    existing = _existing_ids([r["id"] for r in rows])
    fresh = [r for r in rows if r["id"] not in existing]
    events = [
        {
            "application_id": r["id"],
            "type": type_,
            "created_at": created_at,
            "data": data,
            "actor_id": None,
        }
        for r in fresh
        for type_, created_at, data in sample_event_rows(
            r, product_code=products[r["product_id"]].code
        )
    ]
    if connection.vendor == "postgresql":
        _CopyTable(LoanApplication).write(fresh)
        _CopyTable(LoanApplicationEvent).write(events)
        return
    LoanApplication.objects.bulk_create(
        [LoanApplication(**r) for r in fresh], batch_size=1000, ignore_conflicts=True
    )
    inserted = set(
        LoanApplication.objects.filter(id__in=[r["id"] for r in fresh]).values_list("id", flat=True)
    )
    loan_application_events_bulk_record(
        [LoanApplicationEvent(**e) for e in events if e["application_id"] in inserted]
    )


def _chunk(generator: SampleGenerator, *, seed: int, chunk: int, count: int) -> None:
    first = chunk * BATCHES_PER_CHUNK
    last = min(first + BATCHES_PER_CHUNK, math.ceil(count / BATCH_SIZE))
    rows = [
        row
        for index in range(first, last)
        for row in _batch(generator, seed=seed, index=index, count=count)
    ]
    _insert(rows, generator.products_by_pk)


def _worker_chunk(chunk: int) -> None:
    """One chunk in a worker process (forked with the generator and the timestamp switch);
    the process's own connection is closed after each chunk, as a worker never says when it
    exits."""
    state = _worker_state
    try:
        _chunk(state["generator"], seed=state["seed"], chunk=chunk, count=state["count"])
    finally:
        connections.close_all()


def _chunks(count: int) -> range:
    return range(math.ceil(math.ceil(count / BATCH_SIZE) / BATCHES_PER_CHUNK))


def _insert_in_workers(generator: SampleGenerator, *, seed: int, count: int) -> None:
    """Draw and insert the chunks in :data:`WORKERS` forked processes: on two cores the
    drawing and PostgreSQL's work on the rows overlap."""
    _worker_state.update(generator=generator, seed=seed, count=count)
    connections.close_all()  # a forked process must not share the parent's connection
    try:
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=get_context("fork")) as pool:
            list(pool.map(_worker_chunk, _chunks(count)))
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
                for chunk in _chunks(count):
                    _chunk(generator, seed=seed, chunk=chunk, count=count)
            else:
                _insert_in_workers(generator, seed=seed, count=count)
        created = LoanApplication.objects.count() - before
        rollups_rebuild()  # bulk inserts bypass the roll-ups' incremental maintenance
        elapsed = time.monotonic() - started
        skipped = f" ({count - created} already existed)" if created != count else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {created} sample loan applications{skipped} over the last {days} days"
                f" in {elapsed:.1f} s (seed {seed})."
            )
        )
