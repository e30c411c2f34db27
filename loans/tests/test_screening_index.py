"""Issue 13: the screening index scores only candidates and finds exactly the hits of scoring
every name; the import stores the normalised names it is built from."""

import datetime
import random

import pytest

from loans.models import WatchlistEntry
from loans.screening import NameIndex, Target, TargetIndex, normalise_name, screen, search_names
from loans.selectors import watchlist_imports_active, watchlist_targets
from loans.watchlists import watchlist_import

from .factories import write_targets_csv

SYLLABLES = (
    "al an ar ba bo da de el en ha ia ka ko la li ma mi na no ol ra ri sa so ta vi ya".split()
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))


def _name(rng: random.Random) -> str:
    return " ".join(_word(rng) for _ in range(rng.choice((1, 2, 2, 3, 4, 6))))


def _variant(rng: random.Random, name: str) -> str:
    words = name.split()
    change = rng.randrange(5)
    if change == 0:
        rng.shuffle(words)
    elif change == 1:
        i = rng.randrange(len(words))
        words[i] = words[i][:-1] + rng.choice("aeiouxyz")
    elif change == 2 and len(words) > 1:
        words.pop(rng.randrange(len(words)))
    elif change == 3:
        words.append(_word(rng))
    else:
        words = [words[0][:2], *words]
    return " ".join(words)


def test_the_index_finds_exactly_what_scoring_every_name_finds():
    """Short and long names, names with a word twice, typos, reordered, dropped and added
    words, and strangers, at the screening cut-off and far from it."""
    rng = random.Random(13)
    per_target = []
    for _ in range(1500):
        names = [_name(rng) for _ in range(rng.choice((1, 1, 2, 3)))]
        if rng.random() < 0.05:
            first = names[0].split()[0]
            names.append(f"{first} {names[0]} {first}")  # a repeated word
        per_target.append("\n".join(dict.fromkeys(normalise_name(n) for n in names)))
    index = NameIndex(per_target)
    listed = [line for names in per_target for line in names.split("\n")]
    queries = [normalise_name(_variant(rng, rng.choice(listed))) for _ in range(150)]
    queries += [normalise_name(_name(rng)) for _ in range(50)]
    queries += ["ma ma", "a", "vi " * 5]

    compared = with_hits = 0
    for cutoff in (80.0, 60.0, 92.0):
        for query in queries:
            reference = index.best(query, cutoff, full_scan=True)
            assert index.best(query, cutoff) == reference, (query, cutoff)
            compared += 1
            with_hits += bool(reference)
    assert with_hits > compared / 3  # the comparison is not only of empty results


def test_an_index_built_knowing_the_repeated_words_agrees_with_one_that_looks_for_them():
    names = ["ali ali khan", "ali khan", "khan mohammed", "ali"]
    told = NameIndex(names, repeated=[0])
    found = NameIndex(names)
    assert told.repeated == found.repeated == [0]
    for query in ("ali khan", "khan", "ali alli khan"):
        assert told.best(query, 60) == found.best(query, 60, full_scan=True)


PEOPLE = [
    {
        "id": "NK-abc",
        "schema": "Person",
        "name": "Viktor Anatolyevich BOUT",
        "aliases": "Victor Bout;Viktor But",
        "birth_date": "1967-01-13",
        "countries": "ru",
    },
    {"id": "Q1", "schema": "Person", "name": "Ali Ali Hassan", "countries": "ir"},
    {"id": "Q2", "schema": "Person", "name": "Maria da Silva Santos", "birth_date": "1975"},
    {"id": "Q3", "schema": "Person", "name": "Li Wei"},
]


def _import(tmp_path, rows, version):
    path = write_targets_csv(tmp_path / f"targets-{version}.csv", rows)
    with path.open(newline="") as fh:
        return watchlist_import(file=fh, name="List", kind="SANCTIONS", version=version)


@pytest.mark.django_db
def test_the_import_stores_each_entry_names_normalised_for_the_index(tmp_path):
    _import(tmp_path, PEOPLE, "v1")

    bout = WatchlistEntry.objects.get(entity_id="NK-abc")
    assert bout.search_names == "anatolyevich bout viktor\nbout victor\nbut viktor"
    assert bout.search_names == search_names(name=bout.name, aliases=bout.aliases)
    assert not bout.search_repeated
    assert WatchlistEntry.objects.get(entity_id="Q1").search_repeated  # "ali ali hassan"


@pytest.mark.django_db
def test_screening_through_the_index_gives_the_hits_of_every_target_scored(tmp_path):
    _import(tmp_path, PEOPLE, "v1")
    targets = watchlist_targets(imports=watchlist_imports_active(kind="SANCTIONS"))
    assert isinstance(targets, TargetIndex)
    every: list[Target] = list(targets)
    assert [t.key for t in every] == ["NK-abc", "Q1", "Q2", "Q3"]

    for name, born, country in (
        ("Victor Butt", datetime.date(1967, 1, 13), "ru"),
        ("Bout Viktor", None, ""),
        ("Ali Hassan", None, "ir"),
        ("Maria Santos", datetime.date(1975, 5, 1), "br"),
        ("Wei Li", None, ""),
        ("Priya Raman", None, ""),
    ):
        person = {"name": name, "date_of_birth": born, "country_code": country}
        for threshold in (88, 70):
            indexed = screen(targets=targets, threshold=threshold, **person)
            assert indexed == screen(targets=every, threshold=threshold, **person), name

    hits = screen(name="Victor Butt", targets=targets, threshold=88)
    assert [h.target.key for h in hits] == ["NK-abc"]
    assert hits[0].matched_name == "Victor Bout"
    assert hits[0].target.meta["version"] == "v1"


@pytest.mark.django_db
def test_a_new_version_of_the_list_replaces_the_index_the_workers_screen_with(tmp_path):
    _import(tmp_path, PEOPLE, "v1")
    before = watchlist_targets(imports=watchlist_imports_active(kind="SANCTIONS"))
    assert screen(name="Li Wei", targets=before, threshold=88)

    _import(tmp_path, [*PEOPLE[:3], {"id": "Q4", "schema": "Person", "name": "Chen Jing"}], "v2")
    after = watchlist_targets(imports=watchlist_imports_active(kind="SANCTIONS"))

    assert after is not before
    assert not screen(name="Li Wei", targets=after, threshold=88)
    hits = screen(name="Jing Chen", targets=after, threshold=88)
    assert [(h.target.key, h.target.meta["version"]) for h in hits] == [("Q4", "v2")]


@pytest.mark.django_db
def test_an_import_that_comes_back_with_a_deleted_ones_id_and_version_is_indexed_anew(tmp_path):
    """SQLite gives a deleted last row's id to the next insert: the same id and version are
    then another import, whose names the workers must screen with."""
    first = _import(tmp_path, PEOPLE, "v1")
    assert screen(
        name="Li Wei", targets=watchlist_targets(imports=[first]), threshold=88
    )  # cached now
    pk = first.pk
    WatchlistEntry.objects.filter(watchlist=first).delete()
    first.delete()

    again = _import(tmp_path, [{"id": "Q4", "schema": "Person", "name": "Chen Jing"}], "v1")
    type(again).objects.filter(pk=again.pk).update(id=pk)  # as SQLite would have numbered it
    WatchlistEntry.objects.filter(watchlist_id=again.pk).update(watchlist_id=pk)
    again = type(again).objects.get(pk=pk)
    targets = watchlist_targets(imports=[again])

    assert not screen(name="Li Wei", targets=targets, threshold=88)
    assert [h.target.key for h in screen(name="Jing Chen", targets=targets, threshold=88)] == ["Q4"]
