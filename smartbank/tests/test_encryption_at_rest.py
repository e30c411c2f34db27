"""Documents encrypted at rest, and key rotation of documents and fields (issue #11).

Real submissions write real card images through the documents storage; the tests read the
files on disk as an attacker with the disk but not the key would.
"""

import datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, MultiFernet
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from kyc.models import KycCase, KycDocument
from kyc.services import UploadedDocument, kyc_case_submit
from smartbank.crypto import decrypt_text
from smartbank.storage import FERNET_PREFIX
from smartbank.tests import cards
from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MAGIC = {"JPEG": b"\xff\xd8\xff", "PNG": b"\x89PNG", "PDF": b"%PDF"}


def _submit() -> tuple[KycCase, bytes, bytes]:
    user = UserFactory(full_name="Neil Armstrong")
    card = cards.to_bytes(
        cards.render_aadhaar(
            name=user.full_name, dob=datetime.date(1990, 8, 5), gender="Male",
            number=cards.VALID_AADHAAR, photo=cards.face_photo("astronaut"),
        ),
        "PNG",
    )
    selfie = cards.to_bytes(cards.selfie_of("astronaut"))
    case = kyc_case_submit(
        user=user, id_type="AADHAAR", id_number=cards.VALID_AADHAAR, full_name=user.full_name,
        date_of_birth=datetime.date(1990, 8, 5), id_document=UploadedDocument(card),
        selfie=UploadedDocument(selfie),
    )
    return case, card, selfie


def _on_disk(document: KycDocument) -> bytes:
    return Path(document.file.path).read_bytes()


def test_documents_on_disk_show_no_image_signature_and_open_to_the_original():
    case, card, selfie = _submit()
    for document, original in (
        (case.documents.get(kind="ID_DOCUMENT"), card),
        (case.documents.get(kind="SELFIE"), selfie),
    ):
        stored = _on_disk(document)
        assert stored.startswith(FERNET_PREFIX)
        assert not any(magic in stored for magic in MAGIC.values())
        assert original not in stored
        with document.file.open("rb") as fh:
            assert fh.read() == original
        assert document.file.size == len(original)


def test_staff_stream_the_decrypted_document(client):
    case, card, _ = _submit()
    staff = UserFactory(is_staff=True, is_superuser=True)
    from smartbank.tests.auth import login_verified

    login_verified(client, staff)
    document = case.documents.get(kind="ID_DOCUMENT")
    response = client.get(reverse("kyc:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == card


def test_rotation_re_encrypts_documents_and_fields_and_every_record_still_opens(settings):
    case, card, selfie = _submit()
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    document = case.documents.get(kind="ID_DOCUMENT")
    # A file stored before documents were encrypted: converted by the same command.
    legacy = case.documents.get(kind="SELFIE")
    Path(legacy.file.path).write_bytes(selfie)

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("encryption_rotate")

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    case.refresh_from_db()
    assert decrypt_text(case.id_number_encrypted) == cards.VALID_AADHAAR
    with document.file.open("rb") as fh:
        assert fh.read() == card
    with legacy.file.open("rb") as fh:
        assert fh.read() == selfie
    assert _on_disk(legacy).startswith(FERNET_PREFIX)
    MultiFernet([Fernet(new_key.encode())]).decrypt(_on_disk(document))  # under the new key
    call_command("encryption_rotate")  # again: harmless


def test_a_document_no_key_opens_is_reported_not_silently_skipped(settings):
    case, _, _ = _submit()
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="open with none of the keys"):
        call_command("encryption_rotate")
    document = case.documents.get(kind="ID_DOCUMENT")
    assert document.file.storage.exists(document.file.name)  # nothing deleted


def test_storage_refuses_urls_and_writes_only_through_save(tmp_path):
    from smartbank.storage import PrivateFileSystemStorage

    storage = PrivateFileSystemStorage(location=str(tmp_path))
    name = storage.save("a.pdf", ContentFile(b"%PDF-1.7 hello"))
    assert not (tmp_path / name).read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError):
        storage.url(name)
    with pytest.raises(ValueError):
        storage.open(name, "wb")


def test_on_s3_documents_are_written_with_server_side_encryption():
    """The S3 options ask the bucket to encrypt every object (SSE-S3 unless a KMS key is set);
    read from the settings a process with ``STORAGE_BACKEND=s3`` loads."""
    import json
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['documents']['OPTIONS']['object_parameters']))"
    )
    for extra, expected in (
        ({}, {"ServerSideEncryption": "AES256"}),
        (
            {"AWS_S3_SERVER_SIDE_ENCRYPTION": "aws:kms", "AWS_S3_SSE_KMS_KEY_ID": "alias/kyc"},
            {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/kyc"},
        ),
    ):
        env = {**os.environ, "STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "kyc", **extra}
        done = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
            [sys.executable, "-c", script], env=env, cwd=django_settings.BASE_DIR,
            capture_output=True, text=True, timeout=60, check=True,
        )
        assert json.loads(done.stdout.strip().splitlines()[-1]) == expected
