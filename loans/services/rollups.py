"""The dashboards' roll-ups (:mod:`loans.models.rollups`) kept in step with the applications.

- :func:`rollup_application_added`: the statements adding a new application's contribution,
  which the submission service runs in its transaction with the application's insert.
- :func:`rollup_application_moved`: registered with
  :func:`smartbank.transitions.transition_hook`, so every status move of an application (the
  stages' results, staff decisions, reprocessing) moves its contribution from the old group to
  the new one inside the move's transaction.
- :func:`rollups_rebuild`: recompute everything from the applications (``manage.py
  rollups_rebuild``: after ``bulk_create`` / COPY loads, which bypass both, and as a repair);
  :func:`rollups_differences` says what an incremental roll-up disagrees on.

Each change is one ``INSERT ... ON CONFLICT (key, shard) DO UPDATE SET n = n + EXCLUDED.n``
per table (PostgreSQL and SQLite ≥ 3.24 both have it): safe under concurrency, as the
conflicting row is locked and added to, never read-modify-written by Python. Rows of one
statement go in key order, so two moves of opposite direction cannot deadlock on each other.
"""

import zoneinfo
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from smartbank.db import Statement, statements_run
from smartbank.transitions import transition_hook

from ..models import ROLLUP_SHARDS, LoanApplication, LoanDailyRollup, LoanStatusRollup

__all__ = [
    "ROLLUP_FIELDS",
    "bank_zone",
    "rollup_application_added",
    "rollup_application_moved",
    "rollups_differences",
    "rollups_rebuild",
]

#: The application fields the roll-ups depend on (the hook compares them before and after).
ROLLUP_FIELDS = (
    *LoanStatusRollup.KEY,
    "credit_score",
    "dti_ratio",
    "loan_amount",
    "income",
    "created_at",
)

Key = tuple[Any, ...]


def bank_zone() -> zoneinfo.ZoneInfo:
    """The bank's time zone (``settings.TIME_ZONE``), whose dates the daily roll-up keeps."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _status_part(values: Mapping[str, Any]) -> tuple[Key, tuple[Any, ...]]:
    dti = values["dti_ratio"]
    measures = (
        1,
        values["credit_score"],
        dti if dti is not None else Decimal(0),
        0 if dti is None else 1,
        values["loan_amount"],
        values["income"],
    )
    return tuple(values[name] for name in LoanStatusRollup.KEY), measures


def _daily_part(values: Mapping[str, Any]) -> tuple[Key, tuple[Any, ...]]:
    day = timezone.localtime(values["created_at"], bank_zone()).date()
    return (day, values["final_status"]), (1,)


def _deltas(
    part: Any, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[Key, list[Any]]:
    """``{key: [measure deltas]}`` of moving an application from ``before`` to ``after``
    (``None``: not counted), without the groups whose deltas cancel out."""
    deltas: dict[Key, list[Any]] = defaultdict(list)
    for values, sign in ((before, -1), (after, 1)):
        if values is None:
            continue
        key, measures = part(values)
        total = deltas[key] or [0] * len(measures)
        deltas[key] = [t + sign * m for t, m in zip(total, measures, strict=True)]
    return {key: d for key, d in deltas.items() if any(d)}


def _upsert(model: type[models.Model], shard: int, deltas: dict[Key, list[Any]]) -> Statement:
    """The statement adding ``deltas`` (non-empty) to ``model``'s rows of ``shard`` (rows
    created at 0)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    key = [*model.KEY, "shard"]
    columns = [*key, *model.MEASURES]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    adds = ", ".join(
        f"{quote(m)} = {table}.{quote(m)} + EXCLUDED.{quote(m)}" for m in model.MEASURES
    )
    # Identifiers come from the model's own field names (quoted), values go as parameters.
    names, conflict = ", ".join(quote(c) for c in columns), ", ".join(quote(c) for c in key)
    values = ", ".join([row] * len(deltas))
    sql = f"INSERT INTO {table} ({names}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET {adds}"  # noqa: E501, S608
    params: list[Any] = []
    for group in sorted(deltas):
        params += [*group, shard, *deltas[group]]
    return Statement(sql, params)


def _statements(
    shard: int, changes: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]]
) -> list[Statement]:
    """The statements adding the deltas of every ``(before, after)`` in ``changes`` to
    ``shard``: one per table whose groups change (the shard is only where the sum is spread;
    readers add the shards up)."""
    statements = []
    for model, part in ((LoanStatusRollup, _status_part), (LoanDailyRollup, _daily_part)):
        total: dict[Key, list[Any]] = {}
        for before, after in changes:
            for key, delta in _deltas(part, before, after).items():
                old = total.get(key)
                total[key] = (
                    delta if old is None else [x + y for x, y in zip(old, delta, strict=True)]
                )
        deltas = {key: d for key, d in total.items() if any(d)}
        if deltas:
            statements.append(_upsert(model, shard, deltas))
    return statements


def rollup_application_added(application: LoanApplication) -> list[Statement]:
    """The statements counting the new ``application`` in the roll-ups, to run in the
    transaction that inserts it (:func:`smartbank.db.statements_run`, after its insert)."""
    after = {name: getattr(application, name) for name in ROLLUP_FIELDS}
    return _statements(application.pk.int % ROLLUP_SHARDS, [(None, after)])


@transition_hook(LoanApplication, fields=ROLLUP_FIELDS, bulk=True)
def rollup_application_moved(
    moved: list[tuple[LoanApplication, Mapping[str, Any], Mapping[str, Any]]],
) -> None:
    """Move each application's contribution from its ``before`` groups to its ``after`` ones
    for every ``(application, before, after)`` of one step (one for a single move, a batch's
    for :func:`smartbank.transitions.transition_bulk`): one statement per roll-up table, none
    when the moves changed none of :data:`ROLLUP_FIELDS` (checks starting). The step's first
    application picks the shard."""
    if moved:
        shard = moved[0][0].pk.int % ROLLUP_SHARDS
        statements_run(_statements(shard, [(b, a) for _, b, a in moved]))


def _recomputed() -> tuple[dict[Key, tuple[Any, ...]], dict[Key, tuple[Any, ...]]]:
    """``(status groups, daily groups)`` computed from the applications: ``{key: measures}``."""
    applications = LoanApplication._base_manager.order_by()
    status_rows = applications.values(*LoanStatusRollup.KEY).annotate(
        n=Count("*"),
        credit_score_sum=Sum("credit_score"),
        dti_ratio_sum=Sum("dti_ratio", default=Decimal(0)),
        dti_ratio_n=Count("dti_ratio"),
        loan_amount_sum=Sum("loan_amount"),
        income_sum=Sum("income"),
    )
    daily_rows = (
        applications.annotate(day=TruncDate("created_at", tzinfo=bank_zone()))
        .values("day", "final_status")
        .annotate(n=Count("*"))
    )
    return (
        {
            tuple(r[k] for k in LoanStatusRollup.KEY): tuple(
                r[m] for m in LoanStatusRollup.MEASURES
            )
            for r in status_rows
        },
        {(r["day"], r["final_status"]): (r["n"],) for r in daily_rows},
    )


def _stored(model: type[models.Model]) -> dict[Key, tuple[Any, ...]]:
    """``{key: measures}`` summed over the shards, groups with ``n`` 0 left out."""
    rows = (
        model.objects.order_by()
        .values(*model.KEY)
        .annotate(**{m: Sum(m) for m in model.MEASURES})
        .filter(n__gt=0)
    )
    return {
        tuple(r[k] for k in model.KEY): tuple(
            int(r[m]) if isinstance(model._meta.get_field(m), models.IntegerField) else r[m]
            for m in model.MEASURES
        )
        for r in rows
    }


@transaction.atomic
def rollups_rebuild() -> dict[str, int]:
    """Recompute both roll-ups from the applications (shard 0 only) and return ``{"status":
    groups, "daily": groups}``.

    On PostgreSQL the applications table is locked in SHARE mode meanwhile: submissions and
    moves wait (about a second at 1,000,000 applications) instead of being lost or counted
    twice. On SQLite the write transaction serialises them anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{LoanApplication._meta.db_table}" IN SHARE MODE')
    status, daily = _recomputed()
    LoanStatusRollup.objects.all().delete()
    LoanDailyRollup.objects.all().delete()
    LoanStatusRollup.objects.bulk_create(
        (
            LoanStatusRollup(
                **dict(zip(LoanStatusRollup.KEY, key, strict=True)),
                **dict(zip(LoanStatusRollup.MEASURES, measures, strict=True)),
            )
            for key, measures in status.items()
        ),
        batch_size=1000,
    )
    LoanDailyRollup.objects.bulk_create(
        (LoanDailyRollup(day=day, final_status=final, n=n) for (day, final), (n,) in daily.items()),
        batch_size=1000,
    )
    return {"status": len(status), "daily": len(daily)}


def rollups_differences() -> list[str]:
    """What the stored roll-ups disagree with the applications on, one line per group
    (``[]`` when they agree): ``"daily (2026-11-20, 'APPROVED'): stored (3,), actual (4,)"``."""
    status, daily = _recomputed()
    lines = []
    for name, model, actual in (
        ("status", LoanStatusRollup, status),
        ("daily", LoanDailyRollup, daily),
    ):
        stored = _stored(model)
        for key in sorted(set(stored) | set(actual), key=repr):
            if stored.get(key) != actual.get(key):
                lines.append(f"{name} {key}: stored {stored.get(key)}, actual {actual.get(key)}")
    return lines
