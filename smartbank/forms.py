"""Upload helpers shared by web forms and API serializers."""

from django.core.files.uploadedfile import UploadedFile

from .errors import ApplicationError


def read_upload(file: UploadedFile, *, field: str, max_bytes: int) -> bytes:
    """Read an uploaded file's bytes, refusing it before reading when it exceeds ``max_bytes``.

    Raises :class:`ApplicationError` (code ``FILE_TOO_LARGE``) on ``field``.
    """
    if file.size is not None and file.size > max_bytes:
        raise ApplicationError(
            f"The file is larger than {max_bytes // (1024 * 1024)} MB.",
            code="FILE_TOO_LARGE",
            field=field,
        )
    return file.read()
