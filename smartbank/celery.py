"""The Celery application.

With no ``CELERY_BROKER_URL`` the broker is kombu's filesystem transport under ``var/celery``,
so ``make run`` starts a real worker process without a broker server; set the variable to a
``redis://`` URL to run on Redis and scale by adding workers.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")
# Tesseract's OpenMP threads oversubscribe small machines inside prefork workers.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = Celery("smartbank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
