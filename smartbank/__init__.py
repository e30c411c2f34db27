"""SmartBank project package: settings, URLs, the Celery app and shared primitives."""

from .celery import app as celery_app

__all__ = ("celery_app",)
