"""Names on ID cards: normalisation, the claim-guided span search, blind name reading.

No ORM, no OCR call.

Rules and their sources:
- Two names are the same when the Levenshtein distance of their normalised forms is at most
  :data:`NAME_DISTANCE_LIMIT` (2): seed 003's "name match: Levenshtein ≤ 2".
- Case, dots and accents never count: "K." = "K" = "k"; apostrophes and hyphens join
  ("D'Souza" = "DSouza", "Mary-Ann" = "MaryAnn"). Indian names often carry bare initials
  ("Rahul K Sharma", "K Chandrasekhar"), so a one-letter word is a word like any other.
- Weaker agreements send the case to staff instead of deciding it (issue 8 §1): an initial on
  one side against a full word on the other (``INITIALS``), the same words in another order
  (``ORDER``), and one word more or less on one side (``PARTIAL``).
- A letter the card's reading gives twice in a row, once in each case ("Cc." read for "C.",
  "VwW" for "VW"), on a line printed in capitals is one printed glyph: Tesseract's LSTM decoder
  emits a glyph twice ("diplopia", tesseract-ocr/tesseract issues #884, #1060, #1465). The
  span search counts such a pair once when that brings the span closer to the claim
  (:func:`collapse_doubled_glyphs`). Measured: a blurred bold "C. SELVI" on an old PAN card
  read "Cc. SELVI" by every reading and at every line height from 24 to 64 px.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Levenshtein

from .lines import Line, Word, mean_confidence

NAME_DISTANCE_LIMIT: Final = 2
"""Largest Levenshtein distance between normalised names that still counts as a match
(seed 003)."""

NAME_MIN_WORD_CONFIDENCE: Final = 60.0
"""Blind reading: lower-case or short OCR words below this confidence (0–100) are specks."""

CAPITALS_SHARE: Final = 0.7
"""A line is printed in capitals when at least this share of its letters are capitals (PAN
cards print names in capitals; the share leaves room for a letter misread in small case):
:func:`line_in_capitals`."""

EXACT: Final = "EXACT"
INITIALS: Final = "INITIALS"
ORDER: Final = "ORDER"
PARTIAL: Final = "PARTIAL"

# OCR confuses these glyphs in printed names; both sides are folded before distances are
# taken, so "lyer" read for "Iyer" or "Sharrna" for "Sharma" costs nothing.
_FOLDS: Final = (
    ("rn", "m"),
    ("vv", "w"),
    ("1", "i"),
    ("l", "i"),
    ("|", "i"),
    ("!", "i"),
    ("0", "o"),
    ("5", "s"),
)
# Words on the cards that are never part of a holder's name.
NOT_NAME_WORDS: Final = frozenset(
    (
        "government india govt income tax department permanent account number card name "
        "father fathers date birth dob male female transgender aadhaar aadhar signature "
        "year vid address enrolment unique identification authority of to the your no"
    ).split()
)
_NAME_TOKEN_RE: Final = re.compile(r"^[A-Za-z][A-Za-z.'\-]*$")


def normalise_name(name: str) -> str:
    """Casefold, strip accents, turn dots into word breaks, drop other punctuation.

    "R.  K. SHARMA," → "r k sharma"; "D'Souza" → "dsouza"; "A.P.J. Abdul" → "a p j abdul".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith(("P", "S")):
            # Dots between initials separate words; apostrophes and hyphens join them.
            kept.append(" " if char == "." else ("i" if char in "|!" else ""))
        elif category != "Mn":
            kept.append(char)
    return " ".join("".join(kept).split())


def collapse_doubled_glyphs(text: str) -> str:
    """``text`` with each letter that repeats the letter before it in the other case dropped.

    "Cc. SELVI" → "C. SELVI", "VwW" → "Vw", "LoOrenm" → "Lorenm"; "AARON" and "Anna" come
    back unchanged. A title-case name can hold such a pair of its own ("Aarav" → "Arav"), so
    the span search applies this only to lines printed in capitals (CAPITALS_SHARE), and
    there only as an alternative to the text as read, the closer of the two to the claim
    (:func:`find_name_span`). Source: Tesseract LSTM "diplopia", tesseract-ocr/tesseract
    issues #884, #1060, #1465.
    """
    kept: list[str] = []
    for char in text:
        previous = kept[-1] if kept else ""
        if (
            char.isalpha()
            and previous.isalpha()
            and char != previous
            and char.casefold() == previous.casefold()
        ):
            continue
        kept.append(char)
    return "".join(kept)


def _fold(text: str) -> str:
    for before, after in _FOLDS:
        text = text.replace(before, after)
    return text


def name_distance(a: str, b: str) -> int:
    """Levenshtein distance between the normalised names, OCR look-alikes folded (0 = same).

    Rule (seed 003): a distance ≤ NAME_DISTANCE_LIMIT (2) counts as the same name.
    """
    left, right = _fold(normalise_name(a)), _fold(normalise_name(b))
    spaced = Levenshtein.distance(left, right)
    compact = Levenshtein.distance(left.replace(" ", ""), right.replace(" ", ""))
    return int(min(spaced, compact))


def name_similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity of the normalised names, 0.0 (nothing alike) to 1.0."""
    return float(
        Levenshtein.normalized_similarity(_fold(normalise_name(a)), _fold(normalise_name(b)))
    )


@dataclass(frozen=True)
class NameSpan:
    """The run of OCR words on one line that best matches a claimed name.

    Attributes:
        kind: ``EXACT`` (distance ≤ NAME_DISTANCE_LIMIT), or a weak agreement that goes to
            staff: ``INITIALS``, ``ORDER`` or ``PARTIAL`` (see the module docstring).
        text: the words as read, joined by spaces.
        distance: Levenshtein distance of the span to the claim (normalised, folded).
        confidence: mean Tesseract confidence of the span's words (0–100), None if unknown.
        line: index of the OCR line the span lies on.
    """

    kind: str
    text: str
    distance: int
    confidence: float | None
    line: int


def _tokens(name: str) -> list[str]:
    return _fold(normalise_name(name)).split()


def _word_tokens(word: Word) -> list[str]:
    return _tokens(word.text)


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and Levenshtein.distance(a, b) <= 1)


def _initials_agree(claim: list[str], read: list[str]) -> bool:
    """Same number of words in order, each the same word or an initial against a word with
    that first letter, at least one initial pairing and one full word agreeing."""
    if len(claim) != len(read):
        return False
    initial_pairs = full_pairs = 0
    for a, b in zip(claim, read, strict=True):
        if _same_word(a, b):
            full_pairs += len(a) > 1
        elif (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
            initial_pairs += 1
        else:
            return False
    return initial_pairs > 0 and full_pairs > 0


def _order_agrees(claim: list[str], read: list[str]) -> bool:
    if len(claim) != len(read) or len(claim) < 2 or claim == read:
        return False
    return Levenshtein.distance(" ".join(sorted(claim)), " ".join(sorted(read))) <= 1


def _partial_agrees(claim: list[str], read: list[str]) -> bool:
    """One side is the other with exactly one word left out; two full words still agree."""
    short, long_ = (claim, read) if len(claim) < len(read) else (read, claim)
    if len(long_) != len(short) + 1 or len(short) < 2:
        return False
    for skip in range(len(long_)):
        rest = long_[:skip] + long_[skip + 1 :]
        if all(_same_word(a, b) for a, b in zip(short, rest, strict=True)):
            return sum(len(a) > 1 for a in short) >= 2
    return False


_WEAK_CHECKS: Final = (
    (INITIALS, _initials_agree),
    (ORDER, _order_agrees),
    (PARTIAL, _partial_agrees),
)


def line_in_capitals(line: Line) -> bool:
    """At least CAPITALS_SHARE of the line's letters are capitals (a PAN card's name lines,
    :mod:`.pan`; the doubled-glyph rule of :func:`find_name_span`)."""
    letters = [char for char in line.text if char.isalpha()]
    capitals = sum(char.isupper() for char in letters)
    return bool(letters) and capitals >= CAPITALS_SHARE * len(letters)


def _span_distance(tokens: list[str], claim_spaced: str, claim_compact: str) -> int:
    """Levenshtein distance of normalised, folded ``tokens`` to the claim, with and without
    spaces (the smaller)."""
    spaced = " ".join(tokens)
    return int(
        min(
            Levenshtein.distance(spaced, claim_spaced),
            Levenshtein.distance(spaced.replace(" ", ""), claim_compact),
        )
    )


def find_name_span(
    claimed: str, lines: Sequence[Line], *, skip_lines: frozenset[int] = frozenset()
) -> NameSpan | None:
    """Search every run of words on every OCR line for the one that best matches ``claimed``.

    Runs of the claim's word count ±2 are tried on each line not in ``skip_lines`` (e.g. the
    father's-name line of a PAN card). The closest run by Levenshtein distance (with and
    without spaces, OCR look-alikes folded, and for a run holding a letter read twice in both
    cases the smaller of the distances with and without the pair collapsed, see
    :func:`collapse_doubled_glyphs`) decides: within NAME_DISTANCE_LIMIT it is an
    ``EXACT`` span; otherwise the first weak agreement found (initials, order, one word more
    or less) is returned; None when no run agrees at all.
    """
    claim_tokens = _tokens(claimed)
    if not claim_tokens:
        return None
    claim_spaced = " ".join(claim_tokens)
    claim_compact = claim_spaced.replace(" ", "")
    best: tuple[tuple[int, int, float], NameSpan] | None = None
    weak: tuple[tuple[int, int, float], NameSpan] | None = None
    count = len(claim_tokens)
    for line in lines:
        if line.index in skip_lines:
            continue
        per_word = [_word_tokens(word) for word in line.words]
        # On a line printed in capitals a small letter beside its own capital is no spelling;
        # on a title-case line "Aa" may be one ("Aarav"), so it is left as read there.
        per_word_single = (
            [_tokens(collapse_doubled_glyphs(word.text)) for word in line.words]
            if line_in_capitals(line)
            else None
        )
        if per_word_single == per_word:
            per_word_single = None
        for start in range(len(line.words)):
            if not per_word[start]:
                continue
            for stop in range(start + 1, min(len(line.words), start + count + 2) + 1):
                tokens = [token for word in per_word[start:stop] for token in word]
                if not tokens or len(tokens) > count + 2 or not per_word[stop - 1]:
                    continue
                words = line.words[start:stop]
                distance = _span_distance(tokens, claim_spaced, claim_compact)
                if per_word_single is not None:
                    collapsed = [token for word in per_word_single[start:stop] for token in word]
                    if collapsed and collapsed != tokens:
                        single = _span_distance(collapsed, claim_spaced, claim_compact)
                        distance = min(distance, single)
                confidence = mean_confidence(words)
                rank = (distance, abs(len(tokens) - count), -(confidence or 0.0))
                text = " ".join(word.text for word in words)
                if distance <= NAME_DISTANCE_LIMIT and (best is None or rank < best[0]):
                    best = (rank, NameSpan(EXACT, text, distance, confidence, line.index))
                    continue
                for kind, agrees in _WEAK_CHECKS:
                    if agrees(claim_tokens, tokens) and (weak is None or rank < weak[0]):
                        weak = (rank, NameSpan(kind, text, distance, confidence, line.index))
                        break
    if best is not None:
        return best[1]
    return weak[1] if weak is not None else None


# --- blind reading (no claim): the staff console and seed 004's OCR flow -------------------


def repair_name_token(token: str) -> str:
    """Undo OCR confusions typical of printed names (sans-serif I, l, 1, |, ! look alike).

    "|sha" → "Isha", "lyer" → "Iyer", "Pate!" → "Patel", "LAKSHMi" → "LAKSHMI"; other tokens
    come back unchanged apart from surrounding punctuation.
    """
    token = token.strip('_~,;:*`"()[{}<>')
    if token[:1] == "|" and token[1:2].isalpha():
        token = "I" + token[1:]
    token = token.lstrip("|!")
    letters = [char for char in token if char.isalpha()]
    upper_case = len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)
    repaired = []
    for index, char in enumerate(token):
        if char in "|!]1" and index > 0 and token[index - 1].isalpha():
            char = "I" if upper_case or token[index - 1].isupper() else "l"
        repaired.append(char)
    token = "".join(repaired).rstrip("|!]")
    if upper_case:
        return token.upper()
    if token[:1] == "l" and len(token) > 1 and (token[1] not in "aeiou" or token[1] == "y"):
        return "I" + token[1:]
    if token[:1].islower() and len(token) >= 4:
        return token[:1].upper() + token[1:]
    return token


def _is_noise(word: Word) -> bool:
    """OCR specks from a photo or border: short all-lower-case words ("es", "ee"), or
    low-confidence words that are lower-case or of one or two characters that are not an
    initial. A capitalised word is kept even at low confidence: Tesseract often under-rates
    correct upper-case names."""
    text = word.text
    lower = text.isalpha() and text.islower()
    if lower and len(text) <= 3:
        return True
    low = word.confidence is not None and word.confidence < NAME_MIN_WORD_CONFIDENCE
    is_initial = len(text.rstrip(".")) == 1 and text[:1].isupper()
    return low and (lower or (len(text) <= 2 and not is_initial))


def clean_name(words: Sequence[Word]) -> tuple[str, float | None] | None:
    """Return (name, mean confidence of its words) when ``words`` hold a person's name.

    Specks before or after the name (``| Rahul Sharma``, ``es Priya Nair``) are dropped: the
    name is the longest run of name-like words (letters, dots, apostrophes, hyphens; bare or
    dotted one-letter initials included) that are not card labels. None when the longest run
    has fewer than 3 letters or no word of 2 letters or more.
    """
    runs: list[list[tuple[str, Word]]] = [[]]
    for word in words:
        token = repair_name_token(word.text)
        if (
            token
            and not _is_noise(word)
            and _NAME_TOKEN_RE.match(token)
            and token.casefold().strip(".") not in NOT_NAME_WORDS
            and (len(token.strip(".")) >= 2 or token[:1].isupper())
        ):
            runs[-1].append((token, word))
            continue
        runs.append([])

    def weight(run: list[tuple[str, Word]]) -> int:
        # One-letter words count for little so that a stray capital does not win a run.
        return sum(len(token.strip(".")) for token, _ in run if len(token.strip(".")) >= 2)

    best = max(runs, key=weight)
    if weight(best) < 3:
        return None
    name = " ".join(token for token, _ in best)
    return name, mean_confidence(word for _, word in best)
