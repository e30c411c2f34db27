"""How often the KYC pipeline reads each field right and decides right, on cards nobody tuned to.

Runs the generated corpus (``kyc/tests/corpus/``: six card layouts and two passport data page
layouts, several font families, names with bare and dotted initials, seven damage conditions,
impostor cards) through the real engines: Tesseract readings as the KYC task makes them
(``smartbank.engines.documents.read_card``; passports ``read_passport``, the MRZ and the visual
zone), dlib on the card photo and the selfie, and the decision rule of the pipeline
(``kyc.pipeline`` checks and ``decide``; passports ``kyc.passport_checks.passport_checks``, as
``kyc.pipeline`` runs them for ``IdType.PASSPORT``, without the database's duplicate checks). In
the same run and on the same images it measures the anchor: plain
``pytesseract.image_to_string`` plus simple regular expressions (passports: the MRZ's lines
found by regex, the number and dates also in the visual zone).

Prints, per layout and condition, exact-field accuracy for name, date of birth and ID number
beside the anchor, then the three decision rates, each with its target (issue 8 §3); a miss
prints as MISS. Names count as right when their letters equal the printed name's (case, dots
and spaces aside), for both; the pipeline's name is the claimed spelling when the card's span
equals it up to OCR look-alikes (l/I/1, rn/m, O/0), else the span as read. Not a test: CI does
not run it.

    .venv/bin/python bench/ocr_accuracy.py                 # about 340 cards, 2 processes
    .venv/bin/python bench/ocr_accuracy.py --per-cell 2    # a quicker look
    .venv/bin/python bench/ocr_accuracy.py --no-passports  # the ID cards only
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

TARGET_CLEAN = 0.99
TARGET_DAMAGED = 0.97
TARGET_REVIEW_RATE = 0.05
FIELDS = ("name", "date_of_birth", "id_number")

_RAW_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})")
_RAW_YEAR = re.compile(r"Year\s*of\s*Birth\s*:?\s*(\d{4})", re.IGNORECASE)
_RAW_AADHAAR = re.compile(r"(?<!\d)(\d{4})\s?(\d{4})\s?(\d{4})(?!\s?\d)")
_RAW_PAN = re.compile(r"\b([A-Z]{5}[0-9]{4}[A-Z])\b")
# Passports, ICAO 9303 part 4 §4.2.2: line 1 "P<" + issuing state + SURNAME<<GIVEN<NAMES; line 2
# number (9), check digit, nationality, birth date YYMMDD, check digit, sex, expiry...
_RAW_MRZ_NAMES = re.compile(r"P[A-Z<]([A-Z]{3})([A-Z<]+)")
_RAW_MRZ_DATA = re.compile(r"([A-Z0-9<]{9})[0-9][A-Z<]{3}([0-9]{6})[0-9][MFX<]")
_RAW_PASSPORT = re.compile(r"\b([A-Z][0-9]{7})\b")


def _setup() -> None:
    import django

    django.setup()


def _raw_passport(text: str, card) -> dict[str, bool]:  # noqa: ANN001 - CorpusCard
    """The passport anchor on image_to_string's text: the MRZ lines found by regex in the text
    with its spaces removed (names: SURNAME<<GIVEN<NAMES; number and YYMMDD birth date), the
    number also as printed in the visual zone (a letter and seven digits) and the birth date
    as any DD/MM/YYYY there (the visual zone's labels are on other lines than the values)."""
    from kyc.tests.corpus import loose_name

    printed = card.printed
    names, numbers, births = set(), set(_RAW_PASSPORT.findall(text)), set()
    for line in text.splitlines():
        compact = line.replace(" ", "")
        found = _RAW_MRZ_NAMES.match(compact)
        if found and "<<" in found.group(2):
            surname, _, given = found.group(2).partition("<<")
            names.add(loose_name(f"{given} {surname}".replace("<", " ")))
        for number, birth in _RAW_MRZ_DATA.findall(compact):
            numbers.add(number.rstrip("<"))
            births.add(birth)
    dates = {(int(d), int(m), int(y)) for d, m, y in _RAW_DATE.findall(text)}
    dob = printed.date_of_birth
    wanted = loose_name(printed.name)
    return {
        "name": wanted in names or any(wanted in loose_name(ln) for ln in text.splitlines()),
        "date_of_birth": f"{dob:%y%m%d}" in births or (dob.day, dob.month, dob.year) in dates,
        "id_number": printed.id_number in numbers,
    }


def _raw_fields(image, card) -> dict[str, bool]:  # noqa: ANN001 - PIL image, CorpusCard
    """The anchor: image_to_string on the image as it is, then one regex per field."""
    import pytesseract

    from kyc.tests.corpus import loose_name

    text = pytesseract.image_to_string(image)
    if card.id_type == "PASSPORT":
        return _raw_passport(text, card)
    printed = card.printed
    wanted = loose_name(printed.name)
    name_ok = any(wanted in loose_name(line) for line in text.splitlines())
    if printed.date_of_birth is not None:
        dates = set()
        for day, month, year in _RAW_DATE.findall(text):
            dates.add((int(day), int(month), int(year)))
        d = printed.date_of_birth
        dob_ok = (d.day, d.month, d.year) in dates
    else:
        dob_ok = str(printed.year_of_birth) in _RAW_YEAR.findall(text)
    if card.id_type == "AADHAAR":
        numbers = {"".join(groups) for groups in _RAW_AADHAAR.findall(text)}
    else:
        numbers = set(_RAW_PAN.findall(text))
    return {"name": name_ok, "date_of_birth": dob_ok, "id_number": printed.id_number in numbers}


def _pipeline_fields(reading, card) -> dict[str, bool]:  # noqa: ANN001
    """Which of name, DOB and number the pipeline established as printed. ``reading`` is a
    card's ``documents.CardReading`` or a passport's ``documents.PassportReading``, both with
    ``fields``: passports' name is the visual zone's, DOB and number the MRZ's."""
    from kyc.tests.corpus import loose_name

    printed = card.printed
    fields = reading.fields
    name = fields["name"].value
    dob = fields["date_of_birth"].read
    expected_dob = (
        printed.date_of_birth.isoformat() if printed.date_of_birth else str(printed.year_of_birth)
    )
    return {
        "name": bool(name) and loose_name(name) == loose_name(printed.name),
        "date_of_birth": dob == expected_dob,
        "id_number": fields["id_number"].read == printed.id_number,
    }


def _read_and_decide(image, selfie, card) -> tuple[object, str, list[dict], int]:  # noqa: ANN001
    """What the KYC task does with one card: (the reading, status, reasons, readings made)."""
    from django.conf import settings
    from django.utils import timezone

    from kyc import passport_checks
    from kyc.pipeline import decide, document_checks, face_checks
    from smartbank.engines import documents

    entered = documents.normalise_id_number(card.id_type, card.claim.id_number)
    if card.id_type == documents.PASSPORT:
        # As kyc.pipeline._passport_outcome: read_passport, passport_checks, the face checks.
        passport_claim = documents.PassportClaim(
            full_name=card.claim.full_name,
            date_of_birth=card.claim.date_of_birth,
            number=entered,
            nationality=card.claim.nationality,
            expiry=card.claim.expiry,
        )
        reading = documents.read_passport(
            image, passport_claim, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE
        )
        checks = passport_checks.passport_checks(
            reading=reading,
            entered=passport_claim,
            duplicate_id=False,
            today=timezone.localdate(),
            high_confidence=settings.KYC_MRZ_HIGH_CONFIDENCE,
            warning_days=settings.KYC_PASSPORT_EXPIRY_WARNING_DAYS,
        )
        passes = len(reading.mrz.readings) + len(reading.viz_passes)
    else:
        claim = documents.Claim(
            id_type=card.id_type,
            full_name=card.claim.full_name,
            date_of_birth=card.claim.date_of_birth,
            id_number=entered,
        )
        reading = documents.read_card(image, claim, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE)
        checks = document_checks(
            id_type=card.id_type, reading=reading, entered_number=entered, duplicate_id=False
        )
        passes = len(reading.readings)
    found, _, _ = face_checks(selfie_image=selfie, id_image=image, other_encodings=[])
    status, reasons = decide(checks + found)
    return reading, str(status), reasons, passes


def run_card(card) -> dict:  # noqa: ANN001 - CorpusCard
    """Everything measured on one card (runs in a worker process)."""
    _setup()
    image, selfie = card.image(), card.selfie()
    started = time.perf_counter()
    reading, status, reasons, passes = _read_and_decide(image, selfie, card)
    pipeline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    raw = _raw_fields(image, card)
    raw_seconds = time.perf_counter() - started
    return {
        "card_id": card.card_id,
        "layout": card.layout,
        "condition": card.condition,
        "kind": card.kind,
        "id_type": card.id_type,
        "status": status,
        "reasons": [r["code"] for r in reasons],
        "pipeline": _pipeline_fields(reading, card),
        "raw": raw,
        "passes": passes,
        "pipeline_seconds": pipeline_seconds,
        "raw_seconds": raw_seconds,
    }


def _pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}%" if total else "   - "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--per-cell", type=int, default=5, help="genuine cards per layout×condition"
    )
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--show-misses", action="store_true", help="list every wrong card")
    parser.add_argument("--json", default=None, help="write the decision rows there (make bench)")
    parser.add_argument(
        "--no-passports", action="store_true", help="the ID card layouts only (as before issue 11)"
    )
    parser.add_argument("--layouts", default=None, help="comma-separated layouts to run only")
    args = parser.parse_args()

    from kyc.tests.corpus import ALL_LAYOUTS, LAYOUTS, generate_corpus

    layouts = LAYOUTS if args.no_passports else ALL_LAYOUTS
    if args.layouts:
        layouts = tuple(args.layouts.split(","))
    corpus = generate_corpus(seed=args.seed, per_cell=args.per_cell, layouts=layouts)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.processes, initializer=_setup) as pool:
        results = list(pool.map(run_card, corpus, chunksize=4))
    elapsed = time.perf_counter() - started

    kinds = collections.Counter(r["kind"] for r in results)
    print(
        f"{len(results)} cards (seed {args.seed}): "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        + f"; {elapsed:.0f} s on {args.processes} processes"
    )
    print(
        "exact fields (names as letters, case and spacing aside): pipeline | raw ="
        " image_to_string + regexes, same images, same run"
    )
    header = f"{'layout':20} {'condition':15} {'n':>3}"
    for field in ("name", "dob", "number"):
        header += f"  {field:>6} {'raw':>6}"
    print(header + "  target")
    print("-" * len(header + "  target"))
    cells: dict[tuple[str, str], list[dict]] = collections.defaultdict(list)
    for result in results:
        cells[(result["layout"], result["condition"])].append(result)
    misses = 0
    for (layout, condition), group in sorted(cells.items()):
        target = TARGET_CLEAN if condition == "clean" else TARGET_DAMAGED
        row = f"{layout:20} {condition:15} {len(group):3}"
        cell_miss = []
        for field in FIELDS:
            ours = sum(r["pipeline"][field] for r in group)
            raw = sum(r["raw"][field] for r in group)
            row += f"  {_pct(ours, len(group))} {_pct(raw, len(group))}"
            if ours / len(group) < target or ours < raw:
                cell_miss.append(field)
        row += f"  ≥{target:.0%}, ≥raw"
        if cell_miss:
            misses += 1
            row += "  MISS (" + ", ".join(cell_miss) + ")"
        print(row)

    totals = f"{'all':20} {'':15} {len(results):3}"
    for field in FIELDS:
        ours = sum(r["pipeline"][field] for r in results)
        raw = sum(r["raw"][field] for r in results)
        totals += f"  {_pct(ours, len(results))} {_pct(raw, len(results))}"
    print(totals)

    genuine = [r for r in results if r["kind"] == "GENUINE"]
    impostors = [r for r in results if r["kind"] != "GENUINE"]
    false_rejects = [r for r in genuine if r["status"] == "REJECTED"]
    reviews = [r for r in genuine if r["status"] == "MANUAL_REVIEW"]
    false_accepts = [r for r in impostors if r["status"] == "VERIFIED"]
    review_rate = len(reviews) / len(genuine) if genuine else 0.0

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISS"

    print()
    print("decisions            figure              target   ")
    print(
        f"false rejects        {len(false_rejects):3} of {len(genuine):3} genuine   0        "
        f"{verdict(not false_rejects)}"
    )
    print(
        f"false accepts        {len(false_accepts):3} of {len(impostors):3} impostors 0        "
        f"{verdict(not false_accepts)}"
    )
    print(
        f"review rate, genuine {review_rate:6.1%} ({len(reviews)})"
        f"       ≤{TARGET_REVIEW_RATE:.0%}      {verdict(review_rate <= TARGET_REVIEW_RATE)}"
    )
    for label, id_types in (("ID cards", ("AADHAAR", "PAN")), ("passports", ("PASSPORT",))):
        part = [r for r in results if r["id_type"] in id_types]
        if not part or len(part) == len(results):
            continue
        mine = [r for r in part if r["kind"] == "GENUINE"]
        print(
            f"  {label:16} false rejects {sum(r['status'] == 'REJECTED' for r in mine)} of"
            f" {len(mine)}, false accepts"
            f" {sum(r['status'] == 'VERIFIED' for r in part if r['kind'] != 'GENUINE')} of"
            f" {len(part) - len(mine)}, reviews {sum(r['status'] == 'MANUAL_REVIEW' for r in mine)}"
        )
    by_kind = collections.defaultdict(collections.Counter)
    for r in results:
        by_kind[r["kind"]][r["status"]] += 1
    for kind, counts in sorted(by_kind.items()):
        print(f"  {kind:16} " + ", ".join(f"{s} {n}" for s, n in sorted(counts.items())))
    by_rule = [r for r in reviews if r["reasons"] == ["YEAR_OF_BIRTH_ONLY"]]
    print(
        f"  of the genuine reviews, {len(by_rule)} are year-of-birth-only cards, which go to staff"
        " by rule (issue 8 §1); review rate without them "
        f"{(len(reviews) - len(by_rule)) / max(1, len(genuine) - len(by_rule)):.1%}"
    )
    review_reasons = collections.Counter(code for r in reviews for code in r["reasons"])
    if review_reasons:
        print(
            "  genuine reviews by reason: "
            + ", ".join(f"{code} {n}" for code, n in review_reasons.most_common())
        )
    passes = collections.Counter(r["passes"] for r in results)
    ours = sorted(r["pipeline_seconds"] for r in results)
    raw = sorted(r["raw_seconds"] for r in results)
    median_ours, median_raw = ours[len(ours) // 2], raw[len(raw) // 2]
    print()
    print(
        "readings per card: "
        + ", ".join(f"{k}: {v}" for k, v in sorted(passes.items()))
        + f"; median time per card {median_ours:.2f} s (OCR readings + faces + decision) vs "
        f"{median_raw:.2f} s raw image_to_string: ratio {median_ours / median_raw:.1f}"
    )
    print(f"cells missing a target: {misses} of {len(cells)}")
    if args.json:
        from bench._common import Row, emit

        exact = sum(all(r["pipeline"][f] for f in FIELDS) for r in genuine)
        raw_exact = sum(all(r["raw"][f] for f in FIELDS) for r in genuine)
        emit(
            [
                Row(
                    "ocr_accuracy",
                    f"KYC quality: false rejects of {len(genuine)} genuine",
                    str(len(false_rejects)),
                    "",
                    None,
                    "0",
                    not false_rejects,
                ),
                Row(
                    "ocr_accuracy",
                    f"KYC quality: false accepts of {len(impostors)} impostors",
                    str(len(false_accepts)),
                    "",
                    None,
                    "0",
                    not false_accepts,
                ),
                Row(
                    "ocr_accuracy",
                    "KYC quality: review rate of genuine cards",
                    f"{review_rate:.1%}",
                    "",
                    None,
                    f"≤ {TARGET_REVIEW_RATE:.0%}",
                    review_rate <= TARGET_REVIEW_RATE,
                ),
                Row(
                    "ocr_accuracy",
                    "KYC quality: genuine cards with every field exact",
                    f"{exact / max(1, len(genuine)):.1%}",
                    f"raw {raw_exact / max(1, len(genuine)):.1%}",
                    None,
                    "≥ raw",
                    exact >= raw_exact,
                ),
                Row(
                    "ocr_accuracy",
                    f"KYC quality: cells missing a target of {len(cells)}",
                    str(misses),
                    "",
                    None,
                    "0",
                    misses == 0,
                ),
            ],  # fmt: skip
            args.json,
        )
    if args.show_misses:
        for r in results:
            wrong = [f for f in FIELDS if not r["pipeline"][f]]
            bad = (r["kind"] == "GENUINE" and r["status"] != "VERIFIED") or (
                r["kind"] != "GENUINE" and r["status"] == "VERIFIED"
            )
            if wrong or bad:
                print(f"  {r['card_id']} {r['kind']} {r['status']} {r['reasons']} wrong={wrong}")


if __name__ == "__main__":
    main()
