"""The guard of the state machines (issue 9): every model with a status field declares its moves,
every declared move works through :func:`smartbank.transitions.transition` and writes one audit
event, every other move is refused and changes nothing, and a status written outside the
mechanism is caught (``save()`` at run time, queryset updates by scanning the code).

Models are discovered through ``django.apps``, so a new model with a status field fails here
until it extends ``StatusModel``, declares its maps and has a maker below. The makers use the
apps' own test factories (imported when called): this test guards every app at once.
"""

import ast
import itertools
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from smartbank.errors import InvalidTransition
from smartbank.models import StatusModel
from smartbank.transitions import DirectStatusWrite, transition, transition_maps

EVENT = "TEST_MOVE"


def _status_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField)
        and f.choices
        and (f.name == "status" or f.name.endswith("_status"))
    ]


STATUS_MODELS = sorted(
    (m for m in apps.get_models() if _status_fields(m)), key=lambda m: m._meta.label
)


def _user() -> Any:
    from accounts.tests.factories import UserFactory

    return UserFactory()


def _kyc_case() -> Any:
    from kyc.tests.factories import KycCaseFactory

    return KycCaseFactory()


def _ocr_flow() -> Any:
    from kyc.models import OcrFlow

    return OcrFlow.objects.create(user=_user())


def _loan() -> Any:
    from loans.tests.factories import submit

    return submit()


def _waiver() -> Any:
    from waivers.tests.factories import approved_loan, borrower, waiver_in_review

    customer = borrower()
    loan = approved_loan(customer=customer)
    return waiver_in_review(customer=customer, loan=loan, amount=Decimal("1000.00"))


def _check(model_label: str, owner: Callable[[], Any], owner_field: str) -> Callable[[], Any]:
    def make() -> Any:
        model = apps.get_model(model_label)
        return model.objects.create(
            **{owner_field: owner()}, position=0, name="test", status="PASSED"
        )

    return make


def _bank_account() -> Any:
    from accounts.tests.banking_factories import BankAccountFactory

    return BankAccountFactory()


def _ocr_flow_task() -> Any:
    from kyc.models import OcrFlowTask

    return OcrFlowTask.objects.create(flow=_ocr_flow(), position=0, name="UPLOAD_IMAGE")


def _notification() -> Any:
    from smartbank.models import Notification

    return Notification.objects.create(
        channel="EMAIL", template="kyc_decision", recipient_masked="n***@example.com"
    )


#: One freshly created row of each model with a status field, in its default status.
MAKERS: dict[str, Callable[[], Any]] = {
    "accounts.BankAccount": _bank_account,
    "kyc.KycCase": _kyc_case,
    "kyc.KycCheck": _check("kyc.KycCheck", _kyc_case, "case"),
    "kyc.OcrFlow": _ocr_flow,
    "kyc.OcrFlowTask": _ocr_flow_task,
    "loans.LoanApplication": _loan,
    "smartbank.Notification": _notification,
    "waivers.WaiverCheck": _check("waivers.WaiverCheck", _waiver, "waiver"),
    "waivers.WaiverRequest": _waiver,
}


def _event_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__name__.endswith("Event") and hasattr(m, "Type")]


def _test_events() -> list[Any]:
    return [e for m in _event_models() for e in m.objects.filter(type=EVENT)]


def _stored(obj: models.Model) -> dict[str, str]:
    fields = list(transition_maps(type(obj)))
    return type(obj)._base_manager.filter(pk=obj.pk).values(*fields).get()


def _choices(model: type[models.Model], field: str) -> list[str]:
    return [value for value, _ in model._meta.get_field(field).flatchoices]


def _set(obj: models.Model, field: str, value: str) -> None:
    """Put the row in ``value`` for the next step (test set-up, like the factories)."""
    type(obj)._base_manager.filter(pk=obj.pk).update(**{field: value})


def test_the_discovery_finds_every_model_with_a_status():
    assert {m._meta.label for m in STATUS_MODELS} == set(MAKERS)


@pytest.mark.parametrize("model", STATUS_MODELS, ids=lambda m: m._meta.label)
def test_every_status_field_has_a_complete_map(model):
    assert issubclass(model, StatusModel)
    maps = transition_maps(model)
    assert set(maps) == set(_status_fields(model))
    for field, moves in maps.items():
        choices = set(_choices(model, field))
        assert set(moves) == choices, f"{model.__name__}.{field}: every status has a line"
        for old, targets in moves.items():
            assert set(targets) <= choices, f"{model.__name__}.{field} {old}: unknown target"


@pytest.mark.django_db
@pytest.mark.parametrize("model", STATUS_MODELS, ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    obj = MAKERS[model._meta.label]()
    for field, moves in transition_maps(model).items():
        for old, new in itertools.product(_choices(model, field), repeat=2):
            _set(obj, field, old)
            before, events = _stored(obj), len(_test_events())
            if new in moves.get(old, ()):
                moved = transition(obj, field=field, to=new, event=EVENT, reason="test")
                assert moved is obj and getattr(obj, field) == new
                assert _stored(obj) == {**before, field: new}
                written = _test_events()
                assert len(written) == events + 1, f"{field}: {old} -> {new}"
                newest = max(written, key=lambda e: (e.created_at, e.pk))
                assert {"from": old, "to": new, "reason": "test"}.items() <= newest.data.items()
            else:
                with pytest.raises(InvalidTransition) as refused:
                    transition((model, obj.pk), field=field, to=new, event=EVENT)
                assert refused.value.code == "INVALID_TRANSITION"
                assert _stored(obj) == before, f"{field}: {old} -> {new} changed the row"
                assert len(_test_events()) == events


@pytest.mark.django_db
def test_companion_fields_move_in_one_step_and_one_event():
    application = MAKERS["loans.LoanApplication"]()
    _set(application, "status", "REVIEW")
    before = len(_test_events())

    transition(
        application, to="APPROVED", also={"final_status": "APPROVED"}, event=EVENT, data={"x": 1}
    )

    assert _stored(application)["final_status"] == "APPROVED"
    assert len(_test_events()) == before + 1
    # A refused companion refuses the whole step.
    _set(application, "status", "REVIEW")
    with pytest.raises(InvalidTransition):
        transition(application, to="REJECTED", also={"final_status": "REJECTED"}, event=EVENT)
    assert _stored(application)["status"] == "REVIEW"


@pytest.mark.django_db
@pytest.mark.parametrize("model", STATUS_MODELS, ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    obj = MAKERS[model._meta.label]()  # creating a row in a status is not a move
    for field in transition_maps(model):
        obj.refresh_from_db()
        before = _stored(obj)
        other = next(v for v in _choices(model, field) if v != before[field])
        setattr(obj, field, other)
        with pytest.raises(DirectStatusWrite):
            obj.save()
        with pytest.raises(DirectStatusWrite):
            obj.save(update_fields=[field])
        assert _stored(obj) == before
    # Saving other fields, or a status unchanged, stays allowed.
    obj.refresh_from_db()
    obj.save()
    obj.save(update_fields=["updated_at"])


#: Queryset methods that write columns without ``save()``.
_BULK_WRITES = {"update", "bulk_update", "update_or_create"}


def _bulk_status_writes(path: Path, status_fields: set[str]) -> list[str]:
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
        if named & status_fields:
            found.append(f"{path}:{node.lineno}")
    return found


def test_no_application_code_writes_a_status_with_a_queryset_update():
    root = Path(settings.BASE_DIR)
    status_fields = {f for m in STATUS_MODELS for f in _status_fields(m)}
    offenders = []
    for app in ("smartbank", "kyc", "accounts", "loans", "waivers"):
        for path in sorted((root / app).rglob("*.py")):
            parts = set(path.relative_to(root).parts)
            if parts & {"tests", "migrations"}:
                continue
            offenders += _bulk_status_writes(path, status_fields)
    assert offenders == [], "statuses move only through smartbank.transitions.transition()"
