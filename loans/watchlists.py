"""Import of watchlists (sanctions, politically exposed persons) in OpenSanctions'
``targets.simple.csv`` format (issue #4).

Columns used: ``id``, ``schema``, ``name``, ``aliases``, ``birth_date``, ``countries``,
``dataset`` (others, such as ``addresses`` or ``sanctions``, are ignored); multi-valued cells are
``;``-separated. Only people are screened, so rows whose ``schema`` is set and is not ``Person``
(companies, vessels, aircraft) are skipped. See https://www.opensanctions.org/docs/bulk/csv/.
"""

import csv
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.errors import ApplicationError, ConflictError

from .models import WatchlistEntry, WatchlistImport, WatchlistKind
from .screening import has_repeated_word, search_names

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("id", "name")
PERSON_SCHEMAS = {"", "Person"}
BATCH_SIZE = 2000


def _split(cell: str | None) -> list[str]:
    seen: dict[str, None] = {}
    for part in (cell or "").split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def _entries(
    rows: Iterable[dict[str, Any]], watchlist: WatchlistImport
) -> Iterator[WatchlistEntry]:
    for row in rows:
        name = (row.get("name") or "").strip()
        entity_id = (row.get("id") or "").strip()
        if not name or not entity_id or (row.get("schema") or "").strip() not in PERSON_SCHEMAS:
            continue
        aliases = [a for a in _split(row.get("aliases")) if a != name]
        yield WatchlistEntry(
            watchlist=watchlist,
            entity_id=entity_id[:200],
            schema=(row.get("schema") or "").strip()[:50],
            name=name[:500],
            aliases=aliases,
            birth_dates=_split(row.get("birth_date")),
            countries=[c.lower() for c in _split(row.get("countries"))],
            dataset=(row.get("dataset") or "").strip()[:500],
            search_names=(names := search_names(name=name[:500], aliases=aliases)),
            search_repeated=any(has_repeated_word(n) for n in names.split("\n")),
        )


@transaction.atomic
def watchlist_import(
    *,
    file: Iterable[str],
    name: str,
    kind: str,
    version: str,
    source: str = "",
    imported_by: Any = None,
) -> WatchlistImport:
    """Import a ``targets.simple.csv`` (``file``: text lines, e.g. a file opened with
    ``newline=""``) as version ``version`` of list ``name`` of ``kind`` (SANCTIONS or PEP,
    any case). The new import becomes the active one of that name and kind; older imports
    stay (inactive) so past decisions can be reproduced.

    Returns the import with ``row_count`` = people imported. Raises :class:`ApplicationError`
    for a bad kind, a blank name or version, or a file without the ``id`` and ``name``
    columns, and :class:`ConflictError` ``DUPLICATE_VERSION`` when this version was imported
    before.
    """
    kind = str(kind).upper()
    if kind not in WatchlistKind.values:
        raise ApplicationError("The kind is SANCTIONS or PEP.", code="invalid_choice", field="kind")
    name, version = name.strip(), version.strip()
    if not name:
        raise ApplicationError("Name the list.", code="required", field="name")
    if not version:
        raise ApplicationError("Give the list's version.", code="required", field="version")
    if WatchlistImport.objects.filter(name=name, kind=kind, version=version).exists():
        raise ConflictError(
            f"Version {version} of {name} was already imported.",
            code="DUPLICATE_VERSION",
            field="version",
        )
    reader = csv.DictReader(file)
    columns = set(reader.fieldnames or [])
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise ApplicationError(
            f"The file is not a targets.simple.csv: columns {', '.join(missing)} missing.",
            code="INVALID_FILE",
            field="file",
        )

    WatchlistImport.objects.select_for_update().filter(name=name, kind=kind, is_active=True).update(
        is_active=False, updated_at=timezone.now()
    )
    watchlist = WatchlistImport.objects.create(
        name=name,
        kind=kind,
        version=version,
        source=source.strip()[:300],
        imported_at=timezone.now(),
        imported_by=imported_by,
    )
    count = 0
    batch: list[WatchlistEntry] = []
    try:
        for entry in _entries(reader, watchlist):
            batch.append(entry)
            if len(batch) >= BATCH_SIZE:
                WatchlistEntry.objects.bulk_create(batch)
                count += len(batch)
                batch = []
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ApplicationError(
            f"The file could not be read as UTF-8 CSV ({type(exc).__name__}).",
            code="INVALID_FILE",
            field="file",
        ) from exc
    WatchlistEntry.objects.bulk_create(batch)
    count += len(batch)
    watchlist.row_count = count
    watchlist.save(update_fields=["row_count", "updated_at"])
    logger.info("watchlist %s %s %s imported: %d people", kind, name, version, count)
    return watchlist
