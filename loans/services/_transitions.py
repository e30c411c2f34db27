"""Shared by the services: lock an application, enqueue the checks. Status moves go through
:func:`smartbank.transitions.transition`."""

from typing import Any

from django.db import transaction

from smartbank.transitions import lock

from ..models import LoanApplication


def locked(pk: Any) -> LoanApplication:
    return lock(LoanApplication, pk)


def enqueue_checks(application: LoanApplication) -> None:
    from ..tasks import loan_application_process_task

    pk = str(application.pk)
    transaction.on_commit(lambda: loan_application_process_task.delay(pk))
