"""The state machine of bank accounts (issue 9): every declared move works through
:func:`smartbank.transitions.transition` and writes one audit event, every other move is refused,
and a status saved outside the mechanism is caught (the checks are
:mod:`smartbank.tests.transitions`')."""

import pytest

from accounts.tests.banking_factories import BankAccountFactory
from accounts.tests.step_up_factories import StepUpFactory
from smartbank.tests.transitions import (
    Maker,
    check_declared_moves,
    check_direct_save_is_caught,
    check_makers_cover,
    status_models,
)

#: One freshly created row of each accounts model with a status field, in its default status.
MAKERS: dict[str, Maker] = {
    "accounts.BankAccount": BankAccountFactory,
    "accounts.StepUp": StepUpFactory,
}
MODELS = status_models("accounts")


def test_every_accounts_model_with_a_status_has_a_maker():
    check_makers_cover("accounts", MAKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    check_declared_moves(model, MAKERS[model._meta.label])


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    check_direct_save_is_caught(model, MAKERS[model._meta.label])
