"""Claim-guided checks of a passport data page: does the page say what the customer entered?
(issue 11, as issue 8 §1–2 for the cards).

Calls the OCR engine; no ORM, no Django settings. The MRZ is read by :mod:`.passport`; the
visual inspection zone's name is read from the page with the cards' OCR readings
(:func:`smartbank.engines.ocr.ocr_image`). Each claimed field gets a
:class:`~.claims.FieldCheck` with the cards' support levels, so the pipeline decides passports
as it decides cards:

- ``name``: the visual zone's ``Surname`` and ``Given Name(s)`` values joined, searched for
  the claim with the cards' name rules (:func:`.names.find_name_span`: Levenshtein ≤ 2,
  initials, word order, a word more or less); without those labels, every line and pair of
  lines of the page.
- ``mrz_name``: the MRZ's ``SURNAME<<GIVEN<NAMES`` with the same rules. The MRZ says which
  words are the surname, so the claim may give them first or last.
- ``id_number``, ``date_of_birth``, ``expiry``, ``nationality``: the MRZ's fields. A field
  that differs is CONTRADICTED (a rejection) only when its check digit is valid (nationality
  has none), it was read with confidence, it is not one look-alike character away and a
  second reading gave the same lines; otherwise DIFFERS (staff review).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from mrz.base.functions import transliterate
from mrz.generator.dictionaries.cyrillic import transliteration as _CYRILLIC
from mrz.generator.dictionaries.greek import transliteration as _GREEK
from mrz.generator.dictionaries.latin_based import transliteration as _LATIN
from PIL import Image
from rapidfuzz.distance import Levenshtein

from smartbank.engines.ocr import OcrResult, ocr_image, state_language

from . import names
from .claims import CONTRADICTED, DIFFERS, MATCH, NAME_CONTRADICTION_SIMILARITY, NOT_FOUND, WEAK
from .claims import FieldCheck as FieldCheck
from .lines import Line, Word, lines_of, mean_confidence
from .numbers import CONFUSABLE_CHARACTERS
from .passport import LINE_LENGTH, Mrz, MrzResult, claim_repair, parse_td3, read_mrz

FIELDS: Final = ("name", "mrz_name", "id_number", "date_of_birth", "expiry", "nationality")

MRZ_READING_NAME: Final = "mrz"
"""The pass name of evidence from an MRZ that was not found."""

VIZ_READINGS: Final = ("threshold", "raw", "gray_2x")
"""The page readings tried in turn for the visual zone's name (``engines.ocr.OCR_VARIANTS``)
until it matches the claim."""

_WEAK_NAME_CODES: Final = {
    names.INITIALS: "NAME_INITIALS_ONLY",
    names.ORDER: "NAME_ORDER_DIFFERS",
    names.PARTIAL: "NAME_PARTIAL",
}
_SURNAME_RE: Final = re.compile(r"\bsurname\b|\bnom\b", re.IGNORECASE)
_GIVEN_RE: Final = re.compile(r"\bgiven\b|\bprénoms?\b", re.IGNORECASE)
_SURNAME: Final = ("surname",)
_GIVEN: Final = ("given",)
_LABEL_WORDS: Final = frozenset(
    "surname given name names nom prenoms type code country passport no nationality sex "
    "date of birth expiry issue place vornamen apellidos nombres naissance geburtstag".split()
)
_FIELD_NUMBER_RE: Final = re.compile(r"\(\d{1,2}\)")
"""A field's number printed after its caption ("Surname/Nom (1)" on British pages)."""
_FUZZY_LABEL_LENGTH: Final = 5
"""Label words this long or longer still count as labels when read one character off
("Neme(s)" for "Name(s)", "Expicy" for "Expiry"); shorter ones only exactly."""
# Fields the check digits cover, the check digit's name, and the MRZ value.
CHECKED_FIELDS: Final = {
    "id_number": ("document_number", "ID_NUMBER"),
    "date_of_birth": ("date_of_birth", "DOB"),
    "expiry": ("expiry_date", "EXPIRY"),
}


@dataclass(frozen=True)
class PassportClaim:
    """What the customer entered: ``number`` normalised (upper case, no spaces),
    ``nationality`` ISO 3166-1 alpha-3 as in the MRZ ("" and None when not entered: those
    fields then only differ)."""

    full_name: str
    date_of_birth: datetime.date
    number: str
    nationality: str
    expiry: datetime.date | None


@dataclass(frozen=True)
class PassportReading:
    """Everything the readings of one data page established about a claim.

    Attributes:
        fields: the best-supported FieldCheck per field of FIELDS.
        mrz: the MRZ readings and their consensus (``mrz.mrz`` None when no MRZ was found).
        viz_name: the visual zone's name as read (given names then surname), or None.
        page: the first OCR reading of the whole page (for staff, stored encrypted).
        viz_passes: the page readings made for the name, in order.
    """

    fields: dict[str, FieldCheck]
    mrz: MrzResult
    viz_name: str | None
    page: OcrResult
    viz_passes: tuple[str, ...]

    def to_dict(self, *, mask: Any) -> dict[str, Any]:
        """JSON for staff: the MRZ's fields (number masked by ``mask(number)``), its
        readings and the visual zone's name."""
        mrz = self.mrz.mrz
        shown: dict[str, Any] = {
            "viz_name": self.viz_name,
            "mrz": None,
            "mrz_readings": self.mrz.passes(),
            "mrz_confirmations": self.mrz.confirmations,
            "viz_readings": list(self.viz_passes),
        }
        if mrz is not None:
            fields = mrz.to_dict()
            fields["document_number"] = mask(mrz.document_number) if mrz.document_number else ""
            fields["mean_confidence"] = self.mrz.confidence
            fields["repairs"] = list(self.mrz.reading.repairs) if self.mrz.reading else []
            shown["mrz"] = fields
        return shown


def _confident(confidence: float | None, low_confidence: float) -> bool:
    return confidence is not None and confidence >= low_confidence


# --- names --------------------------------------------------------------------------------


def _name_line(index: int, text: str, confidence: float | None) -> Line:
    return Line(index, tuple(Word(token, confidence) for token in text.split()))


def _name_support(
    claimed: str,
    lines: Sequence[Line],
    read: str | None,
    confidence: float | None,
    *,
    low_confidence: float,
    confirmed: bool,
) -> FieldCheck:
    """The cards' name rules over ``lines`` (the candidate spellings of the holder's name);
    ``read`` is the name shown to staff when the claim is not there."""
    span = names.find_name_span(claimed, lines)
    if span is not None and span.kind == names.EXACT:
        value = claimed if span.distance == 0 else span.text
        return FieldCheck("name", MATCH, "", span.text, span.confidence, span.distance, value=value)
    if span is not None:
        code = _WEAK_NAME_CODES[span.kind]
        return FieldCheck("name", WEAK, code, span.text, span.confidence, span.distance)
    if not read:
        return FieldCheck("name", NOT_FOUND, "NAME_NOT_READ")
    distance = names.name_distance(read, claimed)
    other = names.name_similarity(read, claimed) < NAME_CONTRADICTION_SIMILARITY
    if other and confirmed and _confident(confidence, low_confidence):
        return FieldCheck("name", CONTRADICTED, "NAME_MISMATCH", read, confidence, distance)
    return FieldCheck("name", DIFFERS, "NAME_UNCERTAIN", read, confidence, distance)


def _letters(text: str) -> str:
    # Accents folded, not dropped: "Prénoms" is "prenoms", not "prnoms".
    return re.sub(r"[^a-z]", "", names.normalise_name(text))


def _label_like(text: str, labels: Sequence[str]) -> bool:
    """``text`` (one word as read) is one of ``labels`` (lower-case words) up to OCR: both
    sides' letters with the names' look-alike folds (``rn``→``m``, ``l``/``1``→``i``...:
    "Sumame" is "Surname"), and one character off for labels of _FUZZY_LABEL_LENGTH or more
    when the word is not in capitals. The labels are printed words of the data page (ICAO
    9303 part 4 names its fields), read like any other text, so their misreads are OCR's;
    the page prints its captions in small letters and the holder's names in capitals, and a
    name one letter off a caption ("JAMES" and "names", "BIRCH" and "birth") is a name."""
    # names._fold: the cards' look-alike folds, shared so labels and names fold alike.
    read = names._fold(_letters(text))
    if not read:
        return False
    fuzzy = not text.isupper()
    for label in labels:
        wanted = names._fold(label)
        if read == wanted or (
            fuzzy and len(wanted) >= _FUZZY_LABEL_LENGTH and Levenshtein.distance(read, wanted) <= 1
        ):
            return True
    return False


def _slash_parts(text: str) -> list[str]:
    """The captions of one word that joins several with slashes, as multilingual pages print
    them ("Vornamen/Given" → ["Vornamen", "Given"]); a word without slashes is one part."""
    return [part for part in text.split("/") if part]


def _caption_word(text: str) -> bool:
    """``text`` (one word as read) belongs to a caption, not to a value: a label word, a
    field number, or label words joined by slashes, as multilingual pages print them
    ("names/Prénoms" of "Vornamen/Given names/Prénoms")."""
    if _FIELD_NUMBER_RE.fullmatch(text) or _label_like(text, _LABEL_WORDS):
        return True
    parts = _slash_parts(text)
    return len(parts) > 1 and all(_label_like(part, _LABEL_WORDS) for part in parts)


def _is_label(word: Word, label: re.Pattern[str], words: Sequence[str]) -> bool:
    """``word`` is the label (``label`` or one of ``words`` up to OCR), alone or as one part
    of slash-joined captions: "Etternavn/Sumame" is Norway's "Etternavn/Surname"."""
    if label.search(word.text) or _label_like(word.text, words):
        return True
    parts = _slash_parts(word.text)
    return len(parts) > 1 and any(_label_like(part, words) for part in parts)


def _value_after(
    lines: Sequence[Line], position: int, label: re.Pattern[str], words: Sequence[str]
) -> Line | None:
    """The value of a labelled field (the label ``label`` or one of ``words`` up to OCR): the
    rest of the label's line without label words, else the next line."""
    line = lines[position]
    line_words = list(line.words)
    for index, word in enumerate(line_words):
        if _is_label(word, label, words):
            rest = [w for w in line_words[index + 1 :] if not _caption_word(w.text)]
            if rest:
                return Line(line.index, tuple(rest))
            break
    return lines[position + 1] if position + 1 < len(lines) else None


def _viz_lines(ocr: OcrResult) -> list[Line]:
    """The page's lines outside the MRZ (lines with ``<<`` or of MRZ length are left out),
    top to bottom when every line's position is known (:attr:`Line.top`), else in Tesseract's
    reading order.

    A label's value is the line below it (:func:`_value_after`), and Tesseract's block order
    can put another line between them: the header band of "RÉPUBLIQUE FRANÇAISE" was read
    after "Given Name(s)" and before "ÉLODIE", and taken for her given names.
    """
    kept = []
    for line in lines_of(ocr):
        compact = line.text.replace(" ", "")
        if "<<" in compact or len(compact) >= LINE_LENGTH - 4:
            continue
        kept.append(line)
    if all(line.top is not None for line in kept):
        kept.sort(key=lambda line: line.top or 0)
    return [replace(line, index=position) for position, line in enumerate(kept)]


def viz_name_lines(ocr: OcrResult) -> tuple[list[Line], str | None, float | None]:
    """Candidate spellings of the holder's name from the visual zone, the name as read
    (given names then surname) and its confidence.

    With the ``Surname`` and ``Given Name(s)`` labels: the two values joined in both orders.
    Without them: every line, and every pair of neighbouring lines joined, in both orders.
    """
    lines = _viz_lines(ocr)
    surname = given = None
    for position, line in enumerate(lines):
        if surname is None and any(_is_label(w, _SURNAME_RE, _SURNAME) for w in line.words):
            surname = _value_after(lines, position, _SURNAME_RE, _SURNAME)
        elif given is None and any(_is_label(w, _GIVEN_RE, _GIVEN) for w in line.words):
            given = _value_after(lines, position, _GIVEN_RE, _GIVEN)
    if surname is not None and given is not None:
        words_given, words_surname = list(given.words), list(surname.words)
        joined = [
            Line(0, tuple(words_given + words_surname)),
            Line(1, tuple(words_surname + words_given)),
        ]
        read = " ".join(word.text for word in words_given + words_surname)
        return joined, read, mean_confidence(words_given + words_surname)
    candidates = list(lines)
    for first, second in zip(lines, lines[1:], strict=False):
        index = len(candidates)
        candidates.append(Line(index, first.words + second.words))
        candidates.append(Line(index + 1, second.words + first.words))
    return candidates, None, None


def _combine_names(checks: Sequence[FieldCheck]) -> FieldCheck:
    """The cards' rule over several readings: a MATCH wins, then a WEAK agreement; a
    contradiction stands only when two readings show the same other name."""
    for support in (MATCH, WEAK):
        found = [check for check in checks if check.support == support]
        if found:
            return min(found, key=lambda c: (c.distance or 0, -(c.confidence or 0)))
    contradictions = [check for check in checks if check.support == CONTRADICTED]
    for check in contradictions:
        agreeing = sum(
            names.name_distance(check.read or "", other.read or "") <= names.NAME_DISTANCE_LIMIT
            for other in contradictions
        )
        if agreeing >= 2:
            return replace(check, confirmations=agreeing)
    if contradictions:
        check = max(contradictions, key=lambda c: c.confidence or 0.0)
        return replace(check, support=DIFFERS, code="NAME_UNCERTAIN")
    differs = [check for check in checks if check.support == DIFFERS]
    return max(differs, key=lambda c: c.confidence or 0.0) if differs else checks[0]


def _viz_name_check(
    image: Image.Image, claim: PassportClaim, low_confidence: float, language: str
) -> tuple[FieldCheck, str | None, OcrResult, tuple[str, ...]]:
    checks: list[FieldCheck] = []
    shown: str | None = None
    first_page: OcrResult | None = None
    passes: list[str] = []
    for variant in VIZ_READINGS:
        ocr = ocr_image(image, variant=variant, language=language)
        first_page = first_page or ocr
        passes.append(variant)
        candidates, read, confidence = viz_name_lines(ocr)
        shown = shown or read
        check = _name_support(
            claim.full_name,
            candidates,
            read,
            confidence,
            low_confidence=low_confidence,
            confirmed=True,
        )
        checks.append(replace(check, pass_name=variant))
        combined = _combine_names(checks)
        if combined.support == MATCH or combined.confirmations >= 2:
            break
    assert first_page is not None  # noqa: S101 - VIZ_READINGS is not empty
    return _combine_names(checks), shown, first_page, tuple(passes)


#: ICAO 9303 part 3 §6's transliteration of the letters an MRZ cannot hold (the mrz
#: library's tables: Latin letters with diacritics, Cyrillic, Greek).
_ICAO_TRANSLITERATION: Final = {**_GREEK, **_CYRILLIC, **_LATIN}

#: Supports from the most to the least favourable to the claim.
_SUPPORT_ORDER: Final = (MATCH, WEAK, DIFFERS, NOT_FOUND, CONTRADICTED)


def icao_name(name: str) -> str:
    """``name`` as an MRZ writes it (ICAO 9303 part 3 §6, words separated by spaces):
    "Käthe Schröder-Gößmann" → "KAETHE SCHROEDER GOESSMANN", "Bjørn Østergård" →
    "BJOERN OESTERGAARD", "Иван" → "IVAN". Letters without a transliteration are kept."""
    return transliterate(" ".join(name.split()), _ICAO_TRANSLITERATION, " ")


_LOCATING_CHECKS: Final = ("document_number", "date_of_birth", "expiry_date", "composite")
"""Check digits that hold only on a line 2 read in place (an empty personal number's holds
on any run of fillers)."""

_DIGRAPHS: Final = (("AE", "A"), ("OE", "O"), ("UE", "U"), ("AA", "A"))
"""ICAO 9303 part 3 §6's two-letter transliterations (Ä, Ö/Ø, Ü, Å) and the letter a
keyboard without accents gives instead."""


def _undigraphed(text: str) -> str:
    """``text`` (upper case) with the transliteration digraphs as single letters: compared on
    both sides, "HAAKON LOEVAAS" and "Hakon Lovas" agree (so do "MUELLER" and "Muller")."""
    text = text.upper()
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return text


def _claimed_spellings(name: str) -> list[str]:
    """``name``, and its MRZ transliteration when that folds differently (:func:`icao_name`)."""
    transliterated = icao_name(name)
    if names.normalise_name(transliterated) == names.normalise_name(name):
        return [name]
    return [name, transliterated]


def _mrz_name_check(result: MrzResult, claim: PassportClaim, low_confidence: float) -> FieldCheck:
    mrz = result.mrz
    if mrz is None or not mrz.surname:
        return FieldCheck("mrz_name", NOT_FOUND, "NAME_NOT_READ", pass_name=MRZ_READING_NAME)
    assert result.reading is not None  # noqa: S101 - a parsed MRZ comes from a reading
    scores = [
        score
        for char, score in zip(
            result.reading.first[5:], result.reading.confidences[5:LINE_LENGTH], strict=True
        )
        if char != "<"
    ]
    confidence = round(sum(scores) / len(scores), 2) if scores else None
    lines = [
        _name_line(0, f"{mrz.given_names} {mrz.surname}", confidence),
        _name_line(1, f"{mrz.surname} {mrz.given_names}", confidence),
    ]
    # A line 2 with fewer than two check digits holding was not read where the zone is (a
    # band found a line off, characters lost at its start; one misread fails one field and
    # the composite, the others still hold): its line 1 confirms no other name.
    located = sum(mrz.check_digits[name] for name in _LOCATING_CHECKS) >= 2
    confirmed = result.name_confirmations >= 2 and located
    # The claim as typed, and as the issuing state transliterated it: "Käthe" is "KAETHE" in
    # the MRZ, two letters off the typed name folded ("kathe"); "Bjørn" is "BJOERN". And both
    # without the transliteration's digraphs, for a name typed without its accents ("Hakon
    # Lovas" against HAAKON LOEVAAS).
    pairs = [(claimed, lines) for claimed in _claimed_spellings(claim.full_name)]
    plain = [
        _name_line(index, _undigraphed(line.text), confidence) for index, line in enumerate(lines)
    ]
    if [line.text for line in plain] != [line.text for line in lines]:
        pairs.append((_undigraphed(icao_name(claim.full_name)), plain))
    checks = [
        _name_support(
            claimed,
            candidates,
            mrz.name,
            confidence,
            low_confidence=low_confidence,
            confirmed=confirmed,
        )
        for claimed, candidates in pairs
    ]
    check = min(checks, key=lambda c: (_SUPPORT_ORDER.index(c.support), c.distance or 0))
    if check.support == MATCH and check.distance == 0:
        check = replace(check, value=claim.full_name)
    return replace(check, field="mrz_name", pass_name=result.reading.pass_name)


# --- the MRZ's fields ---------------------------------------------------------------------------

# ICAO 9303 part 3 codes that differ from ISO 3166-1 alpha-3 for the same country.
_ICAO_NATIONALITY: Final = {"D": "DEU"}

# Twins a customer may type for each other in a passport number (O for 0, I for 1...).
_TYPED_TWINS: Final = str.maketrans({"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1"})


def _single_look_alike(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    pairs = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(pairs) == 1 and pairs[0] in CONFUSABLE_CHARACTERS


def _field_value(mrz: Mrz, field: str) -> tuple[str, str]:
    """(the MRZ's value as shown to staff, its comparable form)."""
    if field == "id_number":
        return mrz.document_number, mrz.document_number
    if field == "date_of_birth":
        shown = mrz.date_of_birth.isoformat() if mrz.date_of_birth else mrz.birth_date_text
        return shown, mrz.birth_date_text
    if field == "expiry":
        return (mrz.expiry.isoformat() if mrz.expiry else mrz.expiry_text), mrz.expiry_text
    return mrz.nationality, _ICAO_NATIONALITY.get(mrz.nationality, mrz.nationality)


def _claimed(claim: PassportClaim, field: str) -> str:
    if field == "id_number":
        return claim.number
    if field == "date_of_birth":
        return f"{claim.date_of_birth:%y%m%d}"
    if field == "expiry":
        return f"{claim.expiry:%y%m%d}" if claim.expiry else ""
    return claim.nationality


def _mrz_field_check(
    result: MrzResult, claim: PassportClaim, field: str, low_confidence: float
) -> FieldCheck:
    prefix = CHECKED_FIELDS[field][1] if field in CHECKED_FIELDS else "NATIONALITY"
    mrz, reading = result.mrz, result.reading
    if mrz is None or reading is None:
        return FieldCheck(field, NOT_FOUND, f"{prefix}_NOT_READ", pass_name=MRZ_READING_NAME)
    shown, value = _field_value(mrz, field)
    claimed = _claimed(claim, field)
    if field == "id_number":
        equal = value.translate(_TYPED_TWINS) == claimed.translate(_TYPED_TWINS)
    else:
        equal = value == claimed
    if field in CHECKED_FIELDS:
        check_name = CHECKED_FIELDS[field][0]
        trusted = mrz.check_digits[check_name]
        confidence = reading.field_confidence(check_name)
    else:
        trusted = mrz.nationality_valid
        confidence = min(reading.confidences[LINE_LENGTH + 10 : LINE_LENGTH + 13])
    if not value.strip("<"):
        return FieldCheck(field, NOT_FOUND, f"{prefix}_NOT_READ", pass_name=reading.pass_name)
    if equal:
        return FieldCheck(field, MATCH, "", shown, confidence, pass_name=reading.pass_name)
    contradicted = (
        trusted
        and result.confirmations >= 2
        and _confident(confidence, low_confidence)
        and not _single_look_alike(value, claimed)
    )
    support, code = (CONTRADICTED, "MISMATCH") if contradicted else (DIFFERS, "UNCERTAIN")
    return FieldCheck(
        field,
        support,
        f"{prefix}_{code}",
        shown,
        confidence,
        pass_name=reading.pass_name,
        confirmations=result.confirmations,
    )


def check_mrz_claim(
    result: MrzResult, claim: PassportClaim, *, low_confidence: float = 60.0
) -> dict[str, FieldCheck]:
    """The MRZ's evidence on each claimed field but the visual zone's name (no OCR call)."""
    checks = {"mrz_name": _mrz_name_check(result, claim, low_confidence)}
    for field in ("id_number", "date_of_birth", "expiry", "nationality"):
        checks[field] = _mrz_field_check(result, claim, field, low_confidence)
    return checks


def _mrz_settled(claim: PassportClaim, low_confidence: float):  # noqa: ANN202
    def settled(result: MrzResult) -> bool:
        if result.mrz is None or not result.mrz.valid or result.reading is None:
            return False
        if result.reading.restored:  # valid by arithmetic only: try to read it
            return False
        checks = check_mrz_claim(result, claim, low_confidence=low_confidence)
        return all(c.support == MATCH for c in checks.values()) or result.confirmations >= 2

    return settled


def _mrz_letters(word: str) -> str:
    """A visual-zone word in the MRZ's alphabet (ICAO 9303 part 3 §6: A-Z), folded as every
    name is (:func:`.names.normalise_name`: accents and punctuation dropped)."""
    return "".join(c for c in names.normalise_name(word).upper() if "A" <= c <= "Z")


def viz_name_value(viz: FieldCheck, mrz: FieldCheck) -> str | None:
    """The holder's name as the page establishes it: the visual zone's reading (``viz``)
    checked letter by letter against the MRZ's (``mrz``), read in its own fixed-pitch font.

    - The visual zone matched the claim only up to OCR slips (a distance above 0: "™N
      MEENAKSHI" for "T.N. Meenakshi") while the MRZ shows the claimed name exactly: the
      claimed spelling, as a card's exact match gives it.
    - Otherwise, word for word with the MRZ's name (same words, same order), a visual-zone
      word one letter off its MRZ word ("TYENGAR" / "IYENGAR") takes the MRZ's letters when
      the MRZ was read at least as confidently; a word equal in the MRZ's alphabet keeps its
      own accents and punctuation ("JOSÉ" / "JOSE").

    Only the value shown changes, never the support of either check: what the decision rests
    on is unchanged. Returns ``viz.value`` when the MRZ gives nothing to check against.
    """
    if viz.support == MATCH and (viz.distance or 0) > 0:
        if mrz.support == MATCH and mrz.distance == 0:
            return mrz.value
    if not viz.value or not mrz.read or viz.support == MATCH and not viz.distance:
        return viz.value
    if (mrz.confidence or 0.0) < (viz.confidence or 0.0):
        return viz.value
    words, mrz_words = viz.value.split(), mrz.read.split()
    if len(words) != len(mrz_words):
        return viz.value
    out = []
    for word, mrz_word in zip(words, mrz_words, strict=True):
        letters = _mrz_letters(word)
        if letters == mrz_word or Levenshtein.distance(letters, mrz_word) != 1:
            out.append(word)
        else:
            out.append(mrz_word)
    return " ".join(out)


CLAIM_REPAIR: Final = "line 2: a field's misread digits as entered (check digits)"
"""The repair words of :func:`_claim_repaired` (``MrzReading.repairs``)."""


def _claim_repaired(
    result: MrzResult, claim: PassportClaim, *, today: datetime.date | None
) -> MrzResult:
    """``result`` with its failing fields taken from the claim when the check digits choose
    the claimed values (:func:`.passport.claim_repair`), else unchanged."""
    mrz, reading = result.mrz, result.reading
    if mrz is None or reading is None or mrz.valid:
        return result
    entered = {check: _claimed(claim, field) for field, (check, _) in CHECKED_FIELDS.items()}
    entered["document_number"] = entered["document_number"].upper().ljust(9, "<")
    line = claim_repair(reading.second, mrz.failed_checks, entered)
    repaired = parse_td3(reading.first, line, today=today) if line else None
    if line is None or repaired is None or not repaired.valid:
        return result
    fixed = replace(
        reading, second=line, repairs=(*reading.repairs, CLAIM_REPAIR), restored=(), erased=()
    )
    return replace(result, mrz=repaired, reading=fixed)


def read_passport(
    image: Image.Image,
    claim: PassportClaim,
    *,
    low_confidence: float = 60.0,
    today: datetime.date | None = None,
) -> PassportReading:
    """Read a passport data page and check the claim against its MRZ and visual zone.

    The MRZ is read until every check digit is valid and every field matches the claim, or a
    second reading confirms what differs (:func:`.passport.read_mrz`); the visual zone's name
    with up to three page readings until it matches, in the MRZ's issuing state's language
    when its Tesseract model is installed (:func:`smartbank.engines.ocr.state_language`).
    ``low_confidence`` (0–100) is the confidence below which a contradicting value only
    DIFFERS (settings KYC_OCR_LOW_CONFIDENCE).

    Raises:
        smartbank.engines.ocr.OcrEngineError: Tesseract missing, failing or timing out.
    """
    result = read_mrz(image, today=today, settled=_mrz_settled(claim, low_confidence))
    result = _claim_repaired(result, claim, today=today)
    fields = check_mrz_claim(result, claim, low_confidence=low_confidence)
    # The visual zone in the issuing state's letters: "LØVÅS" is no word of English's model.
    language = state_language(result.mrz.issuing_country if result.mrz else None)
    name, shown, page, passes = _viz_name_check(image, claim, low_confidence, language)
    name = replace(name, value=viz_name_value(name, fields["mrz_name"]))
    return PassportReading(
        fields={"name": name, **fields},
        mrz=result,
        viz_name=shown,
        page=page,
        viz_passes=passes,
    )
