"""Database helpers the ORM lacks a fast form of.

:func:`rows_update` writes many rows' values of the same fields in one statement. Django's
``bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression per field and row; at 50
loan decisions of 20 fields that cost about 20 ms of Python per batch, two thirds of the
batch's time (issue 13, ``bench/results-notes.md``). On PostgreSQL this is one ``UPDATE ...
FROM (VALUES ...)``; elsewhere (SQLite, the embedded default) Django's ``bulk_update``.
"""

from collections.abc import Sequence

from django.db import connections, models, router


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
