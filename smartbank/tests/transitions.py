"""The checks every state machine gets (issue 9), for each app's ``tests/test_transitions.py``.

An app's test gives one maker per model of its own with a status field (a function returning a
freshly created row in its default status) and runs :func:`check_declared_moves` and
:func:`check_direct_save_is_caught` on each; :func:`check_makers_cover` proves no status model
of the app is left out. ``smartbank/tests/test_transitions.py`` checks every model's maps and
that each app with a status model has such a test. Imports nothing of the apps: models are found
through ``django.apps``.
"""

import itertools
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.apps import apps
from django.db import models

from smartbank.errors import InvalidTransition
from smartbank.transitions import DirectStatusWrite, transition, transition_maps

EVENT = "TEST_MOVE"

Maker = Callable[[], Any]


def status_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField)
        and f.choices
        and (f.name == "status" or f.name.endswith("_status"))
    ]


def status_models(app_label: str | None = None) -> list[type[models.Model]]:
    """The models with a status field, of one app or of all, sorted by label."""
    found = apps.get_app_config(app_label).get_models() if app_label else apps.get_models()
    return sorted((m for m in found if status_fields(m)), key=lambda m: m._meta.label)


def event_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__name__.endswith("Event") and hasattr(m, "Type")]


def events_written() -> list[Any]:
    """The audit events the checks wrote (type :data:`EVENT`), of every event table."""
    return [e for m in event_models() for e in m.objects.filter(type=EVENT)]


def stored(obj: models.Model) -> dict[str, str]:
    fields = list(transition_maps(type(obj)))
    return type(obj)._base_manager.filter(pk=obj.pk).values(*fields).get()


def choices(model: type[models.Model], field: str) -> list[str]:
    return [value for value, _ in model._meta.get_field(field).flatchoices]


def set_status(obj: models.Model, field: str, value: str) -> None:
    """Put the row in ``value`` for the next step (test set-up, like the factories)."""
    type(obj)._base_manager.filter(pk=obj.pk).update(**{field: value})


def check_makers_cover(app_label: str, makers: Iterable[str]) -> None:
    """Every model of ``app_label`` with a status field has a maker, and no maker is extra."""
    assert {m._meta.label for m in status_models(app_label)} == set(makers)


def check_declared_moves(model: type[models.Model], make: Maker) -> None:
    """Every declared move works through :func:`transition` and writes one audit event; every
    other move is refused and changes nothing."""
    obj = make()
    for field, moves in transition_maps(model).items():
        for old, new in itertools.product(choices(model, field), repeat=2):
            set_status(obj, field, old)
            before, events = stored(obj), len(events_written())
            if new in moves.get(old, ()):
                moved = transition(obj, field=field, to=new, event=EVENT, reason="test")
                assert moved is obj and getattr(obj, field) == new
                assert stored(obj) == {**before, field: new}
                written = events_written()
                assert len(written) == events + 1, f"{field}: {old} -> {new}"
                newest = max(written, key=lambda e: (e.created_at, e.pk))
                assert {"from": old, "to": new, "reason": "test"}.items() <= newest.data.items()
            else:
                with pytest.raises(InvalidTransition) as refused:
                    transition((model, obj.pk), field=field, to=new, event=EVENT)
                assert refused.value.code == "INVALID_TRANSITION"
                assert stored(obj) == before, f"{field}: {old} -> {new} changed the row"
                assert len(events_written()) == events


def check_direct_save_is_caught(model: type[models.Model], make: Maker) -> None:
    """A status written with ``save()`` outside the mechanism raises and changes nothing;
    saving other fields, or a status unchanged, stays allowed."""
    obj = make()  # creating a row in a status is not a move
    for field in transition_maps(model):
        obj.refresh_from_db()
        before = stored(obj)
        other = next(v for v in choices(model, field) if v != before[field])
        setattr(obj, field, other)
        with pytest.raises(DirectStatusWrite):
            obj.save()
        with pytest.raises(DirectStatusWrite):
            obj.save(update_fields=[field])
        assert stored(obj) == before
    # Saving other fields, or a status unchanged, stays allowed.
    obj.refresh_from_db()
    obj.save()
    obj.save(update_fields=["updated_at"])
