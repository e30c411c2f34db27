"""Private document storage: files on disk with no URL at all."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Local storage for identity documents. ``url()`` refuses: there is no public media URL;
    staff reach files only through permission-checked views that stream them."""

    def url(self, name: str | None) -> str:
        raise ValueError("Private documents have no URL; stream them through a view.")
