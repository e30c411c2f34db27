"""Database helpers the ORM lacks a fast form of.

:func:`rows_update` writes many rows' values of the same fields in one statement. Django's
``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per field and row; at 50
loan decisions of 20 fields that cost about 20 ms of Python per batch, two thirds of the
batch's time (issue 13, ``bench/results-notes.md``). On PostgreSQL this is one ``UPDATE ...
FROM (VALUES ...)``; elsewhere (SQLite, the embedded default) Django's ``bulk_update``.

:func:`insert_statement` and :func:`statements_run` write what one service creates (a loan
application, its audit event, its roll-up counts, its outbox message) in one round trip on
PostgreSQL instead of one per row; :func:`exists_after_lock` takes an advisory lock and asks a
question in one. Each round trip on the submission path cost the web process and PostgreSQL
a context switch and a statement's overhead (issue 13, target 6).
"""

import hashlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.db import connections, models, router
from django.db.models.sql import InsertQuery


class Statement(NamedTuple):
    """One SQL statement with ``%s`` placeholders and its parameters, prepared for the
    database (``get_db_prep_save`` applied)."""

    sql: str
    params: Sequence[Any]


#: ``{(model, alias, with the primary key): (INSERT sql, fields)}``: the SQL of a model's
#: insert is the same for every row of plain values, so the compiler runs once per shape.
_INSERTS: dict[tuple[type[models.Model], str, bool], tuple[str, list[models.Field]]] = {}


def insert_statement(obj: models.Model) -> Statement:
    """The ``INSERT`` that ``obj.save()`` would send for the unsaved ``obj``, without running
    it (see :func:`statements_run`).

    As ``save()``: ``auto_now``/``auto_now_add`` fields are stamped on ``obj`` now, values go
    through each field's ``get_db_prep_save`` (JSON, decimals, encrypted fields), an
    ``AutoField`` primary key that is ``None`` is left to the database (and stays ``None`` on
    ``obj``: nothing is read back). No signals are sent and ``save()`` overrides are not
    called: use it for models whose ``save()`` adds nothing to an insert. The SQL is compiled
    by Django's own insert compiler the first time (and whenever a value is an expression);
    later rows of plain values only prepare their parameters (~0.1 ms less per row). Raises
    ``ValueError`` for a proxy or a multi-table child, whose row is not one INSERT.
    """
    model, meta = type(obj), obj._meta
    if meta.proxy or meta.parents:
        raise ValueError(f"{meta.label}: a proxy or multi-table child is not one INSERT")
    alias = router.db_for_write(model)
    with_pk = not (obj.pk is None and meta.auto_field is not None)
    shape = (model, alias, with_pk)
    kept = _INSERTS.get(shape)
    if kept is not None:
        sql, fields = kept
        values = [field.pre_save(obj, add=True) for field in fields]
        if not any(hasattr(value, "resolve_expression") for value in values):
            connection = connections[alias]
            params = [
                f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)
            ]
            return Statement(sql, params)
    fields = [f for f in meta.local_concrete_fields if not f.generated]
    if not with_pk:
        fields = [f for f in fields if f is not meta.auto_field]
    query = InsertQuery(model)
    query.insert_values(fields, [obj])
    ((sql, params),) = query.get_compiler(using=alias).as_sql()
    plain = len(params) == len(fields) and sql.count("%s") == len(fields)
    if kept is None and plain and not any(hasattr(v, "resolve_expression") for v in params):
        _INSERTS[shape] = (sql, fields)
    return Statement(sql, params)


def statements_run(
    statements: Sequence[Statement], *, saved: Sequence[models.Model] = (), using: str = "default"
) -> None:
    """Run ``statements`` in order in the current transaction, then mark the instances in
    ``saved`` (those :func:`insert_statement` built them for) as saved.

    On PostgreSQL they go in one round trip: psycopg2 binds the parameters on the client and
    sends the statements joined by ``;``; the first that fails raises (``IntegrityError`` for
    a unique key) and nothing after it runs. Elsewhere (SQLite, whose driver runs one statement
    per call) one call each. Raises what the database raises.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            cursor.execute(
                ";\n".join(s.sql for s in statements), [p for s in statements for p in s.params]
            )
        else:
            for statement in statements:
                cursor.execute(statement.sql, statement.params)
    for obj in saved:
        obj._state.adding = False
        obj._state.db = using


def advisory_lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key (signed 64-bit) for ``name``: the first 8 bytes of its
    SHA-256."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def exists_after_lock(name: str, queryset: models.QuerySet) -> bool:
    """Take the transaction-scoped advisory lock ``name`` (``pg_advisory_xact_lock``: held
    until the transaction ends, so writers of the same ``name`` run one at a time), then say
    whether ``queryset`` has a row, reading what committed while this one waited for the lock.

    On PostgreSQL one round trip: the two statements of one query string each take their own
    snapshot under READ COMMITTED, the ``SELECT`` after the lock is granted. Elsewhere (SQLite,
    which serialises every writer anyway) no lock and ``queryset.exists()``. Call it inside a
    transaction.
    """
    alias = queryset.db
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return queryset.exists()
    sql, params = queryset.query.exists().get_compiler(using=alias).as_sql()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pg_advisory_xact_lock(%s);\n{sql}", [advisory_lock_key(name), *params]
        )
        return cursor.fetchone() is not None


def rows_update(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write ``fields`` (model field names) of every instance in ``objs`` (one model, each
    with a primary key) to its row in one statement; returns the rows updated.

    The values go through each field's ``get_db_prep_save`` (JSON, decimals, encrypted
    fields) as ``save()`` would send them, as parameters with an explicit cast to the
    column's type. ``auto_now`` fields are written as they stand on the instances (call their
    ``pre_save`` first to stamp them). Nothing is run for an empty ``objs``.
    """
    if not objs:
        return 0
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return model._base_manager.using(alias).bulk_update(objs, fields)
    quote = connection.ops.quote_name
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    pk = meta.pk
    columns = [pk, *targets]
    casts = [f"CAST(%s AS {field.cast_db_type(connection)})" for field in columns]
    row = "(" + ", ".join(casts) + ")"
    params: list = []
    for obj in objs:
        params.append(pk.get_db_prep_save(obj.pk, connection))
        params += [
            field.get_db_prep_save(getattr(obj, field.attname), connection) for field in targets
        ]
    table = quote(meta.db_table)
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in targets)
    # Identifiers come from the model's own fields (quoted); values go as parameters.
    sql = (
        f"UPDATE {table} SET {assignments} FROM (VALUES {', '.join([row] * len(objs))}) "  # noqa: S608
        f"AS v ({names}) WHERE {table}.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
