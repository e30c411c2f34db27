"""What a customer waits for on the screen is not held behind the document checks queued before
it: one-time codes and face step-ups have a Celery queue of their own (settings
``CELERY_TASK_ROUTES``), which every worker takes in turn with the default queue."""

from pathlib import Path

import pytest
from stdnum import verhoeff

from accounts.tests.factories import UserFactory
from kyc.models import KycCase
from kyc.services import UploadedDocument, kyc_case_submit
from kyc.tests.test_tasks import DOB
from smartbank.celery import app
from smartbank.models import Notification
from smartbank.notifications import notification_send
from smartbank.tests.workers import solo_worker, wait_until

QUEUED_CARDS = 6


def aadhaar_number(n: int) -> str:
    """The ``n``-th valid Aadhaar number (12 digits, Verhoeff check digit): one per customer."""
    body = f"2345678{n:04d}"
    return body + verhoeff.calc_check_digit(body)


def still_waiting(cases: list[KycCase]) -> int:
    """How many of ``cases`` no worker has decided yet."""
    return KycCase.objects.filter(
        pk__in=[case.pk for case in cases],
        status__in=[KycCase.Status.PENDING, KycCase.Status.PROCESSING],
    ).count()


def test_codes_and_step_ups_are_routed_away_from_the_document_checks():
    def queue_of(task_name: str) -> str:
        return app.amqp.router.route({}, task_name)["queue"].name

    assert queue_of("smartbank.tasks.notification_deliver_task") == "interactive"
    assert queue_of("accounts.tasks.step_up_check_task") == "interactive"
    assert queue_of("kyc.tasks.kyc_case_verify_task") == "celery"
    assert queue_of("loans.tasks.loan_application_process_task") == "celery"
    assert {queue.name for queue in app.conf.task_queues} == {"celery", "interactive"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_one_time_code_overtakes_the_kyc_documents_queued_before_it(
    tmp_path: Path, astronaut_card_png, astronaut_selfie_jpg
):
    log = tmp_path / "worker.log"
    with solo_worker(log):
        # Given six customers' KYC documents waiting for the one worker (real OCR and dlib)
        cases = [
            kyc_case_submit(
                user=UserFactory(full_name="Neil Armstrong"),
                id_type="AADHAAR",
                id_number=aadhaar_number(n),
                full_name="Neil Armstrong",
                date_of_birth=DOB,
                id_document=UploadedDocument(astronaut_card_png),
                selfie=UploadedDocument(astronaut_selfie_jpg),
            )
            for n in range(QUEUED_CARDS)
        ]
        # When another customer asks for a one-time code after them
        code = notification_send(
            channel="EMAIL",
            template="otp_email_verification",
            recipient="buzz@example.com",
            context={"code": "482913"},
        )

        # Then the code is sent while most of the documents are still waiting
        def code_left_the_queue() -> bool:
            code.refresh_from_db()
            return code.status != Notification.Status.QUEUED

        wait_until(code_left_the_queue, timeout=180)
        waiting = still_waiting(cases)
        assert code.status == Notification.Status.SENT, log.read_text()[-3000:]
        assert waiting >= QUEUED_CARDS - 2, log.read_text()[-3000:]

        # And the documents are all checked afterwards
        assert wait_until(lambda: still_waiting(cases) == 0, timeout=180, interval=0.5), (
            log.read_text()[-3000:]
        )
