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

:class:`CompiledQuery` keeps the SQL of a query the ORM builds the same way on every call
(the API's user read, the submission's duplicate check) and binds each call's values: Django
compiles a queryset anew every time, 0.15-0.3 ms of Python for a join or five conditions.
"""

import copy
import hashlib
import uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections, models, router
from django.db.models.query import ModelIterable
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLCompiler


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


#: A value of each type a :class:`CompiledQuery` compiles with in place of the caller's, the
#: ``n``-th of a query. Each has what a value-dependent change on its way to the SQL would alter
#: (spaces and case for a strip or a lower; LIKE's ``%``, ``_`` and backslash for an escape;
#: more decimal places than a column keeps): one that arrives unchanged shows that the ORM
#: passes values of its type through as they are.
_SENTINELS: dict[type, Callable[[int], Any]] = {
    str: lambda n: f" Compiled%_\\Query'{n} ",
    uuid.UUID: lambda n: uuid.UUID(int=0xC0311ED0 << 96 | n),
    Decimal: lambda n: Decimal(f"-987654.123456789{n}"),
}


class _Compiled(NamedTuple):
    compiler: SQLCompiler  # as_sql() has run: its select, klass_info and col_count are set
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # where in params each value of a call goes


class _CompiledSelect:
    """Stands in for a ``Query`` in a ``QuerySet``: Django's ``ModelIterable`` asks it only
    for its compiler, and gets one whose SQL is already bound."""

    def __init__(self, compiler: SQLCompiler) -> None:
        self.compiler = compiler

    def get_compiler(self, using: str | None = None, **kwargs: Any) -> SQLCompiler:
        return self.compiler


class CompiledQuery:
    """A query of one shape whose SQL Django compiles once per database and value types;
    each call binds its own values.

    ``build(*values)`` returns the queryset for ``values`` (of ``model``, read from
    ``router.db_for_read(model)``). It must hand its values to the ORM as they are: no strip,
    no lower case, no ``.pk`` taken (pass keys). The first call with values of given types
    compiles ``build`` applied to sentinels of those types (:data:`_SENTINELS`: ``str``,
    ``uuid.UUID``, ``Decimal``); when each sentinel reaches the SQL's parameters unchanged,
    once, the SQL is kept and later calls only put their values in its slots. Otherwise (a
    value the ORM changes on its way, such as a LIKE pattern or SQLite's escaped ``iexact``;
    ``None``, which compiles to ``IS NULL``; a list, whose ``IN`` has its length; a type
    without a sentinel) every call compiles its own queryset, as the ORM would. Only on
    PostgreSQL: the other backends escape ``iexact`` values.

    :meth:`statement` gives the SQL and parameters (``exists=True``: of ``.exists()``);
    :meth:`objects` the instances, built by Django's own ``ModelIterable`` (``select_related``
    included; a queryset with ``prefetch_related``, ``values()`` or known related objects is
    compiled on every call). Raises what ``build`` or the database raises.
    """

    def __init__(
        self,
        model: type[models.Model],
        build: Callable[..., models.QuerySet],
        *,
        exists: bool = False,
    ) -> None:
        self.model = model
        self.build = build
        self.exists = exists
        self._kept: dict[tuple[str, tuple[type, ...]], _Compiled | None] = {}

    def _query(self, queryset: models.QuerySet) -> Any:
        return queryset.query.exists() if self.exists else queryset.query

    def _compile(self, alias: str, types: tuple[type, ...]) -> _Compiled | None:
        if connections[alias].vendor != "postgresql" or any(t not in _SENTINELS for t in types):
            return None
        sentinels = [_SENTINELS[t](n) for n, t in enumerate(types)]
        queryset = self.build(*sentinels)
        if not self.exists and (
            queryset._iterable_class is not ModelIterable
            or queryset._prefetch_related_lookups
            or queryset._known_related_objects
        ):
            return None
        compiler = self._query(queryset).get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = []
        for sentinel in sentinels:
            at = [i for i, p in enumerate(params) if p is sentinel]
            if len(at) != 1 or sum(p == sentinel for p in params) != 1:
                return None
            slots.append(at[0])
        return _Compiled(compiler, sql, tuple(params), tuple(slots))

    def _bound(self, values: Sequence[Any]) -> tuple[str, _Compiled | None, list[Any]]:
        alias = router.db_for_read(self.model)
        key = (alias, tuple(type(v) for v in values))
        if key not in self._kept:
            self._kept[key] = self._compile(alias, key[1])
        kept = self._kept[key]
        if kept is None:
            return alias, None, []
        params = list(kept.params)
        for slot, value in zip(kept.slots, values, strict=True):
            params[slot] = value
        return alias, kept, params

    def statement(self, *values: Any) -> tuple[str, Statement]:
        """``(alias, Statement)``: the query's SQL for ``values`` and the database to run it
        on."""
        alias, kept, params = self._bound(values)
        if kept is None:
            sql, params = self._query(self.build(*values)).get_compiler(using=alias).as_sql()
            return alias, Statement(sql, params)
        return alias, Statement(kept.sql, params)

    def objects(self, *values: Any) -> list[models.Model]:
        """The query's instances for ``values`` (not with ``exists=True``)."""
        alias, kept, params = self._bound(values)
        if kept is None:
            return list(self.build(*values))
        compiler = copy.copy(kept.compiler)
        compiler.connection = connections[alias]  # this thread's connection
        compiler.as_sql = lambda *args, **kwargs: (kept.sql, params)
        return list(models.QuerySet(self.model, query=_CompiledSelect(compiler), using=alias))


def advisory_lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key (signed 64-bit) for ``name``: the first 8 bytes of its
    SHA-256."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def exists_after_lock(name: str, statement: Statement, *, using: str) -> bool:
    """Take the transaction-scoped advisory lock ``name`` (``pg_advisory_xact_lock``: held
    until the transaction ends, so writers of the same ``name`` run one at a time), then say
    whether the query ``statement`` (a ``SELECT``, such as :meth:`CompiledQuery.statement`'s
    with ``exists=True``) on ``using`` returns a row, reading what committed while this one
    waited for the lock.

    On PostgreSQL one round trip: the two statements of one query string each take their own
    snapshot under READ COMMITTED, the ``SELECT`` after the lock is granted. Elsewhere (SQLite,
    which serialises every writer anyway) no lock, the query alone. Call it inside a
    transaction.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(statement.sql, statement.params)
        else:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock(%s);\n{statement.sql}",
                [advisory_lock_key(name), *statement.params],
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
