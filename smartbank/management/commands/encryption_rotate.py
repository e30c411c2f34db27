"""``manage.py encryption_rotate``: re-encrypt every identity field and document under the
newest key (issue #11).

Key rotation: put the new Fernet key first in ``FIELD_ENCRYPTION_KEYS`` and keep the old ones
after it, run this command, then drop the old keys. It re-encrypts

- every model field named ``*_encrypted`` (ID numbers, OCR text, notification recipients and
  bodies), through ``MultiFernet.rotate``;
- every file of every ``FileField`` kept in :class:`smartbank.storage.PrivateFileSystemStorage`
  (KYC documents, OCR-flow uploads, waiver certificates), in place and atomically; a file
  written before documents were encrypted is encrypted now.

Safe to re-run and to interrupt: each value and file is replaced whole. Prints counts only.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from smartbank.crypto import InvalidToken, rotate_text
from smartbank.storage import DocumentUnreadable, PrivateFileSystemStorage, document_rotate


class Command(BaseCommand):
    help = "Re-encrypt identity fields and stored documents under the newest encryption key."

    def handle(self, *args: Any, **options: Any) -> None:
        fields = files = missing = 0
        unreadable: list[str] = []
        for model in apps.get_models():
            names = [
                f.name
                for f in model._meta.get_fields()
                if isinstance(f, models.TextField | models.CharField)
                and f.name.endswith("_encrypted")
            ]
            file_fields = [
                f
                for f in model._meta.get_fields()
                if isinstance(f, models.FileField)
                and isinstance(f.storage, PrivateFileSystemStorage)
            ]
            if not names and not file_fields:
                continue
            for row in model.objects.only("pk", *names, *(f.name for f in file_fields)):
                label = f"{model._meta.label} {row.pk}"
                changes = {}
                for name in names:
                    value = getattr(row, name)
                    if not value:
                        continue
                    try:
                        changes[name] = rotate_text(value)
                    except InvalidToken:
                        unreadable.append(f"{label} {name}")
                if changes:
                    with transaction.atomic():
                        model.objects.filter(pk=row.pk).update(**changes)
                    fields += len(changes)
                for field in file_fields:
                    name = getattr(row, field.name).name
                    if not name:
                        continue
                    storage = field.storage
                    if not storage.exists(name):
                        missing += 1
                        continue
                    try:
                        storage.raw_write(name, document_rotate(storage.raw_read(name)))
                    except DocumentUnreadable:
                        unreadable.append(f"{label} {field.name}")
                        continue
                    files += 1
        self.stdout.write(
            f"Re-encrypted {fields} field value(s) and {files} document(s); "
            f"{missing} document file(s) missing."
        )
        if unreadable:
            raise CommandError(
                f"{len(unreadable)} value(s) open with none of the keys: "
                + ", ".join(unreadable[:20])
            )
