"""Shared by the services: lock an application, enqueue the checks. Status moves go through
:func:`smartbank.transitions.transition`."""

from typing import Any

from smartbank.celery import enqueue_on_commit
from smartbank.transitions import lock

from ..models import LoanApplication


def locked(pk: Any) -> LoanApplication:
    return lock(LoanApplication, pk)


def enqueue_checks(application: LoanApplication) -> None:
    enqueue_on_commit("loans.tasks.loan_application_process_task", str(application.pk))
