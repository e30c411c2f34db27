"""Shared by the services: lock an application, check a status move, enqueue the checks."""

from typing import Any

from django.db import transaction

from smartbank.errors import InvalidTransition

from ..models import LoanApplication

Status = LoanApplication.Status


def locked(pk: Any) -> LoanApplication:
    return LoanApplication.objects.select_for_update().get(pk=pk)


def move(application: LoanApplication, to: str) -> str:
    old = application.status
    if to not in LoanApplication.ALLOWED_TRANSITIONS[Status(old)]:
        raise InvalidTransition(
            f"The application is {Status(old).label.lower()}; it cannot move to {to}.",
            code="INVALID_TRANSITION",
        )
    application.status = to
    return old


def enqueue_checks(application: LoanApplication) -> None:
    from ..tasks import loan_application_process_task

    pk = str(application.pk)
    transaction.on_commit(lambda: loan_application_process_task.delay(pk))
