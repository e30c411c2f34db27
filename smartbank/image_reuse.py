"""Finding stored document images near a new one (issue 11, "reuse caught however the file is
re-saved"), over any model with :class:`~smartbank.models.PerceptualHashed` fields.

The apps' selectors scope the queryset (other customers' ID documents, other waivers with the
prior claim) and their pipelines decide what a match means; this module only finds: the band
look-up of :mod:`smartbank.engines.image_hash` in SQL (four indexed ``IN`` filters), then the
exact 256-bit distance of each candidate in Python. Reads only.
"""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet

from .engines.image_hash import ImageHash, band_probes, hamming

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class NearDuplicate(Generic[M]):
    """A stored record whose image is within the threshold: the record and the distance (bits
    of the 256-bit hash that differ, 0 = the same image as far as the hash sees)."""

    record: M
    distance: int


def phash_fields(hashed: ImageHash) -> dict[str, Any]:
    """``{field: value}`` of :class:`~smartbank.models.PerceptualHashed` for ``hashed``, for a
    service to assign or pass to ``QuerySet.update``."""
    return {
        "phash": hashed.fine,
        **{f"phash_band_{k}": value for k, value in enumerate(hashed.bands)},
    }


def stored_image_hash(record: Model) -> ImageHash | None:
    """The hash stored on ``record`` (a :class:`~smartbank.models.PerceptualHashed`), or
    ``None`` before the pipeline stored one."""
    values = tuple(getattr(record, f"phash_band_{k}") for k in range(4))
    if not record.phash or any(value is None for value in values):
        return None
    first, second, third, fourth = values
    return ImageHash(fine=record.phash, bands=(first, second, third, fourth))


def near_duplicates(
    queryset: QuerySet[M], hashed: ImageHash, *, max_distance: int
) -> list[NearDuplicate[M]]:
    """The records of ``queryset`` whose stored image is at most ``max_distance`` bits (of 256)
    from ``hashed``, nearest first (ties in the queryset's order).

    Candidates share a band with ``hashed`` up to one bit (every hash within 7 bits of the
    64-bit lookup hash is among them); records without a hash are never candidates. One query.
    """
    probes = band_probes(hashed.bands)
    shares_a_band = Q()
    for k, values in enumerate(probes):
        shares_a_band |= Q(**{f"phash_band_{k}__in": values})
    found = []
    for record in queryset.filter(shares_a_band).exclude(phash=""):
        distance = hamming(record.phash, hashed.fine)
        if distance <= max_distance:
            found.append(NearDuplicate(record=record, distance=distance))
    found.sort(key=lambda near: near.distance)
    return found
