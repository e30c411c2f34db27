"""Fuzzy screening of a person's name against watchlist targets (engine: no ORM).

Names are normalised (accents and punctuation removed, case-folded, tokens sorted) and compared
with RapidFuzz: ``fuzz.token_sort_ratio`` (word order does not matter: "Putin Vladimir") and,
when both names have two or more words, ``fuzz.WRatio`` (a missing middle name still scores
high). The best score over the target's name and aliases is then adjusted by what else is known:

- date of birth: +5 when a target's birth date agrees (``"1952"`` agrees with any day of 1952,
  ``"1952-10"`` with any day of that month), -15 when the target has birth dates and none agrees;
- country: +3 when the applicant's ISO 3166 alpha-2 code is among the target's countries, -5 when
  the target lists countries and it is not.

A target with an adjusted score at or above the threshold (0-100) is a hit. Everything is
deterministic: the same inputs give the same hits and scores.
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

DOB_AGREES = 5.0
DOB_DISAGREES = -15.0
COUNTRY_AGREES = 3.0
COUNTRY_DISAGREES = -5.0
#: Candidates this far below the threshold are still scored: a DOB or country bonus may lift them.
_CUTOFF_MARGIN = DOB_AGREES + COUNTRY_AGREES

_NON_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)


@dataclass(frozen=True)
class Target:
    """A person (or entity) on a list. ``key`` identifies it to the caller (an entry id);
    ``birth_dates`` are ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` strings, ``countries`` ISO
    3166 alpha-2 codes (any case)."""

    key: str
    name: str
    aliases: Sequence[str] = ()
    birth_dates: Sequence[str] = ()
    countries: Sequence[str] = ()
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Hit:
    """A target that matched: ``score`` the adjusted score, ``name_score`` the best name score,
    ``matched_name`` the name or alias that gave it, ``dob`` / ``country`` each ``"agrees"``,
    ``"disagrees"`` or ``"unknown"``."""

    target: Target
    score: float
    name_score: float
    matched_name: str
    dob: str
    country: str

    def as_dict(self) -> dict:
        """JSON-ready evidence: ``{"key", "name", "matched_name", "score", "name_score", "dob",
        "country", **target.meta}``."""
        return {
            "key": self.target.key,
            "name": self.target.name,
            "matched_name": self.matched_name,
            "score": round(self.score, 1),
            "name_score": round(self.name_score, 1),
            "dob": self.dob,
            "country": self.country,
            **self.target.meta,
        }


@functools.lru_cache(maxsize=1_000_000)
def normalise_name(name: str) -> str:
    """``"  Jöhn  O'Brien-Smith "`` -> ``"brien john o smith"``: accents stripped, punctuation to
    spaces, case-folded, tokens sorted and single-spaced."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _NON_WORD.sub(" ", plain.casefold())
    return " ".join(sorted(plain.split()))


def name_score(query: str, candidate: str) -> float:
    """Similarity 0-100 of two normalised names (see the module docstring)."""
    if not query or not candidate:
        return 0.0
    score = fuzz.token_sort_ratio(query, candidate)
    if len(query.split()) >= 2 and len(candidate.split()) >= 2:
        score = max(score, fuzz.WRatio(query, candidate))
    return float(score)


def _dob_agreement(date_of_birth: datetime.date | None, birth_dates: Sequence[str]) -> str:
    if date_of_birth is None or not birth_dates:
        return "unknown"
    iso = date_of_birth.isoformat()
    for value in birth_dates:
        value = value.strip()
        if value and iso.startswith(value):
            return "agrees"
    return "disagrees"


def _country_agreement(country_code: str, countries: Sequence[str]) -> str:
    if not country_code or not countries:
        return "unknown"
    wanted = country_code.casefold()
    return "agrees" if any(c.strip().casefold() == wanted for c in countries) else "disagrees"


_ADJUST = {
    "dob": {"agrees": DOB_AGREES, "disagrees": DOB_DISAGREES, "unknown": 0.0},
    "country": {"agrees": COUNTRY_AGREES, "disagrees": COUNTRY_DISAGREES, "unknown": 0.0},
}


def screen(
    *,
    name: str,
    targets: Iterable[Target],
    threshold: float,
    date_of_birth: datetime.date | None = None,
    country_code: str = "",
) -> list[Hit]:
    """Hits of ``name`` among ``targets``, best first (score, then key).

    ``threshold`` is 0-100 (``settings.SCREENING_THRESHOLD``); ``date_of_birth`` and
    ``country_code`` (ISO 3166 alpha-2) are optional evidence. Returns an empty list when the
    name normalises to nothing.
    """
    query = normalise_name(name)
    if not query:
        return []
    targets = list(targets)
    choices: list[str] = []
    owners: list[int] = []
    for index, target in enumerate(targets):
        for candidate in (target.name, *target.aliases):
            normalised = normalise_name(candidate)
            if normalised:
                choices.append(normalised)
                owners.append(index)

    cutoff = max(threshold - _CUTOFF_MARGIN, 0)
    best: dict[int, tuple[float, str]] = {}
    for scorer in (fuzz.token_sort_ratio, fuzz.WRatio):
        # C-speed pre-filter over every name; the exact score comes from name_score below.
        for _choice, _score, position in process.extract(
            query, choices, scorer=scorer, score_cutoff=cutoff, limit=None
        ):
            owner = owners[position]
            score = name_score(query, choices[position])
            if score >= cutoff and score > best.get(owner, (-1.0, ""))[0]:
                best[owner] = (score, choices[position])

    hits = []
    for owner, (score, matched) in best.items():
        target = targets[owner]
        dob = _dob_agreement(date_of_birth, target.birth_dates)
        country = _country_agreement(country_code, target.countries)
        adjusted = min(100.0, max(0.0, score + _ADJUST["dob"][dob] + _ADJUST["country"][country]))
        if adjusted >= threshold:
            matched_name = next(
                (n for n in (target.name, *target.aliases) if normalise_name(n) == matched),
                target.name,
            )
            hits.append(
                Hit(
                    target=target,
                    score=adjusted,
                    name_score=score,
                    matched_name=matched_name,
                    dob=dob,
                    country=country,
                )
            )
    hits.sort(key=lambda h: (-h.score, h.target.key))
    return hits
