"""Shared model primitives: every model carries ``created_at`` / ``updated_at``."""

from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base with creation and last-update timestamps (UTC, set by the database layer)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
