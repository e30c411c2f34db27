"""The guard of the state machines (issue 9): every model with a status field declares its moves
completely, each app's ``tests/test_transitions.py`` walks its own models' maps (every declared
move works through :func:`smartbank.transitions.transition` and writes one audit event, every
other move is refused and changes nothing, a status ``save()``d outside the mechanism is caught:
the checks of :mod:`smartbank.tests.transitions`), and no application code writes a status with
a queryset update.

Models are discovered through ``django.apps``, so a new model with a status field fails here
until it extends ``StatusModel`` and declares its maps, and fails its app's test until it has a
maker there. This file imports no app above smartbank: each app proves its own machines with
its own factories.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from smartbank.models import Notification, StatusModel
from smartbank.tests.transitions import (
    Maker,
    check_declared_moves,
    check_direct_save_is_caught,
    check_makers_cover,
    choices,
    status_fields,
    status_models,
)
from smartbank.transitions import transition_maps

STATUS_MODELS = status_models()

#: One freshly created row of each smartbank model with a status field, in its default status.
MAKERS: dict[str, Maker] = {
    "smartbank.Notification": lambda: Notification.objects.create(
        channel="EMAIL", template="kyc_decision", recipient_masked="n***@example.com"
    ),
}


def test_every_app_with_a_status_model_walks_its_maps_in_its_tests():
    apps_with_machines = {m._meta.app_label for m in STATUS_MODELS}
    root = Path(settings.BASE_DIR)
    assert apps_with_machines == {"smartbank", "kyc", "accounts", "loans", "waivers"}
    for app_label in sorted(apps_with_machines - {"smartbank"}):
        assert (root / app_label / "tests" / "test_transitions.py").is_file(), app_label


def test_every_smartbank_model_with_a_status_has_a_maker():
    check_makers_cover("smartbank", MAKERS)


@pytest.mark.parametrize("model", STATUS_MODELS, ids=lambda m: m._meta.label)
def test_every_status_field_has_a_complete_map(model):
    assert issubclass(model, StatusModel)
    maps = transition_maps(model)
    assert set(maps) == set(status_fields(model))
    for field, moves in maps.items():
        field_choices = set(choices(model, field))
        assert set(moves) == field_choices, f"{model.__name__}.{field}: every status has a line"
        for old, targets in moves.items():
            assert set(targets) <= field_choices, f"{model.__name__}.{field} {old}: unknown target"


@pytest.mark.django_db
@pytest.mark.parametrize("model", status_models("smartbank"), ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    check_declared_moves(model, MAKERS[model._meta.label])


@pytest.mark.django_db
@pytest.mark.parametrize("model", status_models("smartbank"), ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    check_direct_save_is_caught(model, MAKERS[model._meta.label])


#: Queryset methods that write columns without ``save()``.
_BULK_WRITES = {"update", "bulk_update", "update_or_create"}


def _bulk_status_writes(path: Path, fields: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _BULK_WRITES
        ):
            continue
        named = {k.arg for k in node.keywords if k.arg}
        named |= {
            a.value
            for a in ast.walk(node)
            if isinstance(a, ast.Constant) and isinstance(a.value, str)
        }
        if named & fields:
            found.append(f"{path}:{node.lineno}")
    return found


def test_no_application_code_writes_a_status_with_a_queryset_update():
    root = Path(settings.BASE_DIR)
    fields = {f for m in STATUS_MODELS for f in status_fields(m)}
    offenders = []
    for app in ("smartbank", "kyc", "accounts", "loans", "waivers"):
        for path in sorted((root / app).rglob("*.py")):
            parts = set(path.relative_to(root).parts)
            if parts & {"tests", "migrations"}:
                continue
            offenders += _bulk_status_writes(path, fields)
    assert offenders == [], "statuses move only through smartbank.transitions.transition()"
