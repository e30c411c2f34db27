"""The verification pipeline of a loan application: KYC, compliance, eligibility (issue #4).

Runs inside a Celery task. Reads what the stages need (KYC status, watchlists, the senior
relatives register, the FATF list in effect) through selectors, applies the rules of
:mod:`loans.rules` and the screening engine :mod:`loans.screening`, and returns a
:class:`ChecksOutcome`; :func:`loans.services.loan_application_checks_complete` stores it.
Writes nothing.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kyc.selectors import kyc_case_latest, kyc_is_verified

from . import rules, screening
from .models import FatfCountryList, LoanApplication, LoanProduct, Region, WatchlistKind
from .selectors import (
    fatf_categories_of,
    fatf_list_current,
    senior_relative_targets,
    watchlist_imports_active,
    watchlist_targets,
)

#: Hits kept as evidence per list kind (best first).
MAX_HITS_KEPT = 5


@dataclass(frozen=True)
class ChecksOutcome:
    """The three stages' results, the compliance evidence and the final status
    (APPROVED / REJECTED / PENDING)."""

    kyc: rules.StageResult
    compliance: rules.StageResult
    eligibility: rules.StageResult
    evidence: dict[str, Any]

    @property
    def final_status(self) -> str:
        return rules.final_status(self.kyc.status, self.compliance.status, self.eligibility.status)


_SCREENED_KINDS = ((WatchlistKind.SANCTIONS, "sanctions"), (WatchlistKind.PEP, "pep"))


@dataclass(frozen=True)
class ChecksReference:
    """What the compliance stage reads alike for every application, read once per task (a
    batch of decisions reads it once for all, issue 13).

    Attributes:
        lists: ``{kind: (active imports, their screening targets)}`` for sanctions and PEP.
        relatives: the senior employees' relatives register as screening targets.
        fatf_list: the FATF list in effect today, or ``None``.
        fatf_categories: ``{country code: category}`` of that list.
    """

    lists: dict[str, tuple[list[Any], screening.TargetIndex]]
    relatives: list[screening.Target]
    fatf_list: FatfCountryList | None
    fatf_categories: dict[str, str]


def checks_reference_load() -> ChecksReference:
    """Read the lists, the register and the FATF list in effect (five queries; the name
    indexes of the lists are kept per process, see :func:`loans.selectors.watchlist_targets`)."""
    lists = {}
    for kind, _ in _SCREENED_KINDS:
        imports = watchlist_imports_active(kind=kind)
        lists[kind] = (imports, watchlist_targets(imports=imports))
    fatf_list = fatf_list_current()
    return ChecksReference(
        lists=lists,
        relatives=senior_relative_targets(),
        fatf_list=fatf_list,
        fatf_categories=fatf_categories_of(fatf_list=fatf_list),
    )


def kyc_stage(*, application: LoanApplication) -> rules.StageResult:
    """A registered customer's KYC case must be VERIFIED; an integrator's submission gets
    seed 001's format checks."""
    if application.customer_id is not None:
        if kyc_is_verified(user=application.customer):
            return rules.kyc_registered_customer(kyc_status="VERIFIED")
        case = kyc_case_latest(user=application.customer)
        return rules.kyc_registered_customer(kyc_status=case.status if case else None)
    return rules.kyc_integrator(
        name=application.name,
        email=application.email,
        phone=application.phone,
        region=application.region,
        regions=Region.values,
        country_code=application.country_code,
        documents_uploaded=application.documents_uploaded,
        documents=application.documents or [],
    )


def compliance_stage(
    *,
    application: LoanApplication,
    threshold: float | None = None,
    reference: ChecksReference | None = None,
) -> tuple[rules.StageResult, dict[str, Any]]:
    """Screen the applicant and decide compliance against ``reference`` (read now when not
    given). Returns the result and the evidence:
    ``{"threshold", "lists": [{"kind", "name", "version", "rows"}], "fatf_list",
    "fatf_category", "hits": {"sanctions": [...], "pep": [...], "senior_relatives": [...]}}``.
    """
    reference = reference or checks_reference_load()
    threshold = float(settings.SCREENING_THRESHOLD if threshold is None else threshold)
    person = {
        "name": application.name,
        "date_of_birth": application.date_of_birth,
        "country_code": application.country_code,
        "threshold": threshold,
    }
    lists = []
    hits: dict[str, list[dict]] = {}
    for kind, label in _SCREENED_KINDS:
        imports, targets = reference.lists[kind]
        lists += [
            {"kind": kind, "name": i.name, "version": i.version, "rows": i.row_count}
            for i in imports
        ]
        found = screening.screen(targets=targets, **person)
        hits[label] = [h.as_dict() for h in found[:MAX_HITS_KEPT]]
    # The register holds relatives by name and DOB: nationality is not evidence here.
    relatives = screening.screen(
        targets=reference.relatives,
        name=application.name,
        date_of_birth=application.date_of_birth,
        threshold=threshold,
    )
    hits["senior_relatives"] = [h.as_dict() for h in relatives[:MAX_HITS_KEPT]]

    fatf_list = reference.fatf_list
    code = (application.country_code or "").upper()
    category = reference.fatf_categories.get(code) if code else None
    result = rules.compliance(
        sanctions_hits=hits["sanctions"],
        pep_hits=hits["pep"],
        relative_hits=hits["senior_relatives"],
        fatf_category=category,
        country_name=application.country,
        loan_amount=application.loan_amount,
        high_value_amount=application.product.high_value_amount,
    )
    evidence = {
        "threshold": threshold,
        "lists": lists,
        "fatf_list": fatf_list.version if fatf_list else None,
        "fatf_category": category,
        "high_value_amount": str(application.product.high_value_amount),
        "hits": hits,
    }
    return result, evidence


def product_rules(product: LoanProduct) -> rules.EligibilityRules:
    """The eligibility thresholds of a loan product."""
    return rules.EligibilityRules(
        max_dti=product.max_dti,
        min_credit_score=product.min_credit_score,
        max_income_multiple=product.max_income_multiple,
        max_loan_amount=product.max_loan_amount,
        min_income=product.min_income,
    )


def eligibility_stage(*, application: LoanApplication) -> rules.StageResult:
    return rules.eligibility(
        income=application.income,
        debt=application.debt,
        credit_score=application.credit_score,
        loan_amount=application.loan_amount,
        rules=product_rules(application.product),
    )


def loan_application_run_checks(
    *, application: LoanApplication, reference: ChecksReference | None = None
) -> ChecksOutcome:
    """Run the three stages (all of them, so every result is on record); ``reference`` as
    :func:`compliance_stage` takes it."""
    compliance, evidence = compliance_stage(application=application, reference=reference)
    return ChecksOutcome(
        kyc=kyc_stage(application=application),
        compliance=compliance,
        eligibility=eligibility_stage(application=application),
        evidence=evidence,
    )
