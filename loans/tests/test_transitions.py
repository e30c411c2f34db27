"""The state machine of loan applications (issue 9): the status and the stage statuses beside it
(``LoanApplication.FIELD_TRANSITIONS``), companions moved in one step. Every declared move works
through :func:`smartbank.transitions.transition` and writes one audit event, every other move is
refused, and a status saved outside the mechanism is caught (the checks are
:mod:`smartbank.tests.transitions`')."""

import pytest

from loans.tests.factories import submit
from smartbank.errors import InvalidTransition
from smartbank.tests.transitions import (
    EVENT,
    Maker,
    check_declared_moves,
    check_direct_save_is_caught,
    check_makers_cover,
    events_written,
    set_status,
    status_models,
    stored,
)
from smartbank.transitions import transition

#: One freshly created row of each loans model with a status field, in its default status.
MAKERS: dict[str, Maker] = {"loans.LoanApplication": submit}
MODELS = status_models("loans")


def test_every_loans_model_with_a_status_has_a_maker():
    check_makers_cover("loans", MAKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    check_declared_moves(model, MAKERS[model._meta.label])


@pytest.mark.django_db
def test_companion_fields_move_in_one_step_and_one_event():
    application = MAKERS["loans.LoanApplication"]()
    set_status(application, "status", "REVIEW")
    before = len(events_written())

    transition(
        application, to="APPROVED", also={"final_status": "APPROVED"}, event=EVENT, data={"x": 1}
    )

    assert stored(application)["final_status"] == "APPROVED"
    assert len(events_written()) == before + 1
    # A refused companion refuses the whole step.
    set_status(application, "status", "REVIEW")
    with pytest.raises(InvalidTransition):
        transition(application, to="REJECTED", also={"final_status": "REJECTED"}, event=EVENT)
    assert stored(application)["status"] == "REVIEW"


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    check_direct_save_is_caught(model, MAKERS[model._meta.label])
