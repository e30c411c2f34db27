"""Screening engine and watchlist import (OpenSanctions targets.simple.csv)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from loans.models import WatchlistEntry, WatchlistImport
from loans.screening import Target, normalise_name, screen
from loans.selectors import watchlist_imports_active, watchlist_targets
from loans.watchlists import watchlist_import
from smartbank.errors import ApplicationError, ConflictError

from .factories import write_targets_csv

PUTIN = Target(
    key="Q7747",
    name="Vladimir Vladimirovich PUTIN",
    aliases=("Putin Vladimir", "Владимир Путин"),
    birth_dates=("1952-10-07",),
    countries=("ru",),
)
SMITH = Target(key="X1", name="John Smith", birth_dates=("1970",), countries=("gb",))


def test_normalise_name():
    assert normalise_name("  Jöhn  O'Brien-SMITH ") == "brien john o smith"
    assert normalise_name("Ñúñez, José") == "jose nunez"
    assert normalise_name("...") == ""


def test_exact_name_in_other_order_is_a_hit():
    hits = screen(name="Vladimir Putin", targets=[PUTIN, SMITH], threshold=88)
    assert [(h.target.key, h.score, h.matched_name) for h in hits] == [
        ("Q7747", 100.0, "Putin Vladimir")
    ]


def test_typo_is_still_a_hit():
    hits = screen(name="Vladimir Puttin", targets=[PUTIN], threshold=88)
    assert len(hits) == 1
    assert 90 < hits[0].score < 100


def test_unrelated_name_is_no_hit():
    assert screen(name="Priya Raman", targets=[PUTIN, SMITH], threshold=88) == []


def test_dob_disagreement_lowers_the_score_below_threshold():
    hits = screen(
        name="John Smith",
        targets=[SMITH],
        threshold=88,
        date_of_birth=datetime.date(1991, 3, 4),
    )
    assert hits == []


def test_dob_and_country_agreement_raise_the_score():
    plain = screen(name="Jhon Smyth", targets=[SMITH], threshold=70)[0]
    agreeing = screen(
        name="Jhon Smyth",
        targets=[SMITH],
        threshold=70,
        date_of_birth=datetime.date(1970, 6, 1),
        country_code="GB",
    )[0]
    assert (agreeing.dob, agreeing.country) == ("agrees", "agrees")
    assert plain.score < 92
    assert agreeing.score == pytest.approx(plain.score + 8)


def test_threshold_is_inclusive_and_deterministic():
    score = screen(name="Jon Smith", targets=[SMITH], threshold=0)[0].score
    assert screen(name="Jon Smith", targets=[SMITH], threshold=score)
    assert not screen(name="Jon Smith", targets=[SMITH], threshold=score + 0.01)


ROWS = [
    {
        "id": "NK-abc",
        "schema": "Person",
        "name": "Viktor Petrovich Bout",
        "aliases": "Victor Bout;Viktor But;Viktor Petrovich Bout",
        "birth_date": "1967-01-13",
        "countries": "ru;TJ",
        "dataset": "US OFAC Specially Designated Nationals (SDN) List",
    },
    {"id": "NK-org", "schema": "Organization", "name": "Air Cess", "dataset": "US OFAC SDN"},
    {"id": "NK-blank", "schema": "Person", "name": ""},
]


@pytest.mark.django_db
def test_import_reads_people_and_splits_multi_valued_cells(tmp_path):
    path = write_targets_csv(tmp_path / "targets.simple.csv", ROWS)
    with path.open(newline="") as fh:
        watchlist = watchlist_import(
            file=fh, name="OpenSanctions", kind="sanctions", version="20261120"
        )

    assert (watchlist.kind, watchlist.row_count, watchlist.is_active) == ("SANCTIONS", 1, True)
    entry = WatchlistEntry.objects.get(watchlist=watchlist)
    assert entry.entity_id == "NK-abc"
    assert entry.aliases == ["Victor Bout", "Viktor But"]
    assert entry.birth_dates == ["1967-01-13"]
    assert entry.countries == ["ru", "tj"]
    assert entry.dataset.startswith("US OFAC")


@pytest.mark.django_db
def test_import_command_replaces_the_active_version_and_keeps_the_old(tmp_path):
    path = write_targets_csv(tmp_path / "targets.simple.csv", ROWS)
    call_command("import_watchlist", str(path), "--kind", "sanctions", "--version", "v1")
    call_command("import_watchlist", str(path), "--kind", "sanctions", "--version", "v2")

    imports = WatchlistImport.objects.order_by("version")
    assert [(i.name, i.version, i.is_active) for i in imports] == [
        ("OpenSanctions sanctions", "v1", False),
        ("OpenSanctions sanctions", "v2", True),
    ]
    active = watchlist_imports_active(kind="SANCTIONS")
    targets = watchlist_targets(imports=active)
    assert [(t.key, t.meta["version"]) for t in targets] == [("NK-abc", "v2")]
    # A typo in the applicant's name is still found among the aliases.
    hits = screen(name="Victor Butt", targets=targets, threshold=88)
    assert hits and hits[0].target.key == "NK-abc"

    with pytest.raises(CommandError, match="already imported"):
        call_command("import_watchlist", str(path), "--kind", "sanctions", "--version", "v2")


@pytest.mark.django_db
def test_import_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("full_name,country\nA,B\n")
    with path.open(newline="") as fh, pytest.raises(ApplicationError, match="id, name"):
        watchlist_import(file=fh, name="X", kind="PEP", version="1")
    assert not WatchlistImport.objects.exists()


@pytest.mark.django_db
def test_import_refuses_a_version_twice(tmp_path):
    path = write_targets_csv(tmp_path / "t.csv", ROWS)
    for attempt in range(2):
        with path.open(newline="") as fh:
            if attempt:
                with pytest.raises(ConflictError):
                    watchlist_import(file=fh, name="PEPs", kind="PEP", version="1")
            else:
                watchlist_import(file=fh, name="PEPs", kind="PEP", version="1")
