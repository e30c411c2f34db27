"""Customer web form for a loan application."""

from django import forms

from .models import Region
from .selectors import loan_product_list_active


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
        label="Credit score", min_value=300, max_value=900, help_text="From your credit report."
    )
    country = forms.CharField(label="Country of residence", max_length=100, initial="India")
    region = forms.ChoiceField(choices=Region.choices, initial=Region.APAC)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # A fresh queryset per form, so a product staff just added or retired shows at once.
        self.fields["product"].queryset = loan_product_list_active()
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.name}: {p.annual_interest_rate_percent}% p.a., up to {p.max_tenure_months} months"
        )
