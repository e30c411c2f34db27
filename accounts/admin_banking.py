"""The staff console for bank accounts: request queue, decisions, ledger and FD rates.

Every account field is read-only. Decisions go through the buttons on the account page (approve,
reject, freeze, unfreeze, close, with a reason) or the "approve" list action, which call
:mod:`accounts.services`; a decision already taken shows as an error message, never twice.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from kyc.models import KycCase
from kyc.selectors import kyc_case_latest
from smartbank.admin import EventInline, ReadOnlyInline, StaffQueue, staff_queue_register
from smartbank.errors import ApplicationError
from smartbank.money import format_inr

from .models import AccountEvent, BankAccount, FixedDepositRate, LedgerEntry
from .selectors import bank_account_fd_maturity, user_may_decide_accounts
from .selectors.banking import bank_account_count_requested
from .services import (
    bank_account_approve,
    bank_account_close,
    bank_account_freeze,
    bank_account_reject,
    bank_account_unfreeze,
)


class LedgerEntryInline(ReadOnlyInline):
    model = LedgerEntry
    fields = ("created_at", "entry_type", "amount", "balance_after", "narration", "reference")
    readonly_fields = fields
    ordering = ("id",)


class AccountEventInline(EventInline):
    model = AccountEvent


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    """Requests waiting for a decision first, then the newest accounts."""

    list_display = (
        "number",
        "customer_email",
        "account_type",
        "status",
        "balance_inr",
        "created_at",
        "opened_at",
    )
    list_filter = ("status", "account_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("number", "user__email", "user__full_name")
    list_select_related = ("user",)
    actions = ["approve_selected"]
    change_form_template = "accounts/bank_admin_change_form.html"
    inlines = [AccountEventInline, LedgerEntryInline]
    fields = (
        "number",
        "customer_email",
        "customer_name",
        "customer_kyc",
        "customer_id_masked",
        "account_type",
        "status",
        "balance_inr",
        "fd_terms",
        "created_at",
        "opened_at",
        "decided_at",
        "decided_by",
        "rejection_reason",
    )
    readonly_fields = fields

    def get_ordering(self, request: HttpRequest) -> tuple[Any, ...]:
        # An expression, not an annotation: other admins order their account pickers by this.
        requested_first = Case(
            When(status=BankAccount.Status.REQUESTED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (requested_first.asc(), "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        """Account officers and superusers (``accounts.decide_bankaccount``)."""
        return user_may_decide_accounts(user=request.user)

    def change_view(self, request, object_id, form_url="", extra_context=None):  # noqa: ANN001, ANN201
        extra_context = {**(extra_context or {}), "may_decide": self.has_decide_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description="Customer", ordering="user__email")
    def customer_email(self, obj: BankAccount) -> str:
        return obj.user.email

    def _kyc_case(self, obj: BankAccount) -> KycCase | None:
        # Three fields read it on one page: look it up once per account shown.
        cached = getattr(obj, "_admin_kyc_case", False)
        if cached is False:
            cached = obj._admin_kyc_case = kyc_case_latest(user=obj.user)
        return cached

    @admin.display(description="Name")
    def customer_name(self, obj: BankAccount) -> str:
        return obj.user.full_name or "—"

    @admin.display(description="KYC status")
    def customer_kyc(self, obj: BankAccount) -> str:
        """The customer's latest KYC case, linked to its page (an account opens for VERIFIED
        customers only)."""
        case = self._kyc_case(obj)
        if case is None:
            return "No KYC case"
        return format_html(
            '<a href="{}" id="account-kyc-link">{}</a> (attempt {})',
            reverse("admin:kyc_kyccase_change", args=[case.pk]),
            case.get_status_display(),
            case.attempt,
        )

    @admin.display(description="ID document")
    def customer_id_masked(self, obj: BankAccount) -> str:
        """The ID type and its masked number from the KYC case, never the number in clear."""
        case = self._kyc_case(obj)
        if case is None:
            return "—"
        return f"{case.get_id_type_display()} {case.id_number_masked}"

    @admin.display(description="Balance", ordering="balance")
    def balance_inr(self, obj: BankAccount) -> str:
        return format_inr(obj.balance)

    @admin.display(description="Fixed deposit")
    def fd_terms(self, obj: BankAccount) -> str:
        maturity = bank_account_fd_maturity(account=obj)
        if maturity is None:
            return "—"
        return (
            f"{format_inr(obj.fd_principal)} for {obj.fd_tenure_months} months at "
            f"{obj.fd_rate_percent}% p.a.; matures {maturity.date:%d %b %Y} with "
            f"{format_inr(maturity.amount)}"
        )

    @admin.action(
        description="Approve selected requests (open the accounts)", permissions=["decide"]
    )
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[BankAccount]) -> None:
        opened = 0
        for account in queryset:
            try:
                bank_account_approve(bank_account_id=account.pk, actor=request.user)
            except ApplicationError as exc:
                messages.error(request, f"{account.number}: {exc.message}")
            else:
                opened += 1
        if opened:
            messages.success(request, f"{opened} account(s) opened.")

    def get_urls(self):  # noqa: ANN201
        decide = self.admin_site.admin_view(require_POST(self.decide_view))
        return [
            path("<uuid:bank_account_id>/decide/", decide, name="accounts_bankaccount_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, bank_account_id: str) -> HttpResponse:
        """Apply one decision from the account page through the services."""
        account = get_object_or_404(BankAccount, pk=bank_account_id)
        back = HttpResponseRedirect(reverse("admin:accounts_bankaccount_change", args=[account.pk]))
        if not self.has_decide_permission(request):
            messages.error(request, "Only account officers decide bank accounts.")
            return back
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        user = request.user
        try:
            if action == "approve":
                bank_account_approve(bank_account_id=account.pk, actor=user)
                messages.success(request, "Account opened and the opening credit posted.")
            elif action == "reject":
                bank_account_reject(bank_account_id=account.pk, actor=user, reason=reason)
                messages.success(request, "Request rejected.")
            elif action == "freeze":
                bank_account_freeze(bank_account_id=account.pk, actor=user, reason=reason)
                messages.success(request, "Account frozen.")
            elif action == "unfreeze":
                bank_account_unfreeze(bank_account_id=account.pk, actor=user, reason=reason)
                messages.success(request, "Account active again.")
            elif action == "close":
                bank_account_close(bank_account_id=account.pk, actor=user, reason=reason)
                messages.success(request, "Account closed.")
            else:
                messages.error(request, "Unknown action.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return back


@admin.register(FixedDepositRate)
class FixedDepositRateAdmin(admin.ModelAdmin):
    """Rates offered for FD tenures. An account keeps the rate it was given, so a change here
    applies to new requests only; add a row with a later ``effective_from`` to change a rate."""

    list_display = (
        "min_months",
        "max_months",
        "annual_rate_percent",
        "effective_from",
        "is_active",
    )
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    ordering = ("min_months", "-effective_from")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger, read-only: entries are posted by services and never edited or deleted."""

    list_display = (
        "created_at",
        "account",
        "entry_type",
        "amount",
        "balance_after",
        "narration",
        "reference",
    )
    list_filter = ("entry_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("account__number", "reference", "narration")
    list_select_related = ("account",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


staff_queue_register(
    StaffQueue(
        key="accounts",
        label="Account requests awaiting approval",
        count=bank_account_count_requested,
        changelist="admin:accounts_bankaccount_changelist",
        query=f"status__exact={BankAccount.Status.REQUESTED}",
        permission="accounts.view_bankaccount",
    )
)
