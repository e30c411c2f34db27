"""Concurrency on real PostgreSQL: row locks keep decisions single, the advisory lock keeps
duplicate submissions out."""


import pytest

from loans.models import LoanApplication, LoanApplicationEvent
from loans.services import loan_application_approve, loan_application_reject
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition
from smartbank.tests.threads import run_in_threads

from .factories import default_product, staff_member, submit

pytestmark = pytest.mark.django_db(transaction=True)
E = LoanApplicationEvent.Type


def review_application(**overrides):
    """In REVIEW because of a FATF increased-monitoring country (Kenya)."""
    default_product()
    application = submit(country="Kenya", phone="+254712345678", **overrides)
    application.refresh_from_db()
    if application.status != LoanApplication.Status.REVIEW:
        # A transactional test after another one: the seeded FATF list was flushed.
        LoanApplication.objects.filter(pk=application.pk).update(status="REVIEW")
    return application


def test_two_officers_approving_at_once_yield_one_approval_and_one_error():
    application = review_application()
    officers = [staff_member(), staff_member()]
    results: list[str] = []

    def approve(officer):
        try:
            loan_application_approve(loan_application_id=application.pk, actor=officer)
            results.append("ok")
        except InvalidTransition as exc:
            results.append(exc.code)

    run_in_threads(approve, [(o,) for o in officers])

    assert sorted(results) == ["INVALID_TRANSITION", "ok"]
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.APPROVED
    assert application.events.filter(type=E.APPROVED).count() == 1


def test_approve_and_reject_at_once_yield_exactly_one_decision():
    application = review_application()
    officer_a, officer_b = staff_member(), staff_member()
    results: list[str] = []

    def act(action, officer):
        try:
            if action == "approve":
                loan_application_approve(loan_application_id=application.pk, actor=officer)
            else:
                loan_application_reject(
                    loan_application_id=application.pk, actor=officer, reason="No"
                )
            results.append(action)
        except InvalidTransition:
            results.append("refused")

    run_in_threads(act, [("approve", officer_a), ("reject", officer_b)])

    assert sorted(results) in (["approve", "refused"], ["refused", "reject"])
    decisions = application.events.filter(type__in=[E.APPROVED, E.REJECTED])
    assert decisions.count() == 1


def test_the_maker_clicking_twice_at_once_gives_one_first_approval():
    application = review_application(income=300000, debt=0, loan_amount=600000)
    maker = staff_member()
    results: list[str] = []

    def approve():
        try:
            loan_application_approve(loan_application_id=application.pk, actor=maker)
            results.append("ok")
        except ConflictError as exc:
            results.append(exc.code)

    run_in_threads(approve, [(), ()])

    assert sorted(results) == ["SAME_APPROVER", "ok"]
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.REVIEW
    assert application.first_approved_by == maker
    assert application.events.filter(type=E.FIRST_APPROVAL).count() == 1


def test_two_identical_submissions_at_once_create_one_application():
    default_product()
    results: list[str] = []

    def apply():
        try:
            submit()
            results.append("created")
        except ApplicationError as exc:
            results.append(exc.code)

    run_in_threads(apply, [(), ()])

    assert sorted(results) == ["DUPLICATE_APPLICATION", "created"]
    assert LoanApplication.objects.count() == 1
