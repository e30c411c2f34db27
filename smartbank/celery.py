"""The Celery application, its beat schedule and the one way services enqueue a task after
commit (through the transactional outbox of :mod:`smartbank.outbox`).

With no ``CELERY_BROKER_URL`` the broker is the Redis that ``make run`` starts on
``127.0.0.1:6380`` (append-only file in ``var/redis``, so queued tasks survive a restart); set
the variable to another ``redis://`` URL to use another server and scale by adding workers.
"""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartbank.settings")
# Tesseract's OpenMP threads oversubscribe small machines inside prefork workers.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = Celery("smartbank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def connections_check(task: Any = None, **_: Any) -> None:
    """Before and after each task, close the database connections that are broken, past
    ``CONN_MAX_AGE`` or left in a bad state, as Django does around each request; the others
    are kept (``CELERY_DB_REUSE_MAX`` keeps Celery from closing them all). Not for an eager
    task, which runs inside its caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


def tasks_modules_import() -> None:
    """Import each installed app's ``tasks`` module, where Celery's autodiscovery finds them
    (a no-op in a worker, which imported them at start), so their tasks are registered.

    Plain imports rather than ``app.loader.import_default_modules()``, which also runs Django's
    system checks: inside a prefork pool child under ``make run`` it never returned (the
    sweeper's first run hung its child for good).
    """
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "tasks"):
            import_module(f"{config.name}.tasks")


def enqueue_on_commit(task_name: str, *args: str, doorbell: Any = None) -> None:
    """Enqueue the task registered as ``task_name`` with ``args`` once the current transaction
    commits (at once outside a transaction; never if it rolls back).

    The task is written to the transactional outbox in the caller's transaction and published
    after commit; a broker that is down delays it, never loses it (:mod:`smartbank.outbox`).
    Services name their task instead of importing it, so a tasks module may import its
    services without a circle. The name is checked now, not at commit: an unknown name raises
    ``KeyError`` inside the caller's transaction. With ``CELERY_TASK_ALWAYS_EAGER`` the task
    runs in the committing process, as ``task.delay_on_commit`` would. ``doorbell``: a
    :class:`smartbank.outbox.Doorbell` the commit rings instead of publishing the task.
    """
    from .outbox import outbox_enqueue

    outbox_enqueue(task_name, *args, doorbell=doorbell)
