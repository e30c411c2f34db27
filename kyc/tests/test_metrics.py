"""KYC on ``/metrics`` (issue 14): cases by status follow a real decision (Tesseract and dlib
on a rendered card, the verification task run eagerly with Celery's signals) and the statuses
of cases that staff hold."""

import datetime

import pytest

from kyc.models import KycCase
from kyc.services import UploadedDocument, kyc_case_submit
from kyc.tests.factories import KycCaseFactory
from smartbank.tests import cards
from smartbank.tests.metrics import METRICS_TOKEN, scrape

pytestmark = pytest.mark.django_db

VERIFY = "kyc.tasks.kyc_case_verify_task"


def test_kyc_cases_by_status_follow_a_real_decision(
    client, settings, customer, astronaut_card_png, astronaut_selfie_jpg,
    django_capture_on_commit_callbacks,
):
    settings.METRICS_TOKEN = METRICS_TOKEN
    before = scrape(client)

    for n, status in enumerate(("MANUAL_REVIEW", "MANUAL_REVIEW", "REJECTED")):
        KycCaseFactory(status=status, id_number=cards.valid_aadhaar(f"3456789{n:04d}"))
    with django_capture_on_commit_callbacks(execute=True):
        case = kyc_case_submit(
            user=customer,
            id_type="AADHAAR",
            id_number=cards.VALID_AADHAAR,
            full_name="Neil Armstrong",
            date_of_birth=datetime.date(1990, 8, 5),
            id_document=UploadedDocument(astronaut_card_png),
            selfie=UploadedDocument(astronaut_selfie_jpg),
        )
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED, case.reasons

    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return after.count(name, **labels) - before.count(name, **labels)

    assert moved("smartbank_kyc_cases", status="VERIFIED") == 1
    assert moved("smartbank_kyc_cases", status="MANUAL_REVIEW") == 2
    assert moved("smartbank_kyc_cases", status="REJECTED") == 1
    for status in KycCase.Status.values:  # every status present, 0 included
        assert after.value("smartbank_kyc_cases", status=status) == KycCase.objects.filter(
            status=status
        ).count()
    assert moved("smartbank_celery_tasks_total", task=VERIFY, state="succeeded") == 1
    assert moved("smartbank_celery_task_duration_seconds_count", task=VERIFY) == 1
    # OCR and face matching ran inside the task: it took a measurable time.
    assert moved("smartbank_celery_task_duration_seconds_sum", task=VERIFY) > 0.05
