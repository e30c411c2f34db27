"""Drawing a card by its layout, and the small caches of damaged cards and selfies behind
:meth:`CorpusCard.image` and :meth:`CorpusCard.selfie`."""

from __future__ import annotations

import functools
import random
from typing import TYPE_CHECKING, Final

from PIL import Image

from smartbank.tests import cards

from .aadhaar import _render_aadhaar_front, _render_eaadhaar_letter
from .damage import damage
from .pan import _render_pan_new, _render_pan_old
from .passport import _render_passport

if TYPE_CHECKING:
    from .model import CorpusCard


_RENDERERS: Final = {
    "aadhaar_bilingual": _render_aadhaar_front,
    "aadhaar_english": _render_aadhaar_front,
    "aadhaar_photo_right": _render_aadhaar_front,
    "eaadhaar_letter": _render_eaadhaar_letter,
    "pan_old": _render_pan_old,
    "pan_new": _render_pan_new,
    "passport_photo_left": _render_passport,
    "passport_photo_right": _render_passport,
    "passport_other_states": _render_passport,
}


def render(card: CorpusCard) -> Image.Image:
    """Return ``card`` drawn undamaged, RGB (about 1000x630; e-Aadhaar about 1000x1460;
    passport data pages 1250x880).

    Style (fonts, colours, jitter, distractors such as VID, enrolment number, issue
    dates, PIN code) comes from ``card.render_seed``: deterministic.
    """
    rng = random.Random(f"{card.render_seed}:draw")
    return _RENDERERS[card.layout](card, rng)


@functools.lru_cache(maxsize=8)
def _damaged_cached(card: CorpusCard) -> Image.Image:
    rng = random.Random(f"{card.render_seed}:damage:{card.condition}")
    return damage(render(card), card.condition, rng)


@functools.lru_cache(maxsize=4)
def _selfie_cached(face: str) -> Image.Image:
    return cards.selfie_of(face)
