"""How far apart the perceptual hashes of re-saved documents and of different documents are.

Renders ID cards of six different customers (``smartbank.tests.cards``: Aadhaar and PAN, each
with its own name, number, date of birth and photo: three real photographs, two of them also
mirrored, and the grey silhouette) and five certificates of each waiver layout
(``waivers.tests.certificates``: other farmer, other number), then re-saves every document the
ways a customer might (JPEG quality 30/50/85, PNG→JPEG, resized to 50 %/80 %, enlarged to
120 % as JPEG, grayscale) and edits it (crop 0.5/1/2 % per side, rotation 0.5/1/2°, the
phone-photo ``degrade``). For each kind it prints the largest distance of a re-saved copy to
its original and the smallest distance between two different documents, for the deciding
256-bit hash (``fine``) and the 64-bit lookup hash (``coarse``) of
``smartbank.engines.image_hash``; whether the band look-up finds each copy (coarse distance at
most 7); and, as the anchor, how many of the copies SHA-256 recognises (none: every re-save
changes the bytes). The last section times one hash against one SHA-256 of the same file.

    .venv/bin/python bench/document_hashes.py

Not a test (``smartbank/tests/test_image_hash.py`` asserts the rule on a few of these images):
CI does not run it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import itertools
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageOps  # noqa: E402

from smartbank.engines import image_hash as ih  # noqa: E402
from smartbank.tests import cards  # noqa: E402
from waivers.tests import certificates  # noqa: E402

Transform = Callable[[Image.Image], Image.Image]


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    decoded = Image.open(io.BytesIO(cards.to_bytes(image.convert("RGB"), "JPEG", quality=quality)))
    decoded.load()
    return decoded


def _resize(image: Image.Image, factor: float) -> Image.Image:
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.LANCZOS)


def _crop(image: Image.Image, fraction: float) -> Image.Image:
    dx, dy = round(image.width * fraction), round(image.height * fraction)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _rotate(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor="white")


RESAVES: dict[str, Transform] = {
    "JPEG q30": lambda i: _jpeg(i, 30),
    "JPEG q50": lambda i: _jpeg(i, 50),
    "JPEG q85": lambda i: _jpeg(i, 85),
    "PNG→JPEG q90": lambda i: _jpeg(i, 90),
    "resized 50 %": lambda i: _resize(i, 0.5),
    "resized 80 %": lambda i: _resize(i, 0.8),
    "120 % as JPEG q80": lambda i: _jpeg(_resize(i, 1.2), 80),
    "grayscale": lambda i: i.convert("L").convert("RGB"),
}
EDITS: dict[str, Transform] = {
    "crop 0.5 %": lambda i: _crop(i, 0.005),
    "crop 1 %": lambda i: _crop(i, 0.01),
    "crop 2 %": lambda i: _crop(i, 0.02),
    "rotated 0.5°": lambda i: _rotate(i, 0.5),
    "rotated 1°": lambda i: _rotate(i, 1),
    "rotated 2°": lambda i: _rotate(i, 2),
    "phone photo (degrade)": cards.degrade,
}

_NAMES = ("Ravi Kumar", "Sunita Devi", "Amit Shah", "Priya Nair", "Mohan Das", "Lata Rao")


def _photos() -> list[Image.Image | None]:
    hopper, astronaut = cards.face_photo("grace_hopper"), cards.face_photo("astronaut")
    return [
        astronaut,
        hopper,
        cards.face_photo("camera"),
        ImageOps.mirror(hopper),
        ImageOps.mirror(astronaut),
        None,
    ]


def documents() -> dict[str, list[Image.Image]]:
    """Five or six different documents of each kind, all of one template per kind."""
    photos = _photos()
    aadhaar = [
        cards.render_aadhaar(
            name=name,
            dob=datetime.date(1980 + k, 1 + k, 3 + k),
            gender="Female" if k % 2 else "Male",
            number=cards.valid_aadhaar(f"{2 + k}345678901{k}"),
            photo=photo,
        )
        for k, (name, photo) in enumerate(zip(_NAMES, photos, strict=True))
    ]
    pan = [
        cards.render_pan(
            name=name,
            father_name="Mohan Lal",
            dob=datetime.date(1980 + k, 1 + k, 3 + k),
            pan=f"ABCP{name[0]}12{k}4F",
            photo=photo,
        )
        for k, (name, photo) in enumerate(zip(_NAMES, photos, strict=True))
    ]
    farmers = ("Ramesh Patil", "Suresh Pawar", "Ganesh More", "Mahesh Jadhav", "Ramesh Patel")
    agri = [
        certificates.render_agri_relief(number=f"MH/2024/{4517 + 7 * k:06d}", name=name)
        for k, name in enumerate(farmers)
    ]
    calamity = [
        certificates.render_calamity(number=f"PUN/CAL/2023/{871 + 7 * k:05d}", name=name)
        for k, name in enumerate(farmers)
    ]
    udid = [
        certificates.render_disability(number=f"MH04201900{12345678 + 7 * k}", name=name)
        for k, name in enumerate(farmers)
    ]
    return {
        "Aadhaar": aadhaar,
        "PAN": pan,
        "agri relief": agri,
        "calamity": calamity,
        "UDID": udid,
    }


def _sha(image: Image.Image) -> str:
    return hashlib.sha256(cards.to_bytes(image, "PNG")).hexdigest()


def _coarse(hashed: ih.ImageHash) -> str:
    return "".join(f"{band:04x}" for band in hashed.bands)


def main() -> None:
    threshold = ih.DEFAULT_MAX_DISTANCE
    probed = ih.BAND_COUNT * ih.PROBE_RADIUS + ih.BAND_COUNT - 1
    print(f"Decision: fine distance ≤ {threshold} of {ih.FINE_BITS} bits; the band look-up")
    print(f"finds coarse distances ≤ {probed} of 64 bits.\n")
    totals = {"copies": 0, "sha": 0, "phash": 0, "false": 0, "pairs": 0}
    worst_copy, closest_other = 0, ih.FINE_BITS
    for kind, docs in documents().items():
        hashes = [ih.image_hash(d) for d in docs]
        shas = [_sha(d) for d in docs]
        print(f"== {kind} ({len(docs)} different documents, one template)")
        print(f"   {'':32} {'fine max':>9} {'coarse max':>11}  found by bands  caught")
        for group, transforms in (("re-saved", RESAVES), ("edited", EDITS)):
            for label, transform in transforms.items():
                fine, coarse, found, caught = [], [], 0, 0
                for doc, original, sha in zip(docs, hashes, shas, strict=True):
                    copy = transform(doc)
                    hashed = ih.image_hash(copy)
                    fine.append(ih.hamming(original.fine, hashed.fine))
                    coarse.append(ih.hamming(_coarse(original), _coarse(hashed)))
                    found += coarse[-1] <= probed
                    hit = fine[-1] <= threshold and coarse[-1] <= probed
                    caught += hit
                    if group == "re-saved":
                        totals["copies"] += 1
                        totals["sha"] += _sha(copy) == sha
                        totals["phash"] += hit
                        worst_copy = max(worst_copy, fine[-1])
                print(
                    f"   {group + ': ' + label:32} {max(fine):>9} {max(coarse):>11}"
                    f"  {found}/{len(docs):<13} {caught}/{len(docs)}"
                )
        pairs = list(itertools.combinations(range(len(docs)), 2))
        fine_other = [ih.hamming(hashes[a].fine, hashes[b].fine) for a, b in pairs]
        coarse_other = [ih.hamming(_coarse(hashes[a]), _coarse(hashes[b])) for a, b in pairs]
        false = sum(d <= threshold for d in fine_other)
        totals["false"] += false
        totals["pairs"] += len(pairs)
        if kind in ("Aadhaar", "PAN"):
            closest_other = min(closest_other, min(fine_other))
        print(
            f"   {'different documents':32} {'min ' + str(min(fine_other)):>9}"
            f" {'min ' + str(min(coarse_other)):>11}  "
            f"{false}/{len(pairs)} pairs within the threshold\n"
        )

    print("== Summary")
    print(
        f"   re-saved copies recognised: SHA-256 (anchor) {totals['sha']}/{totals['copies']}, "
        f"perceptual hash {totals['phash']}/{totals['copies']}"
    )
    print(
        f"   largest distance of a re-saved copy (every kind) {worst_copy}, smallest between "
        f"different customers' ID cards {closest_other}: threshold {threshold} is "
        f"{threshold / max(worst_copy, 1):.1f}× the first and {closest_other / threshold:.1f}× "
        "below the second"
    )
    print(
        f"   different documents within the threshold: {totals['false']}/{totals['pairs']} "
        "pairs (certificates of one template that differ in a name and a number look alike: "
        "the number read on them decides, see waivers/pipeline.py)"
    )

    print()
    made = documents()
    for label, image in (
        ("1000×630 card", made["Aadhaar"][0]),
        ("1240×1600 page", made["agri relief"][0]),
    ):
        data = cards.to_bytes(image, "PNG")
        runs = 20
        start = time.perf_counter()
        for _ in range(runs):
            ih.image_hash(image)
        hash_ms = (time.perf_counter() - start) * 1000 / runs
        start = time.perf_counter()
        for _ in range(runs):
            hashlib.sha256(data).hexdigest()
        sha_ms = (time.perf_counter() - start) * 1000 / runs
        print(
            f"== Time for a {label}: both pHashes {hash_ms:.1f} ms, SHA-256 of its PNG "
            f"{sha_ms:.2f} ms (ratio {hash_ms / max(sha_ms, 1e-6):.0f}×)"
        )


if __name__ == "__main__":
    main()
