"""Building cases: the corpus (:func:`generate_corpus`), the test suite's slice
(:func:`fast_slice`) and fixed cases (:func:`named_case`)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Final

from .model import Claim, CorpusCard, Printed
from .names import _STATE_NAMES as STATE_NAMES
from .people import (
    _distinct_person,
    _one_off,
    _other_dob,
    _passport_dates,
    _Person,
    _printed_init_style,
    _random_aadhaar,
    _random_dob,
    _random_name,
    _random_pan,
    _random_passport,
    _random_person,
    _random_state_person,
    _typed_name,
    _typed_number,
    _typed_state_name,
    _w,
    format_name,
)
from .vocabulary import (
    ALL_LAYOUTS,
    CONDITIONS,
    FACES,
    ID_TYPE_OF_LAYOUT,
    IMPOSTOR_KINDS,
    KINDS,
    LAYOUTS,
    NAMED_CASES,
)

_YEAR_ONLY_RATE: Final = {"aadhaar_english": 0.2, "aadhaar_bilingual": 0.1}
_HINDI_NAME_RATE: Final = {
    "aadhaar_bilingual": 1.0,
    "eaadhaar_letter": 0.5,
    "aadhaar_photo_right": 0.4,
}


def _build(
    *,
    key: str,
    card_id: str,
    layout: str,
    condition: str,
    kind: str,
    person: _Person | None = None,
    init_style: str | None = None,
    claim_name: str | None = None,
    year_only: bool | None = None,
) -> CorpusCard:
    if layout not in ALL_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {ALL_LAYOUTS}")
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; choose from {CONDITIONS}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")
    rng = random.Random(f"content:{key}")
    id_type = ID_TYPE_OF_LAYOUT[layout]
    pan = id_type == "PAN"
    passport = id_type == "PASSPORT"
    upper = pan or passport  # PAN cards and passports print names in capitals
    # Another state's page: its holder (a name with letters the MRZ transliterates).
    state = rng.choice(sorted(STATE_NAMES)) if layout == "passport_other_states" else None
    if state is not None:
        customer = person or _random_state_person(rng, state)
    else:
        customer = person or _random_person(rng)
    holder = _distinct_person(rng, customer, state) if kind == "IMPOSTOR_NAME" else customer
    style = init_style or _printed_init_style(rng, holder.tokens)
    name = format_name(holder.tokens, style)
    father = format_name(holder.father, _printed_init_style(rng, holder.father))
    if year_only is None:
        year_only = rng.random() < _YEAR_ONLY_RATE.get(layout, 0.0)
    hindi = None
    if rng.random() < _HINDI_NAME_RATE.get(layout, 0.0):
        hindi = format_name(holder.tokens, style, hindi=True)
    if passport:
        number = _random_passport(rng)
    else:
        number = _random_pan(rng, holder.tokens) if pan else _random_aadhaar(rng)
    printed_number = _one_off(rng, number, id_type) if kind == "IMPOSTOR_NUMBER" else number
    printed_dob = _other_dob(rng, holder.dob) if kind == "IMPOSTOR_DOB" else holder.dob
    face = rng.choice(FACES)
    selfie_face = face
    if kind == "IMPOSTOR_FACE":
        selfie_face = next(f for f in FACES if f != face)
    if claim_name is None and state is not None:
        claim_name = _typed_state_name(rng, customer.tokens)
    elif claim_name is None:
        claim_name = _typed_name(rng, customer.tokens, style, pan=upper)
    typed_number = _typed_number(rng, number, id_type)
    surname = issued = expiry = None
    if passport:
        surname = name.upper().split()[-1]
        issued, expiry = _passport_dates(rng, printed_dob)
    claim = Claim(
        full_name=claim_name,
        date_of_birth=holder.dob,
        id_type=id_type,
        id_number=typed_number,
        nationality=(state or "IND") if passport else "",
        expiry=expiry,
    )
    printed = Printed(
        name=name.upper() if upper else name,
        date_of_birth=None if year_only else printed_dob,
        year_of_birth=printed_dob.year if year_only else None,
        id_number=printed_number,
        father_name=(father.upper() if pan else father)
        if layout in ("pan_old", "pan_new", "eaadhaar_letter")
        else None,
        gender=None if pan else holder.gender,
        hindi_name=hindi,
        surname=surname,
        expiry=expiry,
        issued=issued,
        issuing_state=state,
    )
    return CorpusCard(
        card_id=card_id,
        layout=layout,
        condition=condition,
        kind=kind,
        id_type=id_type,
        claim=claim,
        printed=printed,
        face=face,
        selfie_face=selfie_face,
        year_only=year_only,
        render_seed=f"render:{key}",
    )


def _case(seed: int, layout: str, condition: str, kind: str, serial: int) -> CorpusCard:
    card_id = f"{layout}.{condition}.{kind}.{serial}"
    return _build(
        key=f"{seed}:{card_id}", card_id=card_id, layout=layout, condition=condition, kind=kind
    )


def generate_corpus(
    *,
    seed: int = 2026,
    per_cell: int = 1,
    layouts: Sequence[str] = LAYOUTS,
    conditions: Sequence[str] = CONDITIONS,
    impostors_per_layout: int = 8,
) -> list[CorpusCard]:
    """Return the corpus: genuine cards per layout x condition, plus impostors.

    Args:
        seed: corpus seed; the same arguments always give the same cards and images.
        per_cell: genuine cards per (layout, condition) cell.
        layouts: subset of :data:`ALL_LAYOUTS` (the cards, :data:`LAYOUTS`, by default;
            ``ALL_LAYOUTS`` adds the passport data pages, :data:`PASSPORT_LAYOUTS`).
        conditions: subset of :data:`CONDITIONS`.
        impostors_per_layout: impostor cards per layout, cycling through
            :data:`IMPOSTOR_KINDS` and spread over ``conditions`` (shifted per layout so
            every kind meets every condition across layouts).

    Returns:
        ``len(layouts) * len(conditions) * per_cell`` genuine cards (ids
        "<layout>.<condition>.GENUINE.<i>") followed by ``len(layouts) *
        impostors_per_layout`` impostors ("<layout>.<condition>.<kind>.<j>"). A card's
        content depends only on ``seed`` and its id: raising ``per_cell`` keeps the
        existing cards. Default ``per_cell=5``-style use: 6 x 7 x 5 = 210 genuine + 48
        impostors = 258 cards; with ``layouts=ALL_LAYOUTS`` 8 x 7 x 5 = 280 + 64 = 344, the
        ID cards the same cards as without the passports (they come first)."""
    if per_cell < 0 or impostors_per_layout < 0:
        raise ValueError("per_cell and impostors_per_layout must be >= 0")
    result = [
        _case(seed, layout, condition, "GENUINE", i)
        for layout in layouts
        for condition in conditions
        for i in range(per_cell)
    ]
    for li, layout in enumerate(layouts):
        for j in range(impostors_per_layout):
            kind = IMPOSTOR_KINDS[j % len(IMPOSTOR_KINDS)]
            condition = conditions[(j + li) % len(conditions)]
            result.append(_case(seed, layout, condition, kind, j))
    return result


_FAST_IMPOSTORS: Final = (
    ("aadhaar_english", "clean", "IMPOSTOR_NAME"),
    ("pan_new", "jpeg35", "IMPOSTOR_NAME"),
    ("aadhaar_bilingual", "clean", "IMPOSTOR_NUMBER"),
    ("pan_old", "blur", "IMPOSTOR_NUMBER"),
    ("eaadhaar_letter", "clean", "IMPOSTOR_DOB"),
    ("aadhaar_photo_right", "uneven_light", "IMPOSTOR_FACE"),
)


def fast_slice(seed: int = 2026) -> list[CorpusCard]:
    """Return 24 cards for the test suite: every layout, condition and kind.

    Per layout (index ``i`` in :data:`LAYOUTS`) three genuine cards: ``clean``,
    ``CONDITIONS[1 + i % 6]`` and ``CONDITIONS[1 + (i + 3) % 6]`` (the same cards as
    :func:`generate_corpus` with the same seed, serial 0); then six impostors: name and
    number on both an Aadhaar and a PAN layout, DOB on the e-Aadhaar letter, face on
    the photo-right Aadhaar (clean and damaged).
    """
    result: list[CorpusCard] = []
    for i, layout in enumerate(LAYOUTS):
        for condition in ("clean", CONDITIONS[1 + i % 6], CONDITIONS[1 + (i + 3) % 6]):
            result.append(_case(seed, layout, condition, "GENUINE", 0))
    for layout, condition, kind in _FAST_IMPOSTORS:
        result.append(_case(seed, layout, condition, kind, 0))
    return result


_NAMED: Final[dict[str, dict[str, object]]] = {
    "bare_initial": {
        "layout": "aadhaar_english", "tokens": _w("Rahul", "K", "Sharma"), "gender": "MALE",
        "style": "bare", "claim": "Rahul K Sharma", "year_only": False,
    },
    "dotted_initial": {
        "layout": "aadhaar_english", "tokens": _w("K", "Chandrasekhar"), "gender": "MALE",
        "style": "dot", "claim": "K Chandrasekhar", "year_only": False,
        "father": _w("Krishnamurthy"),
    },
    "four_word_name": {
        "layout": "pan_new", "tokens": _w("Mohammed", "Abdul", "Rahim", "Qureshi"),
        "gender": "MALE", "style": "bare", "claim": "Mohammed Abdul Rahim Qureshi",
        "father": _w("Abdul", "Aslam", "Qureshi"),
    },
    "bilingual": {
        "layout": "aadhaar_bilingual", "tokens": _w("Priya", "Sharma"), "gender": "FEMALE",
        "style": "bare", "claim": "Priya Sharma", "year_only": False,
    },
    "single_word_name": {
        "layout": "aadhaar_english", "tokens": _w("Murugan"), "gender": "MALE",
        "style": "bare", "claim": "Murugan", "year_only": False, "father": _w("Arumugam"),
    },
    "year_of_birth_only": {
        "layout": "aadhaar_english", "tokens": _w("Sunita", "Devi"), "gender": "FEMALE",
        "style": "bare", "claim": "Sunita Devi", "year_only": True,
    },
    "joined_initials": {
        "layout": "aadhaar_bilingual", "tokens": _w("A", "P", "J", "Abdul", "Kalam"),
        "gender": "MALE", "style": "dotjoin", "claim": "A P J Abdul Kalam", "year_only": False,
    },
    "apostrophe": {
        "layout": "pan_old", "tokens": _w("Anita", "D'Souza"), "gender": "FEMALE",
        "style": "bare", "claim": "Anita D'Souza", "father": _w("Joseph", "D'Souza"),
    },
    "hyphenated": {
        "layout": "eaadhaar_letter", "tokens": _w("Mary-Ann", "Fernandes"), "gender": "FEMALE",
        "style": "bare", "claim": "Mary-Ann Fernandes", "father": _w("Francis", "Fernandes"),
    },
    "pan_old_labels_absent": {
        "layout": "pan_old", "tokens": _w("Harpreet", "Kaur"), "gender": "FEMALE",
        "style": "bare", "claim": "Harpreet Kaur", "father": _w("Balwinder", "Singh"),
    },
}  # fmt: skip


def named_case(name: str) -> CorpusCard:
    """Return a fixed GENUINE, clean case for tests (:data:`NAMED_CASES`).

    - ``bare_initial``: aadhaar_english "Rahul K Sharma", claim "Rahul K Sharma".
    - ``dotted_initial``: aadhaar_english "K. Chandrasekhar", claim "K Chandrasekhar".
    - ``four_word_name``: pan_new "MOHAMMED ABDUL RAHIM QURESHI", claim in title case.
    - ``bilingual``: aadhaar_bilingual "प्रिया शर्मा" / "Priya Sharma".
    - ``single_word_name``: aadhaar_english "Murugan".
    - ``year_of_birth_only``: aadhaar_english "Sunita Devi", "Year of Birth" only.
    - ``joined_initials``: aadhaar_bilingual "A.P.J. Abdul Kalam", claim "A P J Abdul Kalam".
    - ``apostrophe``: pan_old "ANITA D'SOUZA", claim "Anita D'Souza".
    - ``hyphenated``: eaadhaar_letter "Mary-Ann Fernandes".
    - ``pan_old_labels_absent``: pan_old "HARPREET KAUR" (name on its own line).

    DOB, number, face and style are fixed by the case name (deterministic).
    """
    try:
        spec = _NAMED[name]
    except KeyError:
        raise ValueError(f"unknown named case {name!r}; choose from {NAMED_CASES}") from None
    rng = random.Random(f"named-person:{name}")
    tokens = spec["tokens"]
    father = spec.get("father") or _random_name(rng, "MALE")[1]
    person = _Person(tokens=tokens, gender=spec["gender"], dob=_random_dob(rng), father=father)
    return _build(
        key=f"named:{name}",
        card_id=f"named.{name}",
        layout=spec["layout"],
        condition="clean",
        kind="GENUINE",
        person=person,
        init_style=spec["style"],
        claim_name=spec["claim"],
        year_only=spec.get("year_only", False),
    )
