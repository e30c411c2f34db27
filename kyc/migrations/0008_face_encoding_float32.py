"""Issue 13: ``KycCase.face_encoding`` becomes 512 bytes (128 little-endian float32) instead of a
JSON list of 128 floats, so a process reads 100,000 faces as one matrix instead of decoding
JSON per case; and an index on ``updated_at`` serves the face gallery's "changed since" read.

Forwards converts every stored JSON list to the binary form; backwards converts the bytes back to
a JSON list of floats (the float32 values: digits beyond the 7th, which no decision uses, do not
come back). Cases are converted in batches of 2,000."""

import numpy as np
from django.db import migrations, models

import kyc.models

_BATCH = 2000


def json_to_binary(apps, schema_editor):
    case_model = apps.get_model("kyc", "KycCase")
    batch = []
    cases = case_model.objects.filter(face_encoding__isnull=False).only("pk", "face_encoding")
    for case in cases.iterator(chunk_size=_BATCH):
        case.face_encoding_f32 = list(case.face_encoding)  # the field packs it (128 float32)
        batch.append(case)
        if len(batch) >= _BATCH:
            case_model.objects.bulk_update(batch, ["face_encoding_f32"])
            batch = []
    case_model.objects.bulk_update(batch, ["face_encoding_f32"])


def binary_to_json(apps, schema_editor):
    case_model = apps.get_model("kyc", "KycCase")
    batch = []
    cases = case_model.objects.filter(face_encoding_f32__isnull=False).only(
        "pk", "face_encoding_f32"
    )
    for case in cases.iterator(chunk_size=_BATCH):
        floats = np.frombuffer(bytes(case.face_encoding_f32), dtype="<f4")
        case.face_encoding = [float(x) for x in floats]
        batch.append(case)
        if len(batch) >= _BATCH:
            case_model.objects.bulk_update(batch, ["face_encoding"])
            batch = []
    case_model.objects.bulk_update(batch, ["face_encoding"])


class Migration(migrations.Migration):
    dependencies = [
        ("kyc", "0007_document_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="kyccase",
            name="face_encoding_f32",
            field=kyc.models.FaceEncodingField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(json_to_binary, binary_to_json),
        migrations.RemoveField(model_name="kyccase", name="face_encoding"),
        migrations.RenameField(
            model_name="kyccase", old_name="face_encoding_f32", new_name="face_encoding"
        ),
        migrations.AddIndex(
            model_name="kyccase",
            index=models.Index(fields=["updated_at"], name="kyc_case_updated_at"),
        ),
    ]
