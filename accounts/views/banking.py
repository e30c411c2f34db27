"""Customer pages for bank accounts (issue #3): list, request, statement and its CSV export.

Pages name an account by its id, so the full account number appears only on the owner's
statement page, never in URLs or browser history. Every page that names an account answers 404
unless the account is the logged-in customer's.
"""

import csv
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from smartbank.errors import ApplicationError

from ..forms_banking import BankAccountRequestForm, StatementFilterForm
from ..models import BankAccount
from ..selectors import (
    Statement,
    bank_account_fd_maturity,
    bank_account_get_by_id,
    bank_account_list,
    bank_account_statement,
    customer_is_onboarded,
    fixed_deposit_rate_list,
)
from ..selectors.early_payout import fd_early_payout_quote
from ..services import bank_account_request
from ..services.banking import ONBOARDING_MESSAGES, CustomerNotOnboarded


def _own_account(request: HttpRequest, bank_account_id: UUID) -> BankAccount:
    account = bank_account_get_by_id(user=request.user, bank_account_id=bank_account_id)
    if account is None:
        raise Http404("No such account.")
    return account


@require_GET
@login_required
def bank_account_list_view(request: HttpRequest) -> HttpResponse:
    """The customer's accounts with their balances, and a link to request one."""
    onboarded, code = customer_is_onboarded(user=request.user)
    accounts = [
        (account, bank_account_fd_maturity(account=account))
        for account in bank_account_list(user=request.user)
    ]
    return render(
        request,
        "accounts/bank_list.html",
        {
            "accounts": accounts,
            "onboarded": onboarded,
            "refusal": ONBOARDING_MESSAGES.get(code or "", ""),
        },
    )


@login_required
def bank_account_request_view(request: HttpRequest) -> HttpResponse:
    """Request a savings, current or fixed deposit account; staff open it."""
    onboarded, code = customer_is_onboarded(user=request.user)
    if not onboarded:
        messages.error(request, ONBOARDING_MESSAGES.get(code or "", "You cannot open accounts."))
        return redirect("accounts:bank-list")
    form = BankAccountRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = bank_account_request(
                user=request.user,
                account_type=data["account_type"],
                fd_amount=data["fd_amount"],
                fd_tenure_months=data["fd_tenure_months"],
            )
        except CustomerNotOnboarded as exc:
            messages.error(request, exc.message)
            return redirect("accounts:bank-list")
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Thank you. Your {account.get_account_type_display().lower()} account "
                f"{account.number_masked} will be opened once our staff approve it, usually "
                "within one working day.",
            )
            return redirect("accounts:bank-list")
    return render(
        request,
        "accounts/bank_request.html",
        {
            "form": form,
            "rates": fixed_deposit_rate_list(),
            "opening_deposit": settings.ACCOUNT_OPENING_DEPOSIT,
            "fd_minimum": settings.FD_MINIMUM_AMOUNT,
        },
    )


@require_GET
@login_required
def bank_account_statement_view(request: HttpRequest, bank_account_id: UUID) -> HttpResponse:
    """One account in full: number, balance, FD maturity, and the ledger filtered by date."""
    account = _own_account(request, bank_account_id)
    form = StatementFilterForm(request.GET or None)
    statement = None
    if not form.is_bound or form.is_valid():
        date_from, date_to = form.period() if form.is_bound else (None, None)
        statement = bank_account_statement(account=account, date_from=date_from, date_to=date_to)
    return render(
        request,
        "accounts/bank_statement.html",
        {
            "account": account,
            "form": form,
            "statement": statement,
            "chart_data": _balance_chart(statement) if statement else None,
            "maturity": bank_account_fd_maturity(account=account),
            "early_payout": fd_early_payout_quote(account=account),
            "query": request.GET.urlencode(),
        },
        status=200 if statement is not None else 400,
    )


def _balance_chart(statement: Statement) -> dict[str, list[Any]]:
    """The balance chart's series (``static/js/loan_charts.js``): the opening balance, then
    the balance after each transaction of the period, in rupees, labelled with local dates."""
    labels = ["Opening"]
    balance = [float(statement.opening_balance)]
    for entry in statement.entries:
        labels.append(timezone.localtime(entry.created_at).strftime("%d %b %Y"))
        balance.append(float(entry.balance_after))
    return {"labels": labels, "balance": balance}


def _csv_cell(value: Any) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@login_required
def bank_account_statement_csv_view(request: HttpRequest, bank_account_id: UUID) -> HttpResponse:
    """The statement as a CSV download, with the same ``from`` / ``to`` filter as the page.

    Columns: date (local, ``YYYY-MM-DD HH:MM``), narration, reference, debit, credit and
    balance in INR with 2 decimal places (no grouping, no rupee sign).
    """
    account = _own_account(request, bank_account_id)
    form = StatementFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        errors = " ".join(str(m) for messages_ in form.errors.values() for m in messages_)
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    date_from, date_to = form.period() if form.is_bound else (None, None)
    statement = bank_account_statement(account=account, date_from=date_from, date_to=date_to)
    period = f"{date_from or 'start'}_{date_to or 'today'}"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{account.number}-{period}.csv"'
    )
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["Date", "Narration", "Reference", "Debit (INR)", "Credit (INR)", "Balance"])
    for entry in statement.entries:
        credit = entry.entry_type == entry.EntryType.CREDIT
        writer.writerow(
            [
                timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
                _csv_cell(entry.narration),
                _csv_cell(entry.reference),
                "" if credit else f"{entry.amount:.2f}",
                f"{entry.amount:.2f}" if credit else "",
                f"{entry.balance_after:.2f}",
            ]
        )
    return response


urlpatterns = [
    path("bank/", bank_account_list_view, name="bank-list"),
    path("bank/request/", bank_account_request_view, name="bank-request"),
    path("bank/<uuid:bank_account_id>/", bank_account_statement_view, name="bank-statement"),
    path(
        "bank/<uuid:bank_account_id>/statement.csv",
        bank_account_statement_csv_view,
        name="bank-statement-csv",
    ),
]
