"""Passport layouts: ICAO 9303 TD3 data pages drawn by :mod:`smartbank.tests.passports` (the
test suite's drawer, its MRZ from the ``mrz`` library's TD3CodeGenerator) in the corpus's
fonts, with the corpus's person, number, dates and face."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from PIL import Image

from smartbank.tests import cards, passports

from .vocabulary import DEVANAGARI_FONT, FONT_FAMILIES

if TYPE_CHECKING:
    from .model import CorpusCard

_LIBERATION_MONO: Final = "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf"
_PLACES: Final = (
    "BENGALURU", "CHENNAI", "DELHI", "MUMBAI", "KOLKATA", "HYDERABAD", "LUCKNOW", "PATNA",
    "KOCHI", "AHMEDABAD", "JAIPUR", "AMRITSAR", "PUNE", "GUWAHATI", "BHOPAL",
)  # fmt: skip
"""Places of birth and of issue (visual zone only)."""


def passport_holder(card: CorpusCard, rng: random.Random) -> passports.PassportHolder:
    """The page's holder from ``card.printed`` (a passport layout's card): name words before
    the surname are the given names; sex from the gender; nationality and issuing state
    India, or ``printed.issuing_state``'s; places of birth and issue drawn from ``rng``."""
    printed = card.printed
    issuer = passports.OTHER_STATES[printed.issuing_state] if printed.issuing_state else None
    places = issuer.places if issuer else _PLACES
    assert printed.surname is not None and printed.expiry is not None
    assert printed.date_of_birth is not None
    given = printed.name[: len(printed.name) - len(printed.surname)].strip()
    return passports.PassportHolder(
        surname=printed.surname,
        given_names=given,
        number=printed.id_number,
        nationality=issuer.code if issuer else "IND",
        country=issuer.code if issuer else "IND",
        issuing_state=issuer.header if issuer else "REPUBLIC OF INDIA",
        date_of_birth=printed.date_of_birth,
        sex="F" if printed.gender == "FEMALE" else "M",
        expiry=printed.expiry,
        issued=printed.issued,
        place_of_birth=rng.choice(places),
        place_of_issue=rng.choice(places),
    )


def _style(card: CorpusCard, rng: random.Random) -> passports.PageStyle:
    """``passport_photo_left``: any Latin family, English labels, DejaVu Sans Mono MRZ;
    ``passport_photo_right``: a Liberation family, bilingual labels, issue fields,
    Liberation Mono MRZ; ``passport_other_states``: the state's page in any Latin family
    (see :data:`~.vocabulary.PASSPORT_LAYOUTS`)."""
    layout = card.layout
    if card.printed.issuing_state:
        regular, bold = FONT_FAMILIES[rng.choice(sorted(FONT_FAMILIES))]
        state = passports.OTHER_STATES[card.printed.issuing_state].style
        return replace(state, regular_font=regular, bold_font=bold)
    if layout == "passport_photo_left":
        regular, bold = FONT_FAMILIES[rng.choice(sorted(FONT_FAMILIES))]
        return passports.PageStyle(photo_side="left", regular_font=regular, bold_font=bold)
    family = rng.choice(("Liberation Sans", "Liberation Serif"))
    regular, bold = FONT_FAMILIES[family]
    return passports.PageStyle(
        photo_side="right",
        regular_font=regular,
        bold_font=bold,
        mrz_font=_LIBERATION_MONO,
        hindi_font=DEVANAGARI_FONT[0],
        issue_fields=True,
    )


def _render_passport(card: CorpusCard, rng: random.Random) -> Image.Image:
    """The data page of ``card``, 1250x880 RGB, undamaged (the MRZ is the printed fields')."""
    holder = passport_holder(card, rng)
    style = _style(card, rng)
    return passports.render_passport(holder, photo=cards.face_photo(card.face), style=style)
