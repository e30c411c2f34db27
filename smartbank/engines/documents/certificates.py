"""Certificate numbers on scanned certificates (engine: no ORM).

A certificate type names its number format as a regular expression, e.g. ``[A-Z]{2}/\\d{4}/\\d{6}``
for ``MH/2024/004517``. This module checks such patterns, finds every candidate number in the OCR
text of a scan, undoes the common OCR confusions O/0, I/1 and S/5 *only where the pattern allows
a digit or a letter*, and compares the candidates with the number the customer typed.

Supported pattern syntax (a concatenation, which is what certificate numbers are): literal
characters (``/``, ``-``, ``.``, a space, letters, digits; escape the special ones: ``\\.``),
``\\d``, character classes with ranges (``[A-Z]``, ``[A-Z0-9]``, ``[A-HJ-NP-Z]``), and the
quantifiers ``{n}``, ``{m,n}``, ``{m,}``, ``?``, ``+`` and ``*``; an optional leading ``^`` and
trailing ``$``. Groups, alternatives (``|``), ``.`` and negated classes are refused by
:func:`parse_pattern`, because a position must say which characters it takes.

Normalisation, per position of the pattern: a character the position allows is kept; a lower-case
letter is upper-cased when only its capital is allowed; ``O``/``o`` becomes ``0``, ``I``/``l``/``i``
becomes ``1`` and ``S``/``s`` becomes ``5`` where only the digit is allowed; ``0`` becomes ``O``,
``1`` becomes ``I`` and ``5`` becomes ``S`` where only the letter is allowed. A position that
takes both (``[A-Z0-9]``) keeps what OCR read, since either reading is valid there.

OCR text may hold personal data: never log it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rapidfuzz.distance import Levenshtein

from smartbank.engines.ocr import OcrResult

_SPECIAL: Final = frozenset(".^$*+?{}[]\\|()")
_DIGITS: Final = frozenset("0123456789")

#: OCR misreadings of a digit, by the digit they stand for.
DIGIT_LOOKALIKES: Final = {"O": "0", "o": "0", "I": "1", "l": "1", "i": "1", "S": "5", "s": "5"}
#: OCR misreadings of a capital letter, by the letter they stand for.
LETTER_LOOKALIKES: Final = {"0": "O", "1": "I", "5": "S"}

_ALNUM_BOUNDARY_BEFORE: Final = r"(?<![A-Za-z0-9])"
_ALNUM_BOUNDARY_AFTER: Final = r"(?![A-Za-z0-9])"


class PatternError(ValueError):
    """A certificate number pattern this engine cannot use; the message says why, for staff."""


@dataclass(frozen=True)
class Atom:
    """One position of a pattern: the characters it allows, repeated ``low`` to ``high`` times
    (``high`` ``None`` = no upper limit)."""

    chars: frozenset[str]
    low: int
    high: int | None


@dataclass(frozen=True)
class Candidate:
    """A number found in the OCR text that fits the pattern once normalised.

    Attributes:
        read: the characters as OCR read them (spaces around separators removed).
        number: ``read`` normalised to the pattern (see the module docstring).
        confidence: the lowest Tesseract confidence (0–100) of the words it spans.
        line: index of the OCR line it was found on (0-based).
    """

    read: str
    number: str
    confidence: float
    line: int

    def to_dict(self) -> dict[str, object]:
        """``{"read", "number", "confidence", "line"}``, JSON-serialisable."""
        return {
            "read": self.read,
            "number": self.number,
            "confidence": self.confidence,
            "line": self.line,
        }


class MatchOutcome(StrEnum):
    EXACT = "EXACT"
    """A candidate equals the typed number."""
    ONE_OFF = "ONE_OFF"
    """The nearest candidate differs by one character (Levenshtein distance 1)."""
    ABSENT = "ABSENT"
    """No candidate, or every candidate differs by two characters or more."""


@dataclass(frozen=True)
class Comparison:
    """The typed number against the candidates: the outcome, the nearest candidate (``None``
    when there is none) and its Levenshtein distance to the typed number."""

    outcome: MatchOutcome
    candidate: Candidate | None
    distance: int | None


# --- patterns -----------------------------------------------------------------------------


def _parse_class(pattern: str, start: int) -> tuple[frozenset[str], int]:
    """Parse ``[...]`` starting after the ``[``; returns (characters, index after ``]``)."""
    chars: set[str] = set()
    i = start
    if i < len(pattern) and pattern[i] == "^":
        raise PatternError("Negated character classes ([^...]) are not supported.")
    # (character, escaped); "" stands for \\d, which cannot start or end a range
    items: list[tuple[str, bool]] = []
    while i < len(pattern) and pattern[i] != "]":
        c = pattern[i]
        if c == "\\":
            if i + 1 >= len(pattern):
                raise PatternError("The pattern ends with a lone backslash.")
            nxt = pattern[i + 1]
            if nxt == "d":
                chars |= _DIGITS
                items.append(("", True))
            elif nxt.isalnum():
                raise PatternError(f"The escape \\{nxt} is not supported; use \\d or a class.")
            else:
                items.append((nxt, True))
            i += 2
            continue
        items.append((c, False))
        i += 1
    if i >= len(pattern):
        raise PatternError("A character class is not closed with ].")
    j = 0
    while j < len(items):
        is_range = (
            j + 2 < len(items) and items[j + 1] == ("-", False) and items[j][0] and items[j + 2][0]
        )
        if is_range:
            low, high = items[j][0], items[j + 2][0]
            if ord(low) > ord(high):
                raise PatternError(f"The range {low}-{high} is backwards.")
            chars |= {chr(code) for code in range(ord(low), ord(high) + 1)}
            j += 3
        else:
            if items[j][0]:
                chars.add(items[j][0])
            j += 1
    if not chars:
        raise PatternError("A character class is empty.")
    return frozenset(chars), i + 1


def _parse_quantifier(pattern: str, i: int) -> tuple[int, int | None, int]:
    """The quantifier at ``i`` (if any); returns (low, high, index after it)."""
    if i >= len(pattern):
        return 1, 1, i
    c = pattern[i]
    if c == "?":
        return 0, 1, i + 1
    if c == "+":
        return 1, None, i + 1
    if c == "*":
        return 0, None, i + 1
    if c != "{":
        return 1, 1, i
    end = pattern.find("}", i)
    if end < 0:
        raise PatternError("A {n} or {m,n} quantifier is not closed with }.")
    body = pattern[i + 1 : end]
    match = re.fullmatch(r"(\d+)(?:(,)(\d*))?", body)
    if not match:
        raise PatternError(f"The quantifier {{{body}}} is not {{n}}, {{m,n}} or {{m,}}.")
    low = int(match.group(1))
    if match.group(2) is None:
        high: int | None = low
    else:
        high = int(match.group(3)) if match.group(3) else None
    if high is not None and high < low:
        raise PatternError(f"The quantifier {{{body}}} is backwards.")
    if high == 0:
        raise PatternError("A quantifier of zero repeats nothing.")
    return low, high, end + 1


def parse_pattern(pattern: str) -> tuple[Atom, ...]:
    """Split a certificate number pattern into its positions.

    Returns the atoms in order. Raises :class:`PatternError` for syntax this engine does not
    support (see the module docstring) or a pattern Python's ``re`` cannot compile.
    """
    if not pattern or not pattern.strip():
        raise PatternError("Enter a pattern.")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise PatternError(f"Not a valid regular expression: {exc.msg}.") from exc
    body = pattern
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    atoms: list[Atom] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body):
                raise PatternError("The pattern ends with a lone backslash.")
            nxt = body[i + 1]
            if nxt == "d":
                chars = _DIGITS
            elif nxt.isalnum():
                raise PatternError(f"The escape \\{nxt} is not supported; use \\d or a class.")
            else:
                chars = frozenset(nxt)
            i += 2
        elif c == "[":
            chars, i = _parse_class(body, i + 1)
        elif c in "(|)":
            raise PatternError("Groups and alternatives (|) are not supported.")
        elif c == ".":
            raise PatternError(
                "'.' (any character) is not supported; escape it as \\. or use a class."
            )
        elif c in _SPECIAL:
            raise PatternError(f"'{c}' must follow a character or class, or be escaped.")
        else:
            chars = frozenset(c)
            i += 1
        low, high, i = _parse_quantifier(body, i)
        atoms.append(Atom(chars=chars, low=low, high=high))
    if not any(atom.low > 0 for atom in atoms):
        raise PatternError("The pattern matches an empty number.")
    return tuple(atoms)


def _lenient_chars(allowed: frozenset[str]) -> frozenset[str]:
    """Characters OCR may have printed for a position that allows ``allowed``."""
    extra = {c.lower() for c in allowed if c.isalpha() and c.isupper()}
    extra |= {read for read, digit in DIGIT_LOOKALIKES.items() if digit in allowed}
    extra |= {read for read, letter in LETTER_LOOKALIKES.items() if letter in allowed}
    return allowed | extra


def _class(chars: frozenset[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"


def _quantifier(atom: Atom) -> str:
    if atom.low == atom.high == 1:
        return ""
    if atom.high is None:
        return f"{{{atom.low},}}"
    return f"{{{atom.low},{atom.high}}}"


def lenient_regex(atoms: tuple[Atom, ...]) -> re.Pattern[str]:
    """A regex that also accepts the OCR confusions of each position, one capturing group per
    atom, bounded so that it never starts or ends inside a run of letters and digits."""
    groups = "".join(f"({_class(_lenient_chars(a.chars))}{_quantifier(a)})" for a in atoms)
    return re.compile(_ALNUM_BOUNDARY_BEFORE + groups + _ALNUM_BOUNDARY_AFTER)


def _normalise_char(c: str, allowed: frozenset[str]) -> str:
    if c in allowed:
        return c
    if c.upper() in allowed:
        return c.upper()
    digit = DIGIT_LOOKALIKES.get(c)
    if digit is not None and digit in allowed:
        return digit
    letter = LETTER_LOOKALIKES.get(c)
    if letter is not None and letter in allowed:
        return letter
    return c


def _normalise_match(match: re.Match[str], atoms: tuple[Atom, ...]) -> str:
    return "".join(
        "".join(_normalise_char(c, atom.chars) for c in (match.group(k) or ""))
        for k, atom in enumerate(atoms, start=1)
    )


def _allows_whitespace(atoms: tuple[Atom, ...]) -> bool:
    return any(c.isspace() for atom in atoms for c in atom.chars)


def normalise_number(typed: str, pattern: str) -> str | None:
    """The typed number in the pattern's form, or ``None`` when it does not fit the pattern.

    Outer whitespace is dropped; inner whitespace is removed when the pattern has no space,
    otherwise runs of it become one space. Then the pattern-aware normalisation applies, so
    ``"mh/2O24/004517"`` gives ``"MH/2024/004517"``. Raises :class:`PatternError` for an
    unsupported pattern.
    """
    atoms = parse_pattern(pattern)
    text = " ".join(typed.split())
    if not _allows_whitespace(atoms):
        text = text.replace(" ", "")
    match = lenient_regex(atoms).fullmatch(text)
    if match is None:
        return None
    number = _normalise_match(match, atoms)
    return number if re.fullmatch(pattern, number) else None


# --- candidates in OCR text ---------------------------------------------------------------


def _line_variants(line: str, keep_spaces: bool) -> list[tuple[str, list[int]]]:
    """The line as read, with spaces around separators removed, and (when the pattern has no
    space) with every space removed; each with the index in ``line`` of every character."""
    variants = [(line, list(range(len(line))))]
    squeezed: list[tuple[str, int]] = []
    for index, c in enumerate(line):
        if c == " ":
            before = line[index - 1] if index else ""
            after = line[index + 1] if index + 1 < len(line) else ""
            if (before and not before.isalnum()) or (after and not after.isalnum()):
                continue
        squeezed.append((c, index))
    variants.append(("".join(c for c, _ in squeezed), [i for _, i in squeezed]))
    if not keep_spaces:
        joined = [(c, i) for i, c in enumerate(line) if c != " "]
        variants.append(("".join(c for c, _ in joined), [i for _, i in joined]))
    return variants


def find_candidates(ocr: OcrResult, pattern: str) -> list[Candidate]:
    """Every number in the OCR text that fits ``pattern`` after normalisation, in reading order,
    each normalised number once (with the highest confidence it was read at).

    Numbers are searched line by line, also with OCR's stray spaces around separators removed
    (``MH / 2024 / 004517``) and, for patterns without spaces, with every space removed. Raises
    :class:`PatternError` for an unsupported pattern.
    """
    atoms = parse_pattern(pattern)
    regex = lenient_regex(atoms)
    strict = re.compile(pattern)
    keep_spaces = _allows_whitespace(atoms)
    found: dict[str, tuple[Candidate, tuple[int, int]]] = {}
    word_index = 0
    for line_no, line in enumerate(ocr.text.split("\n")):
        tokens = line.split(" ") if line else []
        confidences = [w.confidence for w in ocr.words[word_index : word_index + len(tokens)]]
        word_index += len(tokens)
        # word of each character of the line (spaces belong to no word)
        owner: list[int | None] = []
        for k, token in enumerate(tokens):
            if k:
                owner.append(None)
            owner.extend([k] * len(token))
        for text, positions in _line_variants(line, keep_spaces):
            for match in regex.finditer(text):
                number = _normalise_match(match, atoms)
                if not strict.fullmatch(number):
                    continue
                spanned = {
                    owner[positions[p]]
                    for p in range(match.start(), match.end())
                    if owner[positions[p]] is not None
                }
                confidence = min(
                    (confidences[k] for k in spanned if k < len(confidences)), default=0.0
                )
                candidate = Candidate(
                    read=match.group(0), number=number, confidence=confidence, line=line_no
                )
                best = found.get(number)
                if best is None or candidate.confidence > best[0].confidence:
                    found[number] = (candidate, (line_no, positions[match.start()]))
    return [c for c, _ in sorted(found.values(), key=lambda item: item[1])]


def compare(typed_number: str, candidates: list[Candidate]) -> Comparison:
    """Compare the (normalised) typed number with the candidates.

    The nearest candidate by Levenshtein distance wins, the more confident one on a tie:
    distance 0 -> EXACT, 1 -> ONE_OFF, otherwise (or no candidate) ABSENT.
    """
    if not candidates:
        return Comparison(MatchOutcome.ABSENT, None, None)
    scored = sorted(
        ((Levenshtein.distance(typed_number, c.number), -c.confidence, c) for c in candidates),
        key=lambda item: (item[0], item[1]),
    )
    distance, _, best = scored[0]
    if distance == 0:
        outcome = MatchOutcome.EXACT
    elif distance == 1:
        outcome = MatchOutcome.ONE_OFF
    else:
        outcome = MatchOutcome.ABSENT
    return Comparison(outcome, best, distance)
