"""Helpers for loan tests: seed 001's request bodies, staff in the loan groups, applications
submitted through the service, and OpenSanctions-style CSV files."""

import csv
import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import UserFactory
from loans.models import LoanApplication, LoanProduct
from loans.services import loan_application_submit

#: Seed 001's "submit a new loan application" request body, verbatim.
SEED_BODY: dict[str, Any] = {
    "name": "John Doe",
    "email": "john.doe@example.com",
    "phone": "+1234567890",
    "region": "AMERICAS",
    "country": "United States",
    "income": 85000,
    "debt": 25000,
    "credit_score": 720,
    "loan_amount": 250000,
    "loan_purpose": "Home Purchase",
    "documents_uploaded": True,
    "documents": ["ID_Proof", "Income_Statement", "Address_Proof"],
}
#: Seed 001's "Request Body" example byte for byte, as an integrator sends it (issue 14).
SEED_BODY_JSON = (
    b'{\n"name": "John Doe",\n"email": "john.doe@example.com",\n"phone": "+1234567890",\n'
    b'"region": "AMERICAS",\n"country": "United States",\n"income": 85000,\n"debt": 25000,\n'
    b'"credit_score": 720,\n"loan_amount": 250000,\n"loan_purpose": "Home Purchase",\n'
    b'"documents_uploaded": true,\n'
    b'"documents": ["ID_Proof", "Income_Statement", "Address_Proof"]\n}'
)
#: Seed 001's "Test User" example byte for byte, with the document lines of the request body
#: example before its closing brace (issue 14: "with the same document fields").
SEED_TEST_USER_JSON = (
    b'{\n"name": "Test User",\n"email": "test@example.com",\n"phone": "+1234567890",\n'
    b'"region": "AMERICAS",\n"country": "United States",\n"income": 80000,\n"debt": 20000,\n'
    b'"credit_score": 720,\n"loan_amount": 200000,\n"loan_purpose": "Home Purchase",\n'
    b'"documents_uploaded": true,\n'
    b'"documents": ["ID_Proof", "Income_Statement", "Address_Proof"]\n}'
)
#: A number phonenumbers finds valid for the United States (seed 001's "+1234567890" has the
#: 10 digits its rule asks for but is too short for the North American plan: a staff remark).
US_PHONE = "+12025550123"

TARGET_COLUMNS = [
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "program_ids",
    "dataset",
    "first_seen",
    "last_seen",
    "last_change",
]


def seed_body(**overrides: Any) -> dict[str, Any]:
    """Seed 001's body with a valid phone number and ``overrides``."""
    return {**SEED_BODY, "phone": US_PHONE, **overrides}


def default_product(**fields: Any) -> LoanProduct:
    """The seeded personal loan (re-created after a transactional test's flush)."""
    product, _ = LoanProduct.objects.get_or_create(
        code="personal-standard",
        defaults={
            "name": "Personal loan",
            "loan_type": "PERSONAL",
            "annual_interest_rate_percent": Decimal("10.50"),
            "max_tenure_months": 60,
        },
    )
    if fields:
        for name, value in fields.items():
            setattr(product, name, value)
        product.save()
    return product


def ensure_groups() -> None:
    """The two staff groups of migration 0002 (flushed by transactional tests)."""
    seed = importlib.import_module("loans.migrations.0002_seed_products_fatf_groups")
    for name, wanted in (
        ("Loan officers", seed.LOAN_OFFICER_PERMISSIONS),
        ("Compliance officers", seed.COMPLIANCE_OFFICER_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="loans", codename__in=[c for _, c in wanted]
            )
        )


def staff_member(*, group: str = "Loan officers", **fields: Any) -> Any:
    """A staff user in ``group`` ("Loan officers" or "Compliance officers")."""
    ensure_groups()
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=group))
    return user


def integrator(**fields: Any) -> Any:
    """An API user that is neither staff nor a customer (a partner's system)."""
    return UserFactory(full_name=fields.pop("full_name", "Partner Systems"), **fields)


def submit(*, submitted_by: Any = None, **overrides: Any) -> LoanApplication:
    """Submit an integrator's application built from :func:`seed_body` through the service."""
    body = seed_body(**overrides)
    for key in ("income", "debt", "loan_amount"):
        body[key] = Decimal(str(body[key]))
    product = body.pop("product", None) or default_product()
    return loan_application_submit(
        submitted_by=submitted_by or integrator(), product=product, **body
    )


#: A sanctioned person of OpenSanctions' ``targets.simple.csv`` shape (the US OFAC SDN entry).
SANCTIONED = {
    "id": "NK-bout",
    "schema": "Person",
    "name": "Viktor Petrovich Bout",
    "aliases": "Victor Bout;Viktor But",
    "birth_date": "1967-01-13",
    "countries": "ru",
    "dataset": "US OFAC SDN",
}


def customer_submit(customer: Any, **extra: Any) -> LoanApplication:
    """Submit a registered customer's application through the service (their own profile
    gives the name and contacts): a loan their income easily carries, unless ``extra`` says
    otherwise."""
    values = {
        "submitted_by": customer,
        "customer": customer,
        "income": Decimal("900000.00"),
        "debt": Decimal("100000.00"),
        "credit_score": 780,
        "loan_amount": Decimal("300000.00"),
        "loan_purpose": "Home renovation",
        "region": "ASIA",
        "country": "India",
        "product": default_product(),
    }
    values.update(extra)
    return loan_application_submit(**values)


def write_targets_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write an OpenSanctions ``targets.simple.csv`` with ``rows`` (missing columns empty)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=TARGET_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in TARGET_COLUMNS})
    return path
