"""A seeded corpus of varied Aadhaar and PAN card images and passport data pages, genuine and
impostor, with claims.

This is the shared test generator of issue 8 section 3: the cards that the claim-guided
matcher and ``bench/ocr_accuracy.py`` are measured on. It draws what real cards look like
(six card layouts, several font families and weights, Hindi lines in Noto Sans Devanagari,
distractor numbers and dates, realistic scan and phone-photo damage; two passport data page
layouts, :data:`PASSPORT_LAYOUTS`, with ``layouts=ALL_LAYOUTS``) and is deliberately not
tuned to any extractor: nothing here knows how the cards are read.

Everything is drawn with Pillow, deterministic from a seed (``random.Random`` seeded with
strings, so independent of ``PYTHONHASHSEED``), with no downloads. Face photos are the
real photographs that installed packages ship (:func:`smartbank.tests.cards.face_photo`:
scikit-image's astronaut, matplotlib's grace_hopper); selfies are
:func:`smartbank.tests.cards.selfie_of`.

Fonts (Debian packages): ``fonts-dejavu-core`` (DejaVu Sans, Serif), ``fonts-dejavu-extra``
(DejaVu Sans Condensed), ``fonts-liberation2`` (Liberation Sans, Serif) and
``fonts-noto-core`` (Noto Sans Devanagari, for the Hindi lines); passports' MRZ also
Liberation Mono and DejaVu Sans Mono. Pillow must have Raqm
(``PIL.features.check("raqm")``) to shape Devanagari; the pip wheels do.

Typical use::

    for card in generate_corpus(per_cell=5):       # 6 layouts x 7 conditions x 5 + impostors
        image = card.image()                       # rendered + damaged, RGB
        selfie = card.selfie()
        decide(card.claim, image, selfie)          # compare with card.kind / card.printed

Cards are frozen dataclasses; ``image()`` renders lazily (a small LRU cache keeps the last
few) and always returns a new image the caller may modify.

Vocabulary:

- **claim**: what the customer typed on the form (:class:`Claim`). For ``GENUINE`` cards it
  is the same person as the card, typed as people type: another case, the dot of an
  initial omitted or added (``K. Chandrasekhar`` / ``K Chandrasekhar``, ``A.P.J.`` /
  ``A P J`` / ``APJ``), a hyphen typed as a space (``Mary Ann``), an apostrophe typed as
  ``’`` or left out (``Dsouza``), the number with or without spaces. A human checker would
  accept every genuine claim as the same name, date and number.
- **printed**: what is printed on the card (:class:`Printed`), the ground truth for field
  accuracy. ``Printed.name`` is the English name exactly as printed (upper case on PAN).

Modules: :mod:`.vocabulary` (layouts, conditions, kinds, fonts), :mod:`.model` (the
dataclasses), :mod:`.names` and :mod:`.people` (who is on a card), :mod:`.cases` (building
the corpus), :mod:`.drawing`, :mod:`.aadhaar`, :mod:`.pan` and :mod:`.passport` (the
layouts; passports through :mod:`smartbank.tests.passports`), :mod:`.render`
and :mod:`.damage`. Import from ``kyc.tests.corpus``.
"""

from smartbank.tests import cards as cards

from .cases import fast_slice, generate_corpus, named_case
from .damage import damage
from .model import Claim, CorpusCard, Printed
from .people import _random_person as _random_person
from .people import format_name as format_name
from .people import loose_name
from .render import _damaged_cached as _damaged_cached
from .render import render
from .vocabulary import (
    ALL_LAYOUTS,
    CONDITIONS,
    FONT_FAMILIES,
    ID_TYPE_OF_LAYOUT,
    IMPOSTOR_KINDS,
    KINDS,
    LAYOUTS,
    NAMED_CASES,
    PASSPORT_LAYOUTS,
)
from .vocabulary import FACES as FACES

__all__ = [
    "ALL_LAYOUTS",
    "CONDITIONS",
    "FONT_FAMILIES",
    "ID_TYPE_OF_LAYOUT",
    "IMPOSTOR_KINDS",
    "KINDS",
    "LAYOUTS",
    "NAMED_CASES",
    "PASSPORT_LAYOUTS",
    "Claim",
    "CorpusCard",
    "Printed",
    "damage",
    "fast_slice",
    "generate_corpus",
    "loose_name",
    "named_case",
    "render",
]
# Also part of the package's namespace, for the corpus's own tests: ``cards`` (selfies),
# ``FACES``, ``format_name``, ``_random_person`` and ``_damaged_cached`` (its cache is cleared
# to prove images are deterministic).
