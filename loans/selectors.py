"""Reads of loan data for the API, the admin, the customer pages, the pipeline and dashboards."""

import copy
import datetime
import time
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import timezone

from accounts.models import AccountType, BankAccount, CustomerProfile
from smartbank.db import CompiledQuery

from . import emi as emi_engine
from .models import (
    DECISION_EVENT_TYPES,
    ApprovalAction,
    ApprovalLogEntry,
    ApprovalStep,
    FatfCountry,
    FatfCountryList,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    SeniorRelative,
    StageStatus,
    WatchlistEntry,
    WatchlistImport,
)
from .screening import NameIndex, Target, TargetIndex

#: Permission of loan officers: approve, reject and reprocess applications.
DECIDE_PERMISSION = "loans.decide_loanapplication"
#: Permission of staff who may see every application (loan and compliance officers).
VIEW_ALL_PERMISSION = "loans.view_loanapplication"
#: Permission of staff who may read the audit trail (the same two groups).
VIEW_EVENTS_PERMISSION = "loans.view_loanapplicationevent"


# --- who may do what ----------------------------------------------------------------------


def user_sees_all_applications(*, user: Any) -> bool:
    """Staff with ``loans.view_loanapplication`` (the two officer groups, superusers)."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm(VIEW_ALL_PERMISSION))


def user_may_decide(*, user: Any) -> bool:
    """Loan officers (group "Loan officers") and superusers."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm(DECIDE_PERMISSION))


def user_may_read_approval_log(*, user: Any) -> bool:
    """Staff who see every application and its audit events (``loans.view_loanapplication``
    and ``loans.view_loanapplicationevent``: the loan and compliance officer groups,
    superusers)."""
    return bool(
        user.is_authenticated
        and user.is_staff
        and user.has_perms([VIEW_ALL_PERMISSION, VIEW_EVENTS_PERMISSION])
    )


def customer_profile_for(*, user: Any) -> CustomerProfile | None:
    """The user's customer profile, ``None`` for staff and integrators. No query when it was
    read with the user (the API's JWT authentication, ``select_related("profile")``)."""
    profile = get_user_model().profile.related  # the reverse one-to-one of CustomerProfile.user
    if isinstance(user, get_user_model()) and profile.is_cached(user):
        return profile.get_cached_value(user)
    return CustomerProfile.objects.filter(user=user).first()


# --- products -----------------------------------------------------------------------------


def loan_product_list_active() -> QuerySet[LoanProduct]:
    """Products customers and integrators may choose, by name."""
    return LoanProduct.objects.filter(is_active=True).order_by("name")


#: The default product as last read and committed: ``(time.monotonic() of the read, the
#: settings code it was read for, the product)``; ``None`` until read or once forgotten.
_default_product: tuple[float, str, LoanProduct | None] | None = None
#: Bumped by every forget, so a read that began before a product changed is not kept.
_default_product_generation = 0


def loan_product_default() -> LoanProduct | None:
    """``settings.LOANS_DEFAULT_PRODUCT_CODE`` if active, else the first active product.

    Kept in this process for ``settings.LOANS_PRODUCT_CACHE_SECONDS`` (default 30; 0 reads
    every time): every integrator submission asks for it (issue 13). A product saved or
    deleted through the ORM in this process is forgotten at once and again after its commit
    (:func:`loan_product_default_forget`); other processes read again within the TTL, so a
    product deactivated there is still used here at most that many seconds (a queryset
    ``update()`` sends no signal: the TTL bounds it too). Only a committed read is kept: one
    made inside a transaction is stored once it commits. Returns a copy of the kept row.
    """
    code, ttl = settings.LOANS_DEFAULT_PRODUCT_CODE, settings.LOANS_PRODUCT_CACHE_SECONDS
    kept, now = _default_product, time.monotonic()
    if kept is not None and kept[1] == code and now - kept[0] < ttl:
        return copy.copy(kept[2]) if kept[2] is not None else None
    products = loan_product_list_active()
    product = products.filter(code=code).first() or products.first()
    if ttl > 0:
        generation = _default_product_generation

        def keep() -> None:
            global _default_product
            if generation == _default_product_generation:
                _default_product = (now, code, copy.copy(product) if product else None)

        transaction.on_commit(keep)
    return product


def loan_product_default_forget(**_signal: Any) -> None:
    """Drop the kept default product (a product was saved or deleted, or the database was
    migrated or flushed, as transactional tests do)."""
    global _default_product, _default_product_generation
    _default_product = None
    _default_product_generation += 1


def _product_changed(**_signal: Any) -> None:
    loan_product_default_forget()
    transaction.on_commit(loan_product_default_forget)  # a read in between saw the old row


post_save.connect(_product_changed, sender=LoanProduct, dispatch_uid="loan-product-default")
post_delete.connect(_product_changed, sender=LoanProduct, dispatch_uid="loan-product-default")
post_migrate.connect(loan_product_default_forget, dispatch_uid="loan-product-default")


def loan_product_get(*, code: str) -> LoanProduct | None:
    return loan_product_list_active().filter(code=code).first()


# --- applications -------------------------------------------------------------------------


def loan_application_visible_to(*, user: Any) -> QuerySet[LoanApplication]:
    """Applications ``user`` may see: all for loan or compliance staff; otherwise those where
    they are the customer or the submitter (others answer 404, never 403)."""
    qs = LoanApplication.objects.select_related("product")
    if user_sees_all_applications(user=user):
        return qs
    return qs.filter(Q(customer=user) | Q(submitted_by=user))


def loan_application_get(*, application_id: str, viewer: Any) -> LoanApplication | None:
    """The application ``LOAN-YYYYMMDD-XXXXXXXX`` if ``viewer`` may see it, else ``None``
    (also for an id with a NUL character: no id has one, and PostgreSQL text cannot hold it)."""
    if "\x00" in application_id:
        return None
    return loan_application_visible_to(user=viewer).filter(application_id=application_id).first()


def loan_application_list(
    *,
    viewer: Any,
    status: str | None = None,
    region: str | None = None,
) -> QuerySet[LoanApplication]:
    """Seed 001's list: newest first, filtered by ``final_status`` and ``region`` (the API
    pages it, ``smartbank.pagination``)."""
    qs = loan_application_visible_to(user=viewer)
    if status:
        qs = qs.filter(final_status=status)
    if region:
        qs = qs.filter(region=region)
    return qs.order_by("-created_at")


def loan_application_pending(*, viewer: Any) -> QuerySet[LoanApplication]:
    """Applications waiting for a staff decision (status REVIEW), oldest first."""
    return (
        loan_application_visible_to(user=viewer)
        .filter(status=LoanApplication.Status.REVIEW)
        .order_by("created_at")
    )


def loan_application_list_for_customer(*, customer: Any) -> QuerySet[LoanApplication]:
    """A registered customer's own applications, newest first (customer pages)."""
    return (
        LoanApplication.objects.filter(customer=customer)
        .select_related("product", "disbursement_account")
        .order_by("-created_at")
    )


def loan_application_events(*, application: LoanApplication) -> QuerySet[LoanApplicationEvent]:
    """The audit trail, most recent first."""
    return application.events.select_related("actor").order_by("-created_at", "-id")


# --- the approval log (seed 001's audit trail of manual decisions) -------------------------

_EVENT = LoanApplicationEvent.Type
_FINAL_DECISION = Q(type__in=[_EVENT.APPROVED, _EVENT.REJECTED])
#: ``loans.models.ApprovalAction`` -> the event types that are that action.
_ACTION_TYPES = {
    ApprovalAction.APPROVE: [_EVENT.FIRST_APPROVAL, _EVENT.APPROVED],
    ApprovalAction.REJECT: [_EVENT.REJECTED],
    ApprovalAction.REPROCESS: [_EVENT.REPROCESS_REQUESTED],
}
# A staff approval or rejection is final, so the application's first approval (maker) is the
# one that decision followed: reprocessing, which clears it, is refused after both.
_STEP_FILTERS = {
    ApprovalStep.MAKER: Q(type=_EVENT.FIRST_APPROVAL),
    ApprovalStep.CHECKER: _FINAL_DECISION & Q(application__first_approved_by__isnull=False),
}
_STEP_FILTERS[ApprovalStep.SINGLE] = (
    ~_STEP_FILTERS[ApprovalStep.MAKER] & ~(_STEP_FILTERS[ApprovalStep.CHECKER])
)


def approval_log(
    *,
    application_id: str | None = None,
    action: str | None = None,
    step: str | None = None,
    officer_email: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[ApprovalLogEntry]:
    """Every staff approval (a maker's first approval included), rejection and reprocess
    request across all applications, most recent first: the decision events of the audit
    trail, nothing copied.

    Each entry is an :class:`~loans.models.ApprovalLogEntry` (the event, with
    ``application``, ``actor`` and the application's ``first_approved_by`` loaded) annotated
    with ``log_action`` (:class:`~loans.models.ApprovalAction`), ``log_step``
    (:class:`~loans.models.ApprovalStep`: MAKER for a first approval, CHECKER for the approval
    or rejection of an application that had one, else SINGLE), ``log_reason`` (the approval's
    note or the rejection's reason, ``""`` for none) and ``log_maker_email`` (the maker of a
    CHECKER entry, else ``None``).

    Filters: ``application_id`` (``LOAN-...``, any case), ``action``, ``step``,
    ``officer_email`` (the acting staff member, any case), ``date_from`` / ``date_to``
    (inclusive local dates, ``settings.TIME_ZONE``).
    """
    qs = (
        ApprovalLogEntry.objects.filter(type__in=DECISION_EVENT_TYPES, actor__isnull=False)
        .select_related("application", "actor", "application__first_approved_by")
        .annotate(
            log_action=Case(
                *(
                    When(type__in=types, then=Value(str(value)))
                    for value, types in _ACTION_TYPES.items()
                ),
                output_field=CharField(),
            ),
            log_step=Case(
                When(_STEP_FILTERS[ApprovalStep.MAKER], then=Value(ApprovalStep.MAKER.value)),
                When(_STEP_FILTERS[ApprovalStep.CHECKER], then=Value(ApprovalStep.CHECKER.value)),
                default=Value(ApprovalStep.SINGLE.value),
                output_field=CharField(),
            ),
            log_reason=Coalesce(
                KT("data__reason"), KT("data__note"), Value(""), output_field=TextField()
            ),
            log_maker_email=Case(
                When(
                    _STEP_FILTERS[ApprovalStep.CHECKER],
                    then=F("application__first_approved_by__email"),
                ),
                default=None,
                output_field=CharField(),
            ),
        )
    )
    if application_id:
        qs = qs.filter(application__application_id=application_id.strip().upper())
    if action:
        qs = qs.filter(type__in=_ACTION_TYPES[ApprovalAction(action)])
    if step:
        qs = qs.filter(_STEP_FILTERS[ApprovalStep(step)])
    if officer_email:
        qs = qs.filter(actor__email__iexact=officer_email.strip())
    zone = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(
            created_at__gte=datetime.datetime.combine(date_from, datetime.time.min, zone)
        )
    if date_to:
        end = date_to + datetime.timedelta(days=1)
        qs = qs.filter(created_at__lt=datetime.datetime.combine(end, datetime.time.min, zone))
    return qs.order_by("-created_at", "-id")


def approval_log_officers() -> QuerySet[Any]:
    """The staff members with at least one entry in the approval log, by email (the admin's
    filters)."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=LoanApplicationEvent.objects.filter(
                type__in=DECISION_EVENT_TYPES, actor__isnull=False
            ).values("actor")
        )
        .order_by("email")
    )


def applicant_compliance_remarks(*, application: LoanApplication) -> str:
    """The compliance stage as the applicant may read it: a general sentence, never the
    watchlist or FATF remarks (AML "tipping off", PMLA 2002 s.12 / FATF Recommendation 21)."""
    if application.compliance_status == StageStatus.APPROVED:
        return "Compliance checks passed"
    if application.compliance_status == StageStatus.REJECTED:
        return "The application did not pass our compliance checks"
    if application.decided_by_id:
        return "Reviewed by our staff"
    if application.compliance_verified_at:
        return "Our compliance team is reviewing the application"
    return ""


def applicant_final_remarks(*, application: LoanApplication) -> str:
    """The decision's remarks as the applicant may read them: as stored unless they quote
    compliance screening (see :func:`applicant_compliance_remarks`)."""
    if application.compliance_status == StageStatus.APPROVED or application.decided_by_id:
        return application.final_remarks
    if application.status == LoanApplication.Status.REJECTED:
        return "The application did not pass our checks."
    return ""  # in review: the status says so already


def loan_review_queue() -> QuerySet[LoanApplication]:
    """Applications for the staff console: REVIEW first (oldest first within), then checks
    still running, then decided ones newest first."""
    return (
        LoanApplication.objects.select_related("product", "customer", "first_approved_by")
        .annotate(
            queue_rank=Case(
                When(status=LoanApplication.Status.REVIEW, then=Value(0)),
                When(status=LoanApplication.Status.PROCESSING, then=Value(1)),
                When(status=LoanApplication.Status.SUBMITTED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_rank", "-created_at")
    )


def loan_application_count_awaiting_decision() -> int:
    """Applications waiting for a loan officer (REVIEW, a first approval included): one
    ``COUNT`` (the work-queue count of the admin index)."""
    return LoanApplication.objects.filter(status=LoanApplication.Status.REVIEW).count()


def loan_application_duplicates(
    *,
    customer: Any,
    email: str,
    loan_amount: Decimal,
    loan_purpose: str,
) -> QuerySet[LoanApplication]:
    """The same applicant's (the registered customer or their key, else the email, any case)
    PENDING or APPROVED applications for the same amount and purpose (any case, as stored:
    without surrounding spaces): a submission is refused while there is one (seed 001's "409:
    Conflict (duplicate entry)"). See :data:`LOAN_APPLICATION_DUPLICATE_OF_CUSTOMER`."""
    qs = LoanApplication.objects.filter(
        final_status__in=[StageStatus.PENDING, StageStatus.APPROVED],
        loan_amount=loan_amount,
        loan_purpose__iexact=loan_purpose,
    )
    return qs.filter(customer=customer) if customer is not None else qs.filter(email__iexact=email)


#: ``.statement(customer_id, loan_amount, loan_purpose)`` and ``.statement(email,
#: loan_amount, loan_purpose)``: whether :func:`loan_application_duplicates` has a row, as one
#: SQL statement compiled once per process (issue 13: compiling it cost ~0.2 ms of each
#: submission's Python).
LOAN_APPLICATION_DUPLICATE_OF_CUSTOMER = CompiledQuery(
    LoanApplication,
    lambda customer_id, loan_amount, loan_purpose: loan_application_duplicates(
        customer=customer_id, email="", loan_amount=loan_amount, loan_purpose=loan_purpose
    ),
    exists=True,
)
LOAN_APPLICATION_DUPLICATE_OF_EMAIL = CompiledQuery(
    LoanApplication,
    lambda email, loan_amount, loan_purpose: loan_application_duplicates(
        customer=None, email=email, loan_amount=loan_amount, loan_purpose=loan_purpose
    ),
    exists=True,
)


def loan_application_emi(*, application: LoanApplication) -> Decimal:
    """The application's EMI in INR at its product's rate over its tenure (months)."""
    return emi_engine.emi(
        principal=application.loan_amount,
        annual_rate_percent=application.product.annual_interest_rate_percent,
        tenure_months=loan_application_tenure(application=application),
    )


def loan_application_schedule(*, application: LoanApplication) -> list[emi_engine.AmortisationRow]:
    """The application's repayment schedule (see :func:`loans.emi.amortisation_schedule`)."""
    return emi_engine.amortisation_schedule(
        principal=application.loan_amount,
        annual_rate_percent=application.product.annual_interest_rate_percent,
        tenure_months=loan_application_tenure(application=application),
    )


def loan_application_tenure(*, application: LoanApplication) -> int:
    """The chosen tenure in months, or the product's maximum when none was chosen."""
    return application.tenure_months or application.product.max_tenure_months


def disbursement_account_for(*, customer: Any) -> BankAccount | None:
    """The customer's oldest ACTIVE savings or current account, or ``None``."""
    return (
        BankAccount.objects.filter(
            user=customer,
            status=BankAccount.Status.ACTIVE,
            account_type__in=[AccountType.SAVINGS, AccountType.CURRENT],
        )
        .order_by("opened_at", "created_at")
        .first()
    )


# --- compliance data ----------------------------------------------------------------------


def watchlist_imports_active(*, kind: str) -> list[WatchlistImport]:
    return list(WatchlistImport.objects.filter(kind=kind, is_active=True).order_by("name"))


_TARGETS_CACHE: dict[tuple, TargetIndex] = {}
_TARGETS_CACHE_SIZE = 4


def watchlist_targets(*, imports: list[WatchlistImport]) -> TargetIndex:
    """Screening targets of the given imports (a :class:`~loans.screening.TargetIndex`, a
    sequence of :class:`Target`); ``meta`` names the entry, list and dataset.

    Cached per process by the imports' ids, versions and creation times: an import is written
    once, in one transaction (:func:`loans.watchlists.watchlist_import`), and a new version is
    a new import, so a worker builds the name index of a large list (an OpenSanctions export)
    once, from the names normalised at import (``WatchlistEntry.search_names``, one query), and
    afterwards fetches only the targets a screening finds (one query by primary key).
    """
    # created_at too: SQLite hands a deleted last row's id to the next insert, so an id and a
    # version can come back as another import.
    key = tuple(sorted((i.pk, i.version, i.created_at) for i in imports))
    cached = _TARGETS_CACHE.get(key)
    if cached is None:
        cached = _watchlist_targets_load(imports)
        if len(_TARGETS_CACHE) >= _TARGETS_CACHE_SIZE:
            _TARGETS_CACHE.pop(next(iter(_TARGETS_CACHE)))
        _TARGETS_CACHE[key] = cached
    return cached


def _watchlist_targets_load(imports: list[WatchlistImport]) -> TargetIndex:
    entries = WatchlistEntry.objects.filter(watchlist__in=imports).order_by("pk")
    rows = list(entries.values_list("pk", "search_names"))
    pks = [pk for pk, _names in rows]
    position = {pk: i for i, pk in enumerate(pks)}
    repeated = entries.filter(search_repeated=True).values_list("pk", flat=True)
    index = NameIndex((n for _pk, n in rows), repeated=[position[pk] for pk in repeated])
    by_id = {i.pk: i for i in imports}

    def fetch(owners: Sequence[int]) -> list[Target]:
        wanted = [pks[o] for o in owners]
        every = len(wanted) == len(pks)
        columns = WatchlistEntry.objects.filter(
            **({"watchlist__in": imports} if every else {"pk__in": wanted})
        ).values_list(
            "pk",
            "watchlist_id",
            "entity_id",
            "name",
            "aliases",
            "birth_dates",
            "countries",
            "dataset",
        )
        found = {
            pk: Target(
                key=entity_id,
                name=name,
                aliases=tuple(aliases or ()),
                birth_dates=tuple(birth_dates or ()),
                countries=tuple(countries or ()),
                meta={
                    "entry": pk,
                    "list": by_id[watchlist_id].name,
                    "version": by_id[watchlist_id].version,
                    "dataset": dataset,
                },
            )
            for pk, watchlist_id, entity_id, name, aliases, birth_dates, countries, dataset in (
                columns.iterator(chunk_size=5000) if every else columns
            )
        }
        return [found[pk] for pk in wanted]

    return TargetIndex(index, fetch)


def senior_relative_targets() -> list[Target]:
    """Active entries of the senior employees' relatives register as screening targets."""
    return [
        Target(
            key=f"relative-{r.pk}",
            name=r.relative_name,
            birth_dates=(r.date_of_birth.isoformat(),) if r.date_of_birth else (),
            meta={
                "relative": r.pk,
                "relation": r.relation,
                "employee_id": r.employee_id,
                "employee_name": r.employee_name,
            },
        )
        for r in SeniorRelative.objects.filter(is_active=True).order_by("pk")
    ]


def fatf_list_current(*, on: datetime.date | None = None) -> FatfCountryList | None:
    """The FATF list in effect on ``on`` (default today): the latest ``effective_from`` not
    after it."""
    day = on or timezone.localdate()
    return (
        FatfCountryList.objects.filter(effective_from__lte=day)
        .order_by("-effective_from", "-created_at")
        .first()
    )


def fatf_categories_of(*, fatf_list: FatfCountryList | None) -> dict[str, str]:
    """``{country code: category}`` of ``fatf_list`` (``{}`` for none): one query, so a batch
    of applications looks their countries up without one each."""
    if fatf_list is None:
        return {}
    rows = FatfCountry.objects.filter(country_list=fatf_list).order_by("-pk")
    return dict(rows.values_list("country_code", "category"))


def fatf_category_for(*, country_code: str, fatf_list: FatfCountryList | None) -> str | None:
    """``CALL_FOR_ACTION``, ``INCREASED_MONITORING`` or ``None`` for the country."""
    if fatf_list is None or not country_code:
        return None
    return (
        FatfCountry.objects.filter(country_list=fatf_list, country_code=country_code.upper())
        .values_list("category", flat=True)
        .first()
    )
