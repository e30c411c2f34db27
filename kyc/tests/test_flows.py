"""Seed 004's OCR flow API: upload -> OCR -> extract name and DOB -> save, task by task."""

import io

import pytest
from rest_framework.test import APIClient

from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_upload_runs_every_task_and_saves_name_and_dob(
    customer, django_capture_on_commit_callbacks, astronaut_card_png
):
    client = client_for(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/kyc/ocr/", {"document": io.BytesIO(astronaut_card_png)}, format="multipart"
        )
    assert response.status_code == 202, response.content
    flow_id = response.json()["flow_id"]

    body = client.get(f"/api/v1/kyc/flows/{flow_id}/").json()
    assert body["status"] == "COMPLETED"
    assert [(t["name"], t["status"]) for t in body["tasks"]] == [
        ("UPLOAD_IMAGE", "SUCCESS"),
        ("PERFORM_OCR", "SUCCESS"),
        ("EXTRACT_DETAILS", "SUCCESS"),
        ("SAVE_RECORD", "SUCCESS"),
    ]
    assert body["record"]["name"] == "Neil Armstrong"
    assert body["record"]["date_of_birth"] == "1990-08-05"
    assert body["id_type"] == "AADHAAR"


def test_invalid_file_fails_the_upload_task_and_skips_the_rest(customer):
    client = client_for(customer)
    response = client.post(
        "/api/v1/kyc/ocr/", {"document": io.BytesIO(b"%!PS not an image")}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "FAILED"
    assert body["tasks"][0]["status"] == "FAILED"
    assert "UNSUPPORTED_FILE_TYPE" in body["tasks"][0]["error"]
    assert {t["status"] for t in body["tasks"][1:]} == {"SKIPPED"}


def test_image_without_name_or_dob_fails_at_extraction(
    customer, django_capture_on_commit_callbacks
):
    from smartbank.tests import cards

    photo = cards.to_bytes(cards.face_photo("grace_hopper"), "PNG")
    client = client_for(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/kyc/ocr/", {"document": io.BytesIO(photo)}, format="multipart"
        )
    body = client.get(f"/api/v1/kyc/flows/{response.json()['flow_id']}/").json()
    assert body["status"] == "FAILED"
    failed = [t for t in body["tasks"] if t["status"] == "FAILED"]
    assert failed and failed[0]["name"] in {"PERFORM_OCR", "EXTRACT_DETAILS"}
    assert body["tasks"][-1]["status"] == "SKIPPED"


def test_another_customers_flow_is_404(
    customer, django_capture_on_commit_callbacks, astronaut_card_png
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(customer).post(
            "/api/v1/kyc/ocr/", {"document": io.BytesIO(astronaut_card_png)}, format="multipart"
        )
    flow_id = response.json()["flow_id"]
    assert client_for(UserFactory()).get(f"/api/v1/kyc/flows/{flow_id}/").status_code == 404


def test_an_infected_upload_fails_the_flow_unread_and_is_deleted(
    customer, django_capture_on_commit_callbacks, astronaut_card_png
):
    """The virus scan comes before OCR (real clamd, EICAR inside a valid PNG): the flow fails
    at PERFORM_OCR in plain words, the file is gone and nothing was extracted."""
    from kyc.models import OcrFlow
    from smartbank.tests.malware import png_with_eicar

    client = client_for(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/kyc/ocr/",
            {"document": io.BytesIO(png_with_eicar(astronaut_card_png))},
            format="multipart",
        )
    assert response.status_code == 202, response.content
    body = client.get(f"/api/v1/kyc/flows/{response.json()['flow_id']}/").json()
    assert body["status"] == "FAILED"
    ocr_task = next(t for t in body["tasks"] if t["name"] == "PERFORM_OCR")
    assert ocr_task["error"] == "The file failed our security check and was deleted."
    assert "EICAR" not in str(body)
    assert body["record"] is None or not body["record"].get("name")
    flow = OcrFlow.objects.get(pk=response.json()["flow_id"])
    assert not flow.file


def test_with_the_scanner_unreachable_the_flow_is_never_read(
    customer, django_capture_on_commit_callbacks, astronaut_card_png, settings
):
    settings.CLAMAV_ADDRESS = "/nonexistent/clamd.sock"
    from kyc.models import OcrFlow
    from kyc.tasks import ocr_flow_run_task

    client = client_for(customer)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/kyc/ocr/", {"document": io.BytesIO(astronaut_card_png)}, format="multipart"
        )
    flow_id = response.json()["flow_id"]
    from celery.exceptions import Retry

    with pytest.raises(Retry):
        ocr_flow_run_task.apply(args=[flow_id], throw=True).get()
    flow = OcrFlow.objects.get(pk=flow_id)
    assert flow.status == OcrFlow.Status.RUNNING
    assert not flow.extracted_name
