"""How often passports (issue 11) are read right and decided right, per damage condition.

Draws TD3 data pages (:mod:`smartbank.tests.passports`: the MRZ from the ``mrz`` library,
DejaVu Sans Mono, a real face photo) for people the KYC corpus invents
(``kyc.tests.corpus``: Indian names of one to four words, initials included), damages them
(rotation ±2°, blur, JPEG 50, 60 % resolution) and runs what the KYC task runs: the readings
(``smartbank.engines.documents.read_passport``), dlib on the page and the selfie, the
passport's checks (``kyc.passport_checks``) and seed 003's decision (``kyc.pipeline.decide``).
No database: the duplicate checks are left out.

Kinds: GENUINE (the claim is the page), TAMPERED (one field check digit of the printed MRZ
changed), EXPIRED (the page expired last week; the claim types a later expiry, as a form that
refuses expired dates would force). Prints per condition: MRZ line 2 (the checked line) read
exactly, line 1 (names) read exactly, every claimed field matched, then the decisions per
kind. Targets: no genuine page rejected, no tampered or expired page verified. Not a test: CI
does not run it.

    .venv/bin/python bench/passport_accuracy.py               # 5 per condition and kind
    .venv/bin/python bench/passport_accuracy.py --per-cell 2
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

KINDS = ("GENUINE", "TAMPERED", "EXPIRED")


def _setup() -> None:
    import django

    django.setup()


def _case(seed: str, condition: str, kind: str) -> dict:
    from kyc.tests.corpus import _random_person, format_name
    from smartbank.tests import passports

    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    person = _random_person(rng)
    words = format_name(person.tokens).upper().replace(".", "").split()
    today = datetime.date.today()
    expiry = today + datetime.timedelta(days=rng.randint(60, 9 * 365))
    if kind == "EXPIRED":
        expiry = today - datetime.timedelta(days=7)
    holder = passports.holder(
        surname=words[-1],
        given_names=" ".join(words[:-1]) or words[-1],
        number=rng.choice("JKLMNPRSTUVWZ") + f"{rng.randint(0, 9_999_999):07d}",
        date_of_birth=person.dob,
        sex="F" if person.gender == "FEMALE" else "M",
        expiry=expiry,
    )
    return {"holder": holder, "condition": condition, "kind": kind, "seed": seed}


def _run(case: dict) -> dict:
    _setup()
    from django.conf import settings

    from kyc import passport_checks
    from kyc.pipeline import decide, face_checks
    from smartbank.engines.documents import PassportClaim, read_passport
    from smartbank.tests import cards, passports

    holder = case["holder"]
    first, second = passports.mrz_lines(holder)
    printed = (first, second)
    if case["kind"] == "TAMPERED":
        position = random.Random(case["seed"]).choice((9, 19, 27))  # noqa: S311 - test data
        printed = (first, passports.tamper(second, position))
    page = passports.render_passport(holder, photo=cards.face_photo("astronaut"), mrz=printed)
    image = passports.damage(page, case["condition"])
    entered_expiry = holder.expiry
    if case["kind"] == "EXPIRED":
        entered_expiry = datetime.date.today() + datetime.timedelta(days=400)
    claim = PassportClaim(
        full_name=holder.full_name,
        date_of_birth=holder.date_of_birth,
        number=holder.number,
        nationality=holder.nationality,
        expiry=entered_expiry,
    )
    started = time.perf_counter()
    reading = read_passport(image, claim, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE)
    checks = passport_checks.passport_checks(
        reading=reading,
        entered=claim,
        duplicate_id=False,
        today=datetime.date.today(),
        high_confidence=settings.KYC_MRZ_HIGH_CONFIDENCE,
        warning_days=settings.KYC_PASSPORT_EXPIRY_WARNING_DAYS,
    )
    found, _, _ = face_checks(
        selfie_image=cards.selfie_of("astronaut"), id_image=image, other_encodings=[]
    )
    status, reasons = decide(checks + found)
    seconds = time.perf_counter() - started
    voted = reading.mrz.reading
    return {
        "condition": case["condition"],
        "kind": case["kind"],
        "line2": voted is not None and voted.second == printed[1],
        "line1": voted is not None and voted.first == printed[0],
        "fields": all(check.support == "MATCH" for check in reading.fields.values()),
        "status": str(status),
        "reasons": [r["code"] for r in reasons],
        "readings": len(reading.mrz.readings),
        "seconds": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-cell", type=int, default=5, help="pages per condition and kind")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", default="2026")
    args = parser.parse_args()
    from smartbank.tests import passports

    cases = [
        _case(f"{args.seed}:{condition}:{kind}:{n}", condition, kind)
        for condition in passports.DAMAGE_CONDITIONS
        for kind in KINDS
        for n in range(args.per_cell)
    ]
    started = time.perf_counter()
    with ProcessPoolExecutor(args.processes) as pool:
        results = list(pool.map(_run, cases))
    elapsed = time.perf_counter() - started

    print(f"{len(results)} passport pages (seed {args.seed}): {elapsed:.0f} s")
    print("genuine pages: MRZ read exactly and every entered field matched")
    print(f"{'condition':15} {'n':>3} {'line 2':>8} {'line 1':>8} {'fields':>8}")
    for condition in passports.DAMAGE_CONDITIONS:
        cell = [r for r in results if r["condition"] == condition and r["kind"] == "GENUINE"]
        n = len(cell)

        def rate(key: str, cell: list = cell, n: int = n) -> str:
            return f"{100 * sum(r[key] for r in cell) / n:7.1f}%"

        print(f"{condition:15} {n:3} {rate('line2')} {rate('line1')} {rate('fields')}")
    print()
    print("decisions by kind and condition")
    for kind in KINDS:
        for condition in passports.DAMAGE_CONDITIONS:
            cell = [r for r in results if r["condition"] == condition and r["kind"] == kind]
            tally = collections.Counter(r["status"] for r in cell)
            reasons = collections.Counter(code for r in cell for code in r["reasons"])
            shown = ", ".join(f"{s} {c}" for s, c in sorted(tally.items()))
            print(f"  {kind:9} {condition:15} {shown:40} {dict(reasons)}")
    genuine = [r for r in results if r["kind"] == "GENUINE"]
    others = [r for r in results if r["kind"] != "GENUINE"]
    false_rejects = sum(r["status"] == "REJECTED" for r in genuine)
    false_accepts = sum(r["status"] == "VERIFIED" for r in others)
    print()
    print(f"false rejects {false_rejects} of {len(genuine)} genuine (target 0)")
    print(f"false accepts {false_accepts} of {len(others)} tampered or expired (target 0)")
    times = sorted(r["seconds"] for r in results)
    print(f"median time per page {times[len(times) // 2]:.2f} s (readings + faces + decision)")


if __name__ == "__main__":
    main()
