"""The Celery application.

With no ``CELERY_BROKER_URL`` the broker is the Redis that ``make run`` starts on
``127.0.0.1:6380`` (append-only file in ``var/redis``, so queued tasks survive a restart); set
the variable to another ``redis://`` URL to use another server and scale by adding workers.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")
# Tesseract's OpenMP threads oversubscribe small machines inside prefork workers.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = Celery("smartbank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
