"""Private document storage: files on disk with no URL, encrypted at rest (issue #11).

Every file written through :class:`PrivateFileSystemStorage` is a Fernet token (AES-128-CBC with
HMAC-SHA256, the ``cryptography`` package) under ``settings.FIELD_ENCRYPTION_KEYS``, the keys of
the identity fields: the first key encrypts, every key decrypts, and ``manage.py
encryption_rotate`` re-encrypts files and fields under the first. On disk a document shows no
JPEG, PNG or PDF signature and opens only with a key; ``open()`` hands back the plain bytes, so
the pipelines and the permission-checked views that stream documents read them unchanged.

Files are whole documents (at most ``KYC_MAX_UPLOAD_BYTES``, 10 MB), so each is encrypted in one
piece. On S3 the bucket's server-side encryption and versioning protect them instead (the S3
options in ``smartbank/settings.py``).
"""

import os
import tempfile

from cryptography.fernet import InvalidToken
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage

from .crypto import fernet

#: The first bytes of every Fernet token (version byte 0x80, base64-encoded).
FERNET_PREFIX = b"gAAAAA"


class DocumentUnreadable(Exception):
    """A stored file that no configured key opens (a lost key, a damaged file)."""


def document_encrypt(plain: bytes) -> bytes:
    """The Fernet token (bytes) of ``plain`` under the newest key."""
    return fernet().encrypt(plain)


def document_decrypt(stored: bytes) -> bytes:
    """The plain bytes of a stored file. A file written before encryption (no Fernet prefix)
    is returned as it is, so a store can be converted in place by ``encryption_rotate``.

    Raises :class:`DocumentUnreadable` when no configured key opens it.
    """
    if not stored.startswith(FERNET_PREFIX):
        return stored
    try:
        return fernet().decrypt(stored)
    except InvalidToken as exc:
        raise DocumentUnreadable("No configured key opens this document.") from exc


def document_rotate(stored: bytes) -> bytes:
    """``stored`` re-encrypted under the newest key (a plain legacy file gets encrypted)."""
    if not stored.startswith(FERNET_PREFIX):
        return document_encrypt(stored)
    try:
        return fernet().rotate(stored)
    except InvalidToken as exc:
        raise DocumentUnreadable("No configured key opens this document.") from exc


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for identity documents and certificates: encrypted at rest, and
    ``url()`` refuses (there is no public media URL; staff reach files only through
    permission-checked views that stream them)."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no URL; stream them through a view.")

    def _save(self, name: str, content: File) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        plain = content.read()
        if isinstance(plain, str):
            plain = plain.encode()
        return super()._save(name, ContentFile(document_encrypt(plain)))

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Documents are written through save(), not opened for writing.")
        with super()._open(name, "rb") as fh:
            stored = fh.read()
        return ContentFile(document_decrypt(stored), name=name)

    def size(self, name: str) -> int:
        """The plain document's size in bytes (the file on disk is larger)."""
        return len(self._open(name).read())

    def raw_read(self, name: str) -> bytes:
        """The bytes on disk, encrypted (for rotation and tests)."""
        with super()._open(name, "rb") as fh:
            return fh.read()

    def raw_write(self, name: str, stored: bytes) -> None:
        """Replace the bytes on disk of an existing file (rotation), atomically."""
        path = self.path(name)
        folder = os.path.dirname(path)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".rotate-")
        try:
            with os.fdopen(descriptor, "wb") as fh:
                fh.write(stored)
            os.chmod(temporary, self.file_permissions_mode or 0o600)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
