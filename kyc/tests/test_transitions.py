"""The state machines of KYC (issue 9): cases, their checks, seed 004's OCR flows and tasks.

Every declared move works through :func:`smartbank.transitions.transition` and writes one audit
event, every other move is refused, and a status saved outside the mechanism is caught (the
checks are :mod:`smartbank.tests.transitions`').
"""

from typing import Any

import pytest

from kyc.models import KycCheck, OcrFlow, OcrFlowTask
from kyc.tests.factories import KycCaseFactory
from smartbank.tests.factories import UserFactory
from smartbank.tests.transitions import (
    Maker,
    check_declared_moves,
    check_direct_save_is_caught,
    check_makers_cover,
    status_models,
)


def _ocr_flow() -> Any:
    return OcrFlow.objects.create(user=UserFactory())


#: One freshly created row of each KYC model with a status field, in its default status.
MAKERS: dict[str, Maker] = {
    "kyc.KycCase": KycCaseFactory,
    "kyc.KycCheck": lambda: KycCheck.objects.create(
        case=KycCaseFactory(), position=0, name="test", status="PASSED"
    ),
    "kyc.OcrFlow": _ocr_flow,
    "kyc.OcrFlowTask": lambda: OcrFlowTask.objects.create(
        flow=_ocr_flow(), position=0, name="UPLOAD_IMAGE"
    ),
}
MODELS = status_models("kyc")


def test_every_kyc_model_with_a_status_has_a_maker():
    check_makers_cover("kyc", MAKERS)


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_declared_moves_work_and_write_one_event_others_change_nothing(model):
    check_declared_moves(model, MAKERS[model._meta.label])


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_a_status_saved_outside_the_mechanism_is_caught(model):
    check_direct_save_is_caught(model, MAKERS[model._meta.label])
