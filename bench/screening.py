"""Compliance screening of one name against a large watchlist (issue 13, target 4).

    DATABASE_URL=postgres://smartbank:smartbank@127.0.0.1:5432/sb_bench_screen \\
        .venv/bin/python bench/screening.py [--rows 100000] [--runs 31] [--json PATH]

What it does, in one run (PostgreSQL only; it refuses a database that already holds watchlist
entries):

1. Writes a ``targets.simple.csv`` of ``--rows`` people (names built from name-like syllables,
   one alias each, half with a birth date, a country each) and imports it through the real
   service, :func:`loans.watchlists.watchlist_import`, which stores every name normalised for
   screening (``WatchlistEntry.search_names``).
2. **Cold**: a new Python process sets Django up, then times its first screening of one name
   (:func:`loans.selectors.watchlist_targets` builds the process's name index from the stored
   names in one query; :func:`loans.screening.screen` scores the candidates); target ≤ 500 ms.
3. **Warm**: the same path in this process, median over ``--runs`` names, interleaved with the
   **anchor**: RapidFuzz's ``process.extractOne`` (its default scorer, ``WRatio``) over the same
   normalised names and aliases held in a list; targets ≤ 100 ms and ≤ 2× the anchor.
4. **Same hits**: for ``--queries`` names (typos, transliterations, word order, missing or extra
   words, initials, and names of nobody on the list) the blocked search against scoring every
   name: ``NameIndex.best(..., full_scan=True)``, the reference, which runs RapidFuzz over every
   name as the screening did before the index; equal hits (same targets, scores and matched
   names) for every query is an agreement of 1.000. Ten of the queries also go through
   ``screen`` both ways with a date of birth and a country.

The path to the full OpenSanctions default dataset (about 1.5 M people and 3-4 M names and
aliases, growing): the in-memory index grows linearly, about 150 bytes a name (the joined
string, the length order, the choice list): ~0.5 GB per worker process for 3.5 M names, built in
~2 s from the stored names, and the full ``ratio`` scan of step (1) grows to ~0.3 s a name. Past
a few hundred thousand names the candidates should come from the database instead: a
``WatchlistName`` table (one row per normalised name, its length and its words in an
``ArrayField`` with a GIN index, or ``pg_trgm`` trigrams with a GIN index on PostgreSQL)
filled at import, queried with the query's words (blocking rule 2) and ``similarity(name,
query) >= s`` via ``%`` (a trigram bound standing in for the ``ratio`` scan, rule 1; it must be
set loose enough to keep every name whose ``ratio`` reaches the cut-off, which the agreement check
of this bench measures), and the length bands (rule 3) as a range on the length column; the
workers then hold no list at all and every screening is one indexed query plus RapidFuzz over a
few hundred candidates. SQLite (``make run``) keeps the in-memory index.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")

from bench._common import Row, emit  # noqa: E402

BENCH = "screening"
THRESHOLD = 88
LIST_NAME = "bench"
SYLLABLES = (
    "al an ar as ba be bo da de di dra el em en er ev fa fe go ha he hu ia il in ka ke ki ko "
    "la le li lo lu ma me mi mo mu na ne ni no nu ol om or os pa pe ra re ri ro ru sa se si so "
    "ta te ti to tu ul va ve vi vo ya za ze zi"
).split()
TRANSLITERATIONS = (("v", "w"), ("ph", "f"), ("y", "i"), ("ou", "u"), ("kh", "h"), ("j", "dzh"))


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()


def _person(rng: random.Random) -> str:
    return " ".join(_word(rng) for _ in range(rng.choice((2, 2, 2, 3, 3, 4))))


def _variant(rng: random.Random, name: str) -> str:
    """A way an applicant might write a listed person's name."""
    words = name.split()
    kind = rng.randrange(6)
    if kind == 0 and len(words) > 1:  # word order
        rng.shuffle(words)
    elif kind == 1:  # a typo
        word = list(rng.choice(words))
        at = rng.randrange(len(word))
        word[at] = rng.choice("aeiourstnl")
        words[rng.randrange(len(words))] = "".join(word)
    elif kind == 2:  # transliteration
        old, new = rng.choice(TRANSLITERATIONS)
        words = [w.replace(old, new) for w in words]
    elif kind == 3 and len(words) > 2:  # missing middle name
        del words[1]
    elif kind == 4:  # an extra word
        words.insert(rng.randrange(len(words) + 1), _word(rng))
    elif kind == 5:  # an initial
        words[0] = words[0][0] + "."
    return " ".join(words)


def _csv(rows: int, rng: random.Random) -> tuple[str, list[str]]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "schema", "name", "aliases", "birth_date", "countries", "dataset"])
    names = []
    for i in range(rows):
        name = _person(rng)
        names.append(name)
        alias = _variant(rng, name) if rng.random() < 0.5 else _person(rng)
        born = f"{rng.randint(1940, 2000)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        country = rng.choice(("ru", "ir", "kp", "sy", "by", "ve", "mm", "cu"))
        writer.writerow(
            [f"b{i}", "Person", name, alias, born if i % 2 else "", country, "bench list"]
        )
    return out.getvalue(), names


def _cold(name: str) -> None:
    """In a new process: the first screening (``--cold NAME``), printed as ms."""
    import django

    django.setup()
    from loans import screening, selectors

    start = time.perf_counter()
    imports = selectors.watchlist_imports_active(kind="SANCTIONS")
    screening.screen(
        name=name, targets=selectors.watchlist_targets(imports=imports), threshold=THRESHOLD
    )
    print(f"{(time.perf_counter() - start) * 1000:.1f}")


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="watchlist entries")
    parser.add_argument("--runs", type=int, default=31, help="warm screenings (median)")
    parser.add_argument("--queries", type=int, default=150, help="agreement queries")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", help="write the rows here (bench/run_all.py)")
    parser.add_argument("--cold", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        _cold(args.cold)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rapidfuzz import process

    from loans import screening, selectors
    from loans.models import WatchlistEntry
    from loans.watchlists import watchlist_import

    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL (DATABASE_URL), as production does.")
    call_command("migrate", verbosity=0)
    if WatchlistEntry.objects.exists():
        sys.exit("The database already holds watchlist entries: give this bench an empty one.")

    rng = random.Random(args.seed)  # noqa: S311 - synthetic names, not a secret
    text, listed = _csv(args.rows, rng)
    started = time.perf_counter()
    watchlist_import(
        file=io.StringIO(text, newline=""), name=LIST_NAME, kind="SANCTIONS", version="1"
    )
    imported = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE loans_watchlistentry")
    print(f"imported {args.rows:,} entries in {imported:.1f} s")

    def query_names(count: int) -> list[str]:
        names = []
        for i in range(count):
            if i % 4 == 3:
                names.append(_person(rng))  # nobody on the list (almost surely)
            else:
                names.append(_variant(rng, rng.choice(listed)))
        return names

    # --- cold, in a new process ---------------------------------------------------------------
    env = dict(os.environ)
    colds = []
    for name in query_names(3):
        out = subprocess.run(  # noqa: S603 - our own script
            [sys.executable, __file__, "--cold", name],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        colds.append(float(out.stdout.strip().splitlines()[-1]))
    cold = statistics.median(colds)

    # --- warm, interleaved with the anchor ----------------------------------------------------
    imports = selectors.watchlist_imports_active(kind="SANCTIONS")
    targets = selectors.watchlist_targets(imports=imports)
    choices = list(targets.index.choices)  # the same normalised names and aliases
    warm, anchor, hits = [], [], 0
    for name in query_names(args.runs):
        start = time.perf_counter()
        found = screening.screen(
            name=name,
            targets=selectors.watchlist_targets(imports=imports),
            threshold=THRESHOLD,
        )
        warm.append(time.perf_counter() - start)
        hits += bool(found)
        query = screening.normalise_name(name)
        start = time.perf_counter()
        process.extractOne(query, choices)
        anchor.append(time.perf_counter() - start)

    # --- the same hits as scoring every name --------------------------------------------------
    index = targets.index
    cutoff = THRESHOLD - screening.DOB_AGREES - screening.COUNTRY_AGREES
    agree = with_hits = 0
    queries = query_names(args.queries)
    for name in queries:
        query = screening.normalise_name(name)
        reference = index.best(query, cutoff, full_scan=True)
        with_hits += bool(reference)
        agree += index.best(query, cutoff) == reference
    every = list(targets)  # plain Targets: screen() then scores every name
    full_agree = 0
    checked = queries[:: max(1, len(queries) // 10)]
    for name in checked:
        person = {"name": name, "threshold": THRESHOLD, "country_code": "ru"}
        blocked = screening.screen(targets=targets, **person)
        full = screening.screen(targets=every, **person)
        full_agree += [(h.target.key, h.score, h.matched_name) for h in blocked] == [
            (h.target.key, h.score, h.matched_name) for h in full
        ]
    agreement = (agree + full_agree) / (len(queries) + len(checked))
    print(f"agreement queries with a name hit: {with_hits} of {len(queries)}")
    print(f"warm screenings with a hit: {hits} of {args.runs}")

    warm_ms = statistics.median(warm) * 1000
    anchor_ms = statistics.median(anchor) * 1000
    n = f"{args.rows:,}"
    rows = [
        Row(
            BENCH,
            f"first screening in a new process, {n} entries",
            f"{cold:.0f} ms",
            "",
            None,
            "≤ 500 ms",
            cold <= 500,
        ),
        Row(
            BENCH,
            f"screening one name, warm, {n} entries ({len(choices):,} names)",
            f"{warm_ms:.1f} ms",
            f"{anchor_ms:.1f} ms",
            warm_ms / anchor_ms,
            "≤ 100 ms, ≤ 2×",
            warm_ms <= 100 and warm_ms / anchor_ms <= 2,
        ),
        Row(
            BENCH,
            f"same hits as scoring every name ({len(queries) + len(checked)} queries)",
            f"{agreement:.3f}",
            "",
            None,
            "= 1.000",
            agreement == 1.0,
        ),
        Row(BENCH, f"import of {n} entries (normalised names stored)", f"{imported:.1f} s"),
    ]
    emit(rows, args.json)


if __name__ == "__main__":
    main()
