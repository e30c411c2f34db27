"""Who is on a card: names as tokens and how they are printed and typed, dates of birth, ID
numbers (Aadhaar, VID, PAN), and the one-off changes of impostor cards."""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from stdnum import verhoeff

from smartbank.tests import cards

from .names import (
    _BENGALI_F,
    _BENGALI_M,
    _BENGALI_SUR,
    _CHRISTIAN_F,
    _CHRISTIAN_M,
    _CHRISTIAN_SUR,
    _FOREIGN,
    _FOREIGN_FATHER,
    _HINDI,
    _HINDI_LETTERS,
    _INITIALS,
    _MUSLIM_F,
    _MUSLIM_M,
    _MUSLIM_MID,
    _MUSLIM_SUR,
    _NORTH_F,
    _NORTH_FATHER,
    _NORTH_M,
    _NORTH_MID_F,
    _NORTH_MID_M,
    _NORTH_SUR,
    _SIKH_F,
    _SIKH_FAMILY,
    _SIKH_M,
    _SOUTH_ENDING,
    _SOUTH_F,
    _SOUTH_FATHER,
    _SOUTH_M,
    _SOUTH_PREFIX,
    _SOUTH_SUR,
    _STATE_NAMES,
)

Token = tuple[str, str]
"""("w", "Sharma") for a word, ("i", "K") for an initial."""

INIT_STYLES: Final = ("bare", "dot", "dotjoin", "join")
"""How runs of initials are written: "R K", "R. K.", "R.K.", "RK" (``join`` is typed only)."""


@dataclass(frozen=True)
class _Person:
    tokens: tuple[Token, ...]
    gender: str
    dob: datetime.date
    father: tuple[Token, ...]


def _w(*words: str) -> tuple[Token, ...]:
    return tuple(("i", x) if len(x) == 1 else ("w", x) for x in words)


def _father_with_initial(rng: random.Random, letter: str) -> str:
    starting = [n for n in _SOUTH_FATHER if n.startswith(letter)]
    return rng.choice(starting or _SOUTH_FATHER)


def _random_name(rng: random.Random, gender: str) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """Return (holder tokens, father tokens), 1-4 words, from one naming tradition."""
    male = gender == "MALE"
    community = rng.choices(
        ("north", "south", "muslim", "sikh", "christian", "bengali", "foreign"),
        weights=(30, 25, 12, 8, 10, 10, 5),
    )[0]
    r = rng.random()
    if community == "north":
        given = rng.choice(_NORTH_M if male else _NORTH_F)
        sur = rng.choice(_NORTH_SUR)
        father = _w(rng.choice(_NORTH_FATHER), sur)
        if r < 0.48:
            return _w(given, sur), father
        if r < 0.66:
            return _w(given, rng.choice(_NORTH_MID_M if male else _NORTH_MID_F), sur), father
        if r < 0.84:
            return _w(given, rng.choice(_INITIALS), sur), father
        if r < 0.93 and male:  # "Vikram Pratap Singh Chauhan"
            mid = rng.choice(("Pratap", "Kumar", "Narayan", "Mohan"))
            return _w(given, mid, "Singh", rng.choice(("Chauhan", "Yadav", "Rathore"))), father
        a, b = rng.sample(_INITIALS, 2)
        return _w(a, b, sur), father
    if community == "south":
        pool = _SOUTH_M if male else _SOUTH_F
        given = rng.choice(pool)
        if r < 0.28:  # "K Chandrasekhar": the initial is the father's name
            letter = rng.choice(_INITIALS)
            return _w(letter, given), _w(_father_with_initial(rng, letter))
        if r < 0.38:  # "R. K. Narayan": place/grandfather and father initials
            a, b = rng.choice(_INITIALS), rng.choice(_INITIALS)
            return _w(a, b, given), _w(a, _father_with_initial(rng, b))
        if r < 0.45:  # "Karthik R": Tamil initial after the name
            letter = rng.choice(_INITIALS)
            return _w(given, letter), _w(_father_with_initial(rng, letter))
        if r < 0.62:  # single-word name
            return _w(given), _w(rng.choice(_SOUTH_FATHER))
        sur = rng.choice(_SOUTH_SUR)
        father = _w(rng.choice(_SOUTH_PREFIX), rng.choice(_SOUTH_ENDING), sur)
        if r < 0.84:
            return _w(given, sur), father
        if r < 0.95:  # "Venkata Sai Krishna Reddy" / "Sri Lakshmi Devi Reddy"
            first, second = rng.sample(_SOUTH_PREFIX, 2)
            if male:
                return _w(first, second, rng.choice(_SOUTH_ENDING), sur), father
            return _w(first, rng.choice(_SOUTH_F), "Devi", sur), father
        a, b, c = rng.sample(_INITIALS, 3)  # "A.P.J. Abdul Kalam"-like
        return _w(a, b, c, given, sur), father
    if community == "muslim":
        sur = rng.choice(_MUSLIM_SUR)
        father = _w(rng.choice(_MUSLIM_M), rng.choice(_MUSLIM_MID), sur)
        if male:
            given = rng.choice(_MUSLIM_M)
            if r < 0.45:
                return _w(given, sur), father
            if r < 0.75:
                mid = rng.choice([m for m in _MUSLIM_MID + _MUSLIM_M if m != given])
                return _w(given, mid, sur), father
            if r < 0.9:
                return _w(
                    "Mohammed", "Abdul", rng.choice(("Rahim", "Aslam", "Hussain")), sur
                ), father
            return _w(given, rng.choice(_INITIALS), sur), father
        given = rng.choice(_MUSLIM_F)
        if r < 0.55:
            return _w(given, sur), father
        if r < 0.8:
            return _w(given, rng.choice(("Bano", "Begum"))), father
        return _w(given, "Bano", sur), father
    if community == "sikh":
        family = rng.choice(_SIKH_FAMILY)
        father = _w(rng.choice(_SIKH_M), "Singh", *((family,) if r >= 0.55 else ()))
        given = rng.choice(_SIKH_M if male else _SIKH_F)
        tag = "Singh" if male else "Kaur"
        if r < 0.55:
            return _w(given, tag), father
        if r < 0.9 or not male:
            return _w(given, tag, family), father
        return _w(given, "Pal", "Singh", family), father
    if community == "christian":
        sur = rng.choice(_CHRISTIAN_SUR)
        father = _w(rng.choice(_CHRISTIAN_M), sur)
        given = rng.choice(_CHRISTIAN_M if male else _CHRISTIAN_F)
        if r < 0.6:
            return _w(given, sur), father
        if r < 0.85:
            mid = rng.choice([m for m in _CHRISTIAN_M if m != given and m != sur])
            return _w(given, mid, sur), father
        return _w(given, rng.choice(_INITIALS), sur), father
    if community == "bengali":
        sur = rng.choice(_BENGALI_SUR)
        father = _w(rng.choice(_BENGALI_M), sur)
        given = rng.choice(_BENGALI_M if male else _BENGALI_F)
        if r < 0.7:
            return _w(given, sur), father
        if r < 0.85 and male:
            return _w(given, "Kumar", sur), father
        return _w(given, rng.choice(_INITIALS), sur), father
    matching = [words for g, words in _FOREIGN if g == gender]
    words = rng.choice(matching)
    return _w(*words), _w(rng.choice(_FOREIGN_FATHER), words[-1])


def _random_dob(rng: random.Random) -> datetime.date:
    start = datetime.date(1940, 1, 1).toordinal()
    end = datetime.date(2006, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def _random_person(rng: random.Random) -> _Person:
    gender = rng.choice(("MALE", "FEMALE"))
    while True:
        tokens, father = _random_name(rng, gender)
        given = [w for kind, w in tokens if kind == "w"][:1]
        if [w for kind, w in father if kind == "w"][:1] != given:  # father not "Asif Khan" too
            break
    return _Person(tokens=tokens, gender=gender, dob=_random_dob(rng), father=father)


def format_name(tokens: Sequence[Token], init_style: str = "bare", *, hindi: bool = False) -> str:
    """Write name tokens as text; runs of initials in ``init_style`` (:data:`INIT_STYLES`).

    ``hindi=True`` writes the Devanagari name (initials as letter names, "K" → "के").
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i][0] != "i":
            word = tokens[i][1]
            out.append(_HINDI[word] if hindi else word)
            i += 1
            continue
        run: list[str] = []
        while i < len(tokens) and tokens[i][0] == "i":
            run.append(_HINDI_LETTERS[tokens[i][1]] if hindi else tokens[i][1])
            i += 1
        if init_style == "bare":
            out.extend(run)
        elif init_style == "dot":
            out.extend(f"{letter}." for letter in run)
        elif init_style == "dotjoin":
            out.append("".join(f"{letter}." for letter in run))
        elif init_style == "join":
            out.append("".join(run))
        else:
            raise ValueError(f"unknown initial style {init_style!r}")
    return " ".join(out)


_LATIN_LETTERS: Final = {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d", "ł": "l"}


def plain_latin(text: str) -> str:
    """``text`` with the accents of Latin letters dropped, as a customer types a name on a
    keyboard without them ("Bjørn Østergård" → "Bjorn Ostergard", "Gößmann" → "Gossmann");
    other scripts unchanged."""
    out = []
    for ch in text:
        if "\u00c0" <= ch <= "\u024f":
            ch = _LATIN_LETTERS.get(ch) or "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            )
        out.append(ch)
    return "".join(out)


def loose_name(text: str) -> str:
    """Case-, space-, punctuation- and accent-free form of a name: letters only, casefolded,
    Latin letters without their accents (:func:`plain_latin`).

    Every genuine claim has the same ``loose_name`` as the printed name
    ("A.P.J. ABDUL KALAM" and "apj abdul kalam" → "apjabdulkalam"; "KÄTHE" and "Kathe").
    """
    return "".join(ch for ch in plain_latin(text).casefold() if ch.isalpha())


def _max_initial_run(tokens: Sequence[Token]) -> int:
    best = run = 0
    for kind, _ in tokens:
        run = run + 1 if kind == "i" else 0
        best = max(best, run)
    return best


def _printed_init_style(rng: random.Random, tokens: Sequence[Token]) -> str:
    run = _max_initial_run(tokens)
    if run >= 3:
        return "dotjoin"  # "A.P.J."; three bare initials are not printed that way
    if run == 2:
        return rng.choices(("bare", "dot", "dotjoin"), weights=(40, 40, 20))[0]
    return rng.choice(("bare", "dot"))


def _typed_name(
    rng: random.Random, tokens: Sequence[Token], printed_style: str, *, pan: bool
) -> str:
    """The name as a customer types it: same person, human-acceptable variations."""
    style = printed_style
    run = _max_initial_run(tokens)
    if run and rng.random() < 0.45:
        choices = ("bare", "dot") if run == 1 else INIT_STYLES
        style = rng.choice([s for s in choices if s != printed_style] or [printed_style])
    text = format_name(tokens, style)
    if "-" in text and rng.random() < 0.4:
        text = text.replace("-", " ")
    if "'" in text:
        r = rng.random()
        if r < 0.2:
            text = text.replace("'", "\u2019")  # phones' smart apostrophe
        elif r < 0.4:
            text = text.replace("'", "")
    r = rng.random()
    if r < (0.75 if pan else 0.72):
        return text
    if r < (0.93 if pan else 0.86):
        return text.upper()
    return text.lower()


def _random_state_person(rng: random.Random, state: str) -> _Person:
    """A holder of ``state``'s passport (:data:`.names._STATE_NAMES`): given names, one
    surname, as the state prints them."""
    male, female, surnames = _STATE_NAMES[state]
    gender = rng.choice(("MALE", "FEMALE"))
    given = rng.choice(male if gender == "MALE" else female)
    return _Person(
        tokens=_w(*given.split(), rng.choice(surnames)), gender=gender, dob=_random_dob(rng),
        father=(),
    )  # fmt: skip


def _typed_state_name(rng: random.Random, tokens: Sequence[Token]) -> str:
    """A holder of another state's passport types their name: as printed in title case, at
    times without its accents (a keyboard without them), hyphens as spaces, lower case."""
    text = format_name(tokens)
    if rng.random() < 0.25:
        text = plain_latin(text)
    if "-" in text and rng.random() < 0.3:
        text = text.replace("-", " ")
    if "'" in text and rng.random() < 0.3:
        text = text.replace("'", "\u2019")
    return text.lower() if rng.random() < 0.1 else text


def _distinct_person(rng: random.Random, person: _Person, state: str | None = None) -> _Person:
    words = {loose_name(w) for kind, w in person.tokens if kind == "w"}
    while True:
        other = _random_state_person(rng, state) if state else _random_person(rng)
        other_words = {loose_name(w) for kind, w in other.tokens if kind == "w"}
        if (
            other_words
            and not (other_words & words)
            and loose_name(format_name(other.tokens)) != loose_name(format_name(person.tokens))
        ):
            return other


def _random_aadhaar(rng: random.Random) -> str:
    prefix = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return cards.valid_aadhaar(prefix)


def _random_vid(rng: random.Random) -> str:
    prefix = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(14))
    return prefix + verhoeff.calc_check_digit(prefix)


def _surname_initial(tokens: Sequence[Token]) -> str:
    return tokens[-1][1][0].upper()


def _random_pan(rng: random.Random, tokens: Sequence[Token]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head = "".join(rng.choice(letters) for _ in range(3))
    digits = f"{rng.randint(1, 9999):04d}"
    return f"{head}P{_surname_initial(tokens)}{digits}{rng.choice(letters)}"


_PASSPORT_LETTERS: Final = "ABCEFGHJKLMNPRSTUVWZ"
"""First letters of the generated passport numbers (Indian numbers: a letter, seven digits)."""


def _random_passport(rng: random.Random) -> str:
    """An Indian-style passport number: a letter and seven digits, the first not 0."""
    return rng.choice(_PASSPORT_LETTERS) + str(rng.randint(1, 9)) + f"{rng.randint(0, 999999):06d}"


def _passport_dates(rng: random.Random, dob: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(Date of Issue, Date of Expiry) of an adult's passport: issued 2021-2025, at 18 or
    older, valid ten years less a day (the Passports Rules 1980's adult validity). Fixed
    dates, not today's: the corpus stays deterministic (every page valid until 2030)."""
    adult = datetime.date(dob.year + 18, dob.month, min(dob.day, 28))
    start = max(datetime.date(2021, 1, 1), adult).toordinal()
    issued = datetime.date.fromordinal(rng.randint(start, datetime.date(2025, 12, 31).toordinal()))
    day = min(issued.day, 28) if issued.month == 2 else issued.day
    expiry = datetime.date(issued.year + 10, issued.month, day) - datetime.timedelta(days=1)
    return issued, expiry


def _one_off(rng: random.Random, number: str, id_type: str) -> str:
    """``number`` with exactly one position changed (see ``IMPOSTOR_NUMBER``)."""
    chars = list(number)
    if id_type == "PASSPORT":
        pos = rng.randrange(8)
        if pos == 0:
            chars[0] = rng.choice([c for c in _PASSPORT_LETTERS if c != number[0]])
        else:
            lowest = 1 if pos == 1 else 0
            chars[pos] = rng.choice([str(d) for d in range(lowest, 10) if str(d) != chars[pos]])
        return "".join(chars)
    if id_type == "AADHAAR":
        pos = rng.randrange(12)
        lowest = 2 if pos == 0 else 0
        chars[pos] = rng.choice([str(d) for d in range(lowest, 10) if str(d) != chars[pos]])
        return "".join(chars)
    pos = rng.choice((0, 1, 2, 5, 6, 7, 8, 9))  # never the holder type or surname letter
    if pos in (5, 6, 7, 8):
        while True:
            chars[pos] = rng.choice([d for d in "0123456789" if d != number[pos]])
            if "".join(chars)[5:9] != "0000":
                break
    else:
        chars[pos] = rng.choice([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != number[pos]])
    return "".join(chars)


def _typed_number(rng: random.Random, number: str, id_type: str) -> str:
    if id_type == "AADHAAR":
        groups = [number[i : i + 4] for i in range(0, 12, 4)]
        r = rng.random()
        if r < 0.55:
            return number
        if r < 0.95:
            return " ".join(groups)
        return "-".join(groups)
    return number if rng.random() < 0.85 else number.lower()  # PAN and passport alike


def _other_dob(rng: random.Random, dob: datetime.date) -> datetime.date:
    while True:
        year = dob.year + rng.choice((-1, 1)) * rng.randint(1, 12)
        if not 1940 <= year <= 2006:
            continue
        day = dob.day if rng.random() < 0.3 else rng.randint(1, 28)
        month = dob.month if rng.random() < 0.3 else rng.randint(1, 12)
        try:
            other = datetime.date(year, month, day)
        except ValueError:
            continue
        return other


def _dmy(date: datetime.date, sep: str = "/") -> str:
    return f"{date:%d}{sep}{date:%m}{sep}{date:%Y}"


def _grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))
