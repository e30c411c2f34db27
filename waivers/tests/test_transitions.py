"""The state machines of waivers (issue 9): requests and their checks. Every declared move works
through :func:`smartbank.transitions.transition` and writes one audit event, every other move is
refused, and a status saved outside the mechanism is caught (the checks are
:mod:`smartbank.tests.transitions`')."""

from decimal import Decimal
from typing import Any

import pytest

from smartbank.tests.transitions import (
    Maker,
    check_declared_moves,
    check_direct_save_is_caught,
    check_makers_cover,
    status_models,
)
from waivers.models import WaiverCheck
from waivers.tests.factories import approved_loan, borrower, waiver_in_review


def _waiver() -> Any:
    customer = borrower()
    loan = approved_loan(customer=customer)
    return waiver_in_review(customer=customer, loan=loan, amount=Decimal("1000.00"))


#: One freshly created row of each waivers model with a status field, in its default status.
MAKERS: dict[str, Maker] = {
    "waivers.WaiverCheck": lambda: WaiverCheck.objects.create(
        waiver=_waiver(), position=0, name="test", status="PASSED"
    ),
    "waivers.WaiverRequest": _waiver,
}
MODELS = status_models("waivers")


def test_every_waivers_model_with_a_status_has_a_maker():
    check_makers_cover("waivers", MAKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    check_declared_moves(model, MAKERS[model._meta.label])


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    check_direct_save_is_caught(model, MAKERS[model._meta.label])
