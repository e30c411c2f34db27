"""The customer's page to pay out a fixed deposit before maturity, confirmed by a face step-up
or a one-time code (issue 14)."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from smartbank.errors import ApplicationError
from smartbank.money import format_inr

from ..forms_early_payout import EarlyPayoutForm
from ..models import StepUp
from ..selectors import bank_account_get_by_id
from ..selectors.early_payout import fd_early_payout_quote, fd_payout_destinations
from ..services.early_payout import fd_early_payout
from .step_up import (
    step_up_code_requested,
    step_up_confirmation,
    step_up_context,
    step_up_error,
    step_up_form,
)


@login_required
def fd_early_payout_view(request: HttpRequest, bank_account_id: UUID) -> HttpResponse:
    """What paying out the deposit today gives, the account to credit, "Confirm it's you"."""
    account = bank_account_get_by_id(user=request.user, bank_account_id=bank_account_id)
    quote = fd_early_payout_quote(account=account) if account is not None else None
    if quote is None:
        raise Http404("No such deposit to pay out.")
    destinations = list(fd_payout_destinations(user=request.user))
    form = EarlyPayoutForm(request.POST or None, destinations=destinations)
    step_up = step_up_form(request)
    action = StepUp.Action.FD_EARLY_PAYOUT
    if step_up_code_requested(request, step_up):
        form = EarlyPayoutForm(initial=request.POST.dict(), destinations=destinations)
    elif (
        request.method == "POST"
        and form.is_valid()
        and (step_up_id := step_up_confirmation(request, step_up, action=action))
    ):
        try:
            fd_early_payout(
                bank_account_id=account.pk,
                customer=request.user,
                to_bank_account_id=form.cleaned_data["to_account"],
                step_up_id=step_up_id,
            )
        except ApplicationError as exc:
            if not step_up_error(step_up, exc):
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Your fixed deposit {account.number_masked} is closed; "
                f"{format_inr(quote.amount)} was paid into your account.",
            )
            return redirect(
                "accounts:bank-statement", bank_account_id=form.cleaned_data["to_account"]
            )
    return render(
        request,
        "accounts/bank_early_payout.html",
        {
            "account": account,
            "quote": quote,
            "form": form,
            "destinations": destinations,
            **step_up_context(request, step_up, action=action),
        },
    )


urlpatterns = [
    path(
        "bank/<uuid:bank_account_id>/early-payout/",
        fd_early_payout_view,
        name="fd-early-payout",
    ),
]
