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

A large list is screened through a :class:`TargetIndex` (``loans.selectors.watchlist_targets``):
its :class:`NameIndex` scores only the names that can reach the cut-off (a cheap ``ratio`` scan,
an inverted index of words and a ``partial_ratio`` scan of names of very different length) and
gives exactly the hits of scoring every name; see :class:`NameIndex` for why.
"""

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
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


def search_names(*, name: str, aliases: Iterable[str]) -> str:
    """The entry's name and aliases normalised for screening (:func:`normalise_name`), blanks
    and repeats dropped, one a line: stored at import so that a worker's first screening reads
    them instead of normalising every name of the list (issue 13)."""
    names = (normalise_name(n) for n in (name, *aliases))
    return "\n".join(dict.fromkeys(n for n in names if n))


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


# WRatio's weights and length bands (rapidfuzz.fuzz.WRatio): names whose lengths differ by a
# factor of 1.5 or more are also compared by partial_ratio x 0.9 (x 0.6 beyond a factor of 8).
_PARTIAL_FROM = 1.5
_PARTIAL_SCALE = 0.9
_EPSILON = 1e-3  # scores are floats: every scan's cut-off a little lower, so rounding drops none


class NameIndex:
    """Normalised names of a list of targets, indexed so that :meth:`best` scores only the
    names that can reach the cut-off instead of every name (the blocking index, issue 13).

    ``names`` yields, per target (its position is its *owner* number), the target's normalised
    names one a line (:func:`search_names`, as stored in ``WatchlistEntry.search_names``).
    ``repeated``: the owners that have a name with a repeated word, when known (the import
    records them); ``None`` finds them by looking at every name.

    Why the candidates are exactly enough: :func:`name_score` is ``token_sort_ratio`` (on
    normalised names, whose words are already sorted, that is ``fuzz.ratio``) or ``WRatio``,
    and ``WRatio`` is the largest of ``ratio``; ``token_sort_ratio`` and ``token_set_ratio``
    x 0.95 (lengths within a factor of 1.5); ``partial_ratio`` and ``partial_token_ratio``
    x 0.9 (x 0.6 beyond a factor of 8) otherwise. Between two names without a repeated word
    that share no word, ``token_set_ratio`` is ``ratio`` and ``partial_token_ratio`` is
    ``partial_ratio``. So a name reaches the cut-off only if (1) its ``ratio`` does, or (2) it
    shares a word with the query, or (3) its length differs by a factor of 1.5 or more and its
    ``partial_ratio`` reaches the cut-off / 0.9 (/ 0.6). :meth:`best` takes (1) from one C-speed
    ``ratio`` scan (bit-parallel, an order of magnitude cheaper than ``WRatio``), (2) from a
    search for `` word `` in all names joined into one string (``str.find``, a few ms per word;
    no per-name Python work, so building the index of 200,000 names takes milliseconds),
    (3) from a ``partial_ratio`` scan of the names in those length bands (names sorted by
    length: two slices) whose characters in common with the query allow it (a bound from
    character histograms), and scores names with a repeated word (rare) always; a query with
    a repeated word falls back to the full scan. ``bench/screening.py`` and
    ``loans/tests/test_screening_index.py`` check the hits against the full scan.
    """

    def __init__(self, names: Iterable[str], *, repeated: Iterable[int] | None = None) -> None:
        per_owner = list(names)
        self.owner_count = len(per_owner)
        counts = np.fromiter(
            (n.count("\n") + 1 if n else 0 for n in per_owner), dtype=np.int64, count=len(per_owner)
        )
        joined = "\n".join(n for n in per_owner if n)
        self.choices: list[str] = joined.split("\n") if joined else []
        self.owners = np.repeat(np.arange(len(per_owner), dtype=np.int64), counts)
        lengths = np.fromiter(map(len, self.choices), dtype=np.int64, count=len(self.choices))
        # " a b  c d " : every word of every name between two spaces, names two spaces apart.
        self._joined = " " + "  ".join(self.choices) + " "
        self._starts = np.cumsum(lengths + 2) - (lengths + 2) + 1
        self._order = np.argsort(lengths, kind="stable")
        self._sorted_lengths = lengths[self._order]
        self._by_length = [self.choices[i] for i in self._order]
        self._histograms: np.ndarray | None = None
        if repeated is None:
            suspects: Iterable[int] = range(len(self.choices))
        else:
            first = np.cumsum(counts) - counts
            suspects = [int(p) for o in repeated for p in range(first[o], first[o] + counts[o])]
        self.repeated = [p for p in suspects if has_repeated_word(self.choices[p])]

    def __len__(self) -> int:
        return len(self.choices)

    def best(
        self, query: str, cutoff: float, *, full_scan: bool = False
    ) -> dict[int, tuple[float, str]]:
        """``{owner: (name score, normalised name)}`` of every owner with a name scoring at
        least ``cutoff`` (0-100) against the normalised ``query``: its best name, the first one
        on a tie. ``full_scan`` scores every name (the reference the index must agree with)."""
        if full_scan or has_repeated_word(query):
            positions = self._full_scan(query, cutoff)
        else:
            positions = self._candidates(query, cutoff)
        best: dict[int, tuple[float, str]] = {}
        for position in sorted(positions):
            choice = self.choices[position]
            score = name_score(query, choice)
            owner = int(self.owners[position])
            if score >= cutoff and score > best.get(owner, (-1.0, ""))[0]:
                best[owner] = (score, choice)
        return best

    @staticmethod
    def _scan(
        query: str, choices: list[str], positions: Any, scorer: Any, cutoff: float
    ) -> set[int]:
        """Positions (``positions[i]`` for ``choices[i]``; ``i`` itself when ``None``) of the
        ``choices`` scoring at least ``cutoff`` by ``scorer`` (RapidFuzz, C speed)."""
        if not choices:
            return set()
        found = process.extract(query, choices, scorer=scorer, score_cutoff=cutoff, limit=None)
        if positions is None:
            return {i for _c, _s, i in found}
        return {int(positions[i]) for _c, _s, i in found}

    def _full_scan(self, query: str, cutoff: float) -> set[int]:
        low = max(cutoff - _EPSILON, 0.0)
        return self._scan(query, self.choices, None, fuzz.token_sort_ratio, low) | self._scan(
            query, self.choices, None, fuzz.WRatio, low
        )

    def _containing(self, word: str) -> list[int]:
        """Positions of the names that have ``word`` as one of their words."""
        needle, joined, offsets = f" {word} ", self._joined, []
        at = joined.find(needle)
        while at >= 0:
            offsets.append(at + 1)
            at = joined.find(needle, at + 1)
        if not offsets:
            return []
        return (np.searchsorted(self._starts, offsets, side="right") - 1).tolist()

    def _candidates(self, query: str, cutoff: float) -> set[int]:
        low = max(cutoff - _EPSILON, 0.0)
        found = self._scan(query, self.choices, None, fuzz.ratio, low)  # (1)
        sharing = set(self.repeated)  # (2), and the names with a repeated word
        for word in set(query.split()):
            sharing.update(self._containing(word))
        sharing = sorted(sharing - found)
        found |= self._scan(query, [self.choices[p] for p in sharing], sharing, fuzz.WRatio, low)
        if low / _PARTIAL_SCALE <= 100.0:  # (3): x 0.6 beyond a factor of 8 is stricter still
            length = len(query)
            shorter = int(
                np.searchsorted(self._sorted_lengths, length / _PARTIAL_FROM + 0.01, "right")
            )
            longer = int(
                np.searchsorted(self._sorted_lengths, length * _PARTIAL_FROM - 0.01, "left")
            )
            shorter = min(shorter, longer)
            partial = low / _PARTIAL_SCALE
            # partial_ratio compares the shorter name (m characters) with pieces of the longer
            # one: at most 200 I / (m + I), I the characters they have in common (as multisets,
            # counted by the histograms; buckets shared by several characters only raise I).
            # Only names whose bound reaches the cut-off are scored.
            hq = _histogram(query)
            bands = (slice(0, shorter), slice(longer, len(self._order)))
            positions = []
            for band in bands:
                common = np.minimum(self._sorted_histograms[band], hq).sum(axis=1)
                shortest = np.minimum(self._sorted_lengths[band], length)
                bound = 200.0 * common / (shortest + common)
                keep = np.flatnonzero(bound >= partial - _EPSILON) + band.start
                positions.extend(self._order[keep].tolist())
            found |= self._scan(
                query, [self.choices[p] for p in positions], positions, fuzz.partial_ratio, partial
            )
        return found

    @property
    def _sorted_histograms(self) -> np.ndarray:
        """Per name (in length order) its characters counted in 32 buckets (code point mod
        32), built on first use from all names at once (a ``bincount``)."""
        if self._histograms is None:
            lengths = self._sorted_lengths
            text = "".join(self._by_length)
            points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) & (_BUCKETS - 1)
            owners = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
            counts = np.bincount(owners * _BUCKETS + points, minlength=len(lengths) * _BUCKETS)
            self._histograms = counts.reshape(len(lengths), _BUCKETS).astype(np.uint16)
        return self._histograms


_BUCKETS = 32


def _histogram(name: str) -> np.ndarray:
    points = np.frombuffer(name.encode("utf-32-le"), dtype=np.uint32) & (_BUCKETS - 1)
    return np.bincount(points, minlength=_BUCKETS).astype(np.uint16)


def has_repeated_word(name: str) -> bool:
    """True when the normalised ``name`` has a word twice (``"ali ali khan"``): RapidFuzz's
    set-based scores treat such names differently, so :class:`NameIndex` always scores them."""
    words = name.split()
    return len(words) > 1 and len(set(words)) != len(words)


class TargetIndex(Sequence[Target]):
    """A list's targets behind a :class:`NameIndex` (owner ``i`` is target ``i``): ``screen``
    asks the index for the candidates and ``fetch`` (owner numbers -> their targets, in that
    order; e.g. one database query) for those targets only, so a process keeps the names of a
    large list in memory, not a hundred thousand :class:`Target` objects. Iterating fetches
    every target."""

    def __init__(self, index: NameIndex, fetch: Callable[[Sequence[int]], list[Target]]) -> None:
        self.index = index
        self.fetch = fetch

    def __len__(self) -> int:
        return self.index.owner_count

    def __getitem__(self, item):  # noqa: ANN001, ANN204 - Sequence's int | slice protocol
        owners = range(len(self))[item]
        return self.fetch(owners) if isinstance(item, slice) else self.fetch([owners])[0]

    def __iter__(self) -> Iterator[Target]:
        return iter(self.fetch(range(len(self))))


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
    cutoff = max(threshold - _CUTOFF_MARGIN, 0)
    if isinstance(targets, TargetIndex):
        best = targets.index.best(query, cutoff)
        owners = sorted(best)
        by_owner = dict(zip(owners, targets.fetch(owners), strict=True))
    else:
        targets = list(targets)
        index = NameIndex(search_names(name=t.name, aliases=t.aliases) for t in targets)
        best = index.best(query, cutoff, full_scan=True)
        by_owner = dict(enumerate(targets))

    hits = []
    for owner, (score, matched) in best.items():
        target = by_owner[owner]
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
