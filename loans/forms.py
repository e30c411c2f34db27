"""Customer web form for a loan application."""

from decimal import Decimal

from django import forms

from accounts.models import AccountType, BankAccount
from smartbank.money import format_inr

from .countries import country_region, country_resolve
from .selectors import loan_product_default, loan_product_list_active


class LoanApplicationForm(forms.Form):
    """Product, amount, tenure, purpose and the applicant's finances (INR, yearly figures).

    Only parses input: the customer's name, email and phone come from their profile, and the
    rules (tenure within the product's maximum, amounts, credit score range, duplicates) are
    checked by :func:`loans.services.loan_application_submit`, whose errors the view puts on
    the fields.
    """

    product = forms.ModelChoiceField(
        queryset=loan_product_list_active(), empty_label=None, label="Loan product"
    )
    loan_amount = forms.DecimalField(
        label="Loan amount (₹)",
        max_digits=12,
        decimal_places=2,
        min_value=1,
        widget=forms.NumberInput(attrs={"step": "1000", "inputmode": "decimal"}),
    )
    tenure_months = forms.IntegerField(
        label="Tenure (months)",
        min_value=1,
        max_value=600,
        help_text="Up to the product's maximum tenure.",
    )
    loan_purpose = forms.CharField(
        label="Purpose",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "Home purchase"}),
    )
    income = forms.DecimalField(
        label="Annual income (₹)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "1000", "inputmode": "decimal"}),
    )
    debt = forms.DecimalField(
        label="Annual repayments on existing debt (₹)",
        max_digits=12,
        decimal_places=2,
        min_value=0,
        initial=0,
        help_text="What you repay each year on other loans and cards; 0 if none.",
        widget=forms.NumberInput(attrs={"step": "1000", "inputmode": "decimal"}),
    )
    credit_score = forms.IntegerField(
        label="Credit rating (300 to 900)",
        min_value=300,
        max_value=900,
        help_text="The number on your credit report (CIBIL or another credit bureau).",
    )
    country = forms.CharField(label="Country of residence", max_length=100, initial="India")
    # No region field: the region follows from the country (issue 12), the service derives it.

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A fresh queryset per form, so a product staff just added or retired shows at once.
        self.fields["product"].queryset = loan_product_list_active()
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.name}: {p.annual_interest_rate_percent}% p.a., up to {p.max_tenure_months} months"
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        # The country's region (None for an unknown country, which the service refuses), for
        # callers that still pass ``region``: the service stores the country's region anyway.
        resolved = country_resolve(cleaned.get("country") or "")
        cleaned["region"] = country_region(resolved[0]) if resolved else None
        return cleaned


class EmiPreviewForm(forms.Form):
    """``?product=<pk>&amount=<INR>&tenure=<months>`` of the EMI preview: the amount positive
    and at most the product's maximum loan, the tenure 1 to the product's maximum (months)."""

    product = forms.ModelChoiceField(queryset=loan_product_list_active(), required=False)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("1"))
    tenure = forms.IntegerField(min_value=1, max_value=600)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = loan_product_list_active()
        self.fields["amount"].error_messages.update(
            required="Enter the amount you want to borrow.", invalid="Enter an amount in rupees."
        )
        self.fields["tenure"].error_messages.update(
            required="Enter the tenure in months.", invalid="Enter a whole number of months."
        )

    def clean(self) -> dict:
        data = super().clean()
        product = data.get("product") or loan_product_default()
        data["product"] = product
        if product is None:
            raise forms.ValidationError("No loan product is on offer right now.")
        amount, tenure = data.get("amount"), data.get("tenure")
        if amount is not None and amount > product.max_loan_amount:
            most = format_inr(product.max_loan_amount).removesuffix(".00")
            self.add_error("amount", f"The most you can borrow is {most}.")
        if tenure is not None and tenure > product.max_tenure_months:
            self.add_error("tenure", f"Choose at most {product.max_tenure_months} months.")
        return data


class LoanRepaymentForm(forms.Form):
    """Pay an EMI: the instalment shown on the page, the account to pay from (the customer's
    ACTIVE savings or current accounts) and the form's idempotency key (a double click pays
    once). The service checks the rest (:func:`loans.services.loan_repayment_pay`)."""

    instalment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    bank_account = forms.ModelChoiceField(
        queryset=BankAccount.objects.none(), empty_label=None, label="Pay from"
    )

    def __init__(self, *args: object, customer: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bank_account"]
        field.queryset = BankAccount.objects.filter(
            user=customer,
            status=BankAccount.Status.ACTIVE,
            account_type__in=[AccountType.SAVINGS, AccountType.CURRENT],
        ).order_by("opened_at", "created_at")
        field.label_from_instance = lambda a: (
            f"{a.get_account_type_display()} {a.number_masked} ({format_inr(a.balance)})"
        )
