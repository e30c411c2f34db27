"""Perceptual hashes of document images, to find a document again however it was re-saved
(issue 11, "reuse caught however the file is re-saved"). Engine: no ORM, no Django settings.

A SHA-256 of the bytes changes with every re-encoding: the same certificate saved again as JPEG,
resized or converted from PNG has new bytes. A perceptual hash (pHash: the signs of the lowest
frequencies of the discrete cosine transform of a small grayscale copy, the ``imagehash``
package) stays nearly the same, and two hashes are compared by their Hamming distance (bits
that differ).

Two pHashes of each image, each with its own job:

- ``fine``: 256 bits (``hash_size=16``, from a 64×64 copy), 64 hex characters. It decides.
  Re-saved copies of a rendered Aadhaar card, PAN card or certificate (JPEG quality 30 to 85,
  PNG→JPEG, resized 50 % to 120 %, grayscale) stay within 6 bits; cards of different customers
  on the same template are 26 bits apart or more (56 or more with photographs of different
  people; 26 was a PAN card whose photo is the other's mirror image).
  :data:`DEFAULT_MAX_DISTANCE` (12) sits between, 2× from each. ``bench/document_hashes.py``
  prints the table.
- ``coarse``: 64 bits (``hash_size=8``, from a 32×32 copy), the lookup key. Its four 16-bit
  :func:`bands` are stored as indexed integer columns. Distances between unrelated documents
  of one template are too small at 64 bits to decide anything (4 bits apart for two different
  customers' Aadhaar cards), but the re-saved copies stay within 2 bits, so a band lookup finds
  them cheaply.

Why bands: a Hamming distance is awkward in SQL (no portable ``bit_count`` across PostgreSQL
and SQLite, and no index serves it), and comparing a new document with every stored one in
Python grows with the bank. Multi-index hashing (Norouzi, Punjani, Fleet, "Fast search in
Hamming space with multi-index hashing", CVPR 2012): split the 64-bit hash into 4 bands of 16
bits; two hashes at most ``4·r + 3`` bits apart agree within ``r`` bits on at least one band
(pigeonhole). :func:`band_probes` gives each band's value and its 16 one-bit neighbours
(``r = 1``), so four indexed ``IN`` look-ups of 17 values each find every stored hash within 7
bits of the new one, and only those candidates have their fine distance computed in Python.

What is not caught: a crop of 1 % per side or a rotation by 1° moves the fine hash by 22 to 30
bits, as far as two different cards of one template, so no threshold tells those apart from
the hash alone. Certificates are also caught by the number read on them (the waiver
pipeline's ``CERTIFICATE_REUSE``), which no crop changes; ID cards by the number's keyed hash
(``DUPLICATE_ID``) and the face (``DUPLICATE_FACE``).

Never log a hash next to a customer: it identifies a document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import imagehash
from PIL import Image

FINE_HASH_SIZE: Final = 16
"""pHash side of the deciding hash: 16×16 = 256 bits, 64 hex characters."""
COARSE_HASH_SIZE: Final = 8
"""pHash side of the lookup hash: 8×8 = 64 bits, four 16-bit bands."""
FINE_BITS: Final = FINE_HASH_SIZE * FINE_HASH_SIZE
BAND_COUNT: Final = 4
BAND_BITS: Final = COARSE_HASH_SIZE * COARSE_HASH_SIZE // BAND_COUNT
DEFAULT_MAX_DISTANCE: Final = 12
"""Fine-hash distance (bits of 256) up to which two documents count as the same image."""
PROBE_RADIUS: Final = 1
"""Bits by which :func:`band_probes` lets each band differ: candidates within 4·1 + 3 = 7
coarse bits are found."""


@dataclass(frozen=True)
class ImageHash:
    """The two perceptual hashes of one image, as stored.

    Attributes:
        fine: the 256-bit pHash as 64 lower-case hex characters.
        bands: the 64-bit pHash as four integers 0–65535, most significant band first.
    """

    fine: str
    bands: tuple[int, int, int, int]

    def to_dict(self) -> dict[str, object]:
        """``{"fine": hex, "bands": [4 ints]}``, JSON-serialisable."""
        return {"fine": self.fine, "bands": list(self.bands)}


def image_hash(image: Image.Image) -> ImageHash:
    """Both perceptual hashes of ``image`` (any mode; hashed as grayscale).

    About 5 ms for a 1000×630 card and 16 ms for a 1240×1600 page on this machine.
    """
    gray = image.convert("L")
    fine = str(imagehash.phash(gray, hash_size=FINE_HASH_SIZE))
    coarse = int(str(imagehash.phash(gray, hash_size=COARSE_HASH_SIZE)), 16)
    return ImageHash(fine=fine, bands=bands(coarse))


def bands(coarse: int) -> tuple[int, int, int, int]:
    """The 64-bit hash ``coarse`` split into four 16-bit integers, most significant first."""
    mask = (1 << BAND_BITS) - 1
    shifts = range((BAND_COUNT - 1) * BAND_BITS, -1, -BAND_BITS)
    first, second, third, fourth = ((coarse >> shift) & mask for shift in shifts)
    return first, second, third, fourth


def band_probes(values: tuple[int, int, int, int]) -> list[list[int]]:
    """For each band, its value and the 16 values one bit away from it (17 per band).

    A stored hash whose coarse distance to ``values`` is at most 7 bits equals one of these in
    at least one band (see the module docstring).
    """
    return [[value, *(value ^ (1 << bit) for bit in range(BAND_BITS))] for value in values]


def hamming(first: str, second: str) -> int:
    """Bits that differ between two hex hashes of the same length.

    Raises ``ValueError`` when the lengths differ or a hash is not hexadecimal.
    """
    if len(first) != len(second):
        raise ValueError("hashes of different lengths")
    return (int(first, 16) ^ int(second, 16)).bit_count()
