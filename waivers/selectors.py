"""Reads of waiver data for the customer pages, the API, the staff console and the verification.

Customer-facing reads take the viewing user and return only that user's records, so pages and
the API answer 404 for anybody else's waiver (never 403: ids are not disclosed).
"""

import json
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from loans.models import LoanApplication, StageStatus
from smartbank.crypto import decrypt_text
from smartbank.engines.image_hash import ImageHash
from smartbank.image_reuse import NearDuplicate, near_duplicates, stored_image_hash

from .models import CertificateType, WaiverRequest, WaiverType

#: Permission of staff who approve and reject waivers (group "Waiver officers", superusers).
DECIDE_PERMISSION = "waivers.decide_waiverrequest"
#: Permission of staff who may see every waiver and open the certificate scans.
VIEW_ALL_PERMISSION = "waivers.view_waiverrequest"


# --- who may do what ----------------------------------------------------------------------


def user_may_decide_waivers(*, user: Any) -> bool:
    """Staff with ``waivers.decide_waiverrequest``."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm(DECIDE_PERMISSION))


def user_sees_all_waivers(*, user: Any) -> bool:
    """Staff with ``waivers.view_waiverrequest`` (they also open the certificate scans)."""
    return bool(user.is_authenticated and user.is_staff and user.has_perm(VIEW_ALL_PERMISSION))


# --- what a customer may ask for ----------------------------------------------------------


def loans_waivable_for(*, customer: Any) -> QuerySet[LoanApplication]:
    """The customer's APPROVED loans (disbursed or not), newest first: what a waiver may be
    asked on."""
    return (
        LoanApplication.objects.filter(
            customer=customer,
            status=LoanApplication.Status.APPROVED,
            final_status=StageStatus.APPROVED,
        )
        .select_related("product")
        .order_by("-created_at")
    )


def loan_waivable_get(*, customer: Any, application_id: str) -> LoanApplication | None:
    """The customer's APPROVED loan ``LOAN-YYYYMMDD-XXXXXXXX``, or ``None`` (not theirs, not
    approved, or unknown)."""
    return loans_waivable_for(customer=customer).filter(application_id=application_id).first()


def waiver_type_list_active() -> QuerySet[WaiverType]:
    return WaiverType.objects.filter(is_active=True).order_by("name")


def waiver_type_get(*, code: str) -> WaiverType | None:
    return waiver_type_list_active().filter(code=code).first()


def certificate_type_list_active() -> QuerySet[CertificateType]:
    return (
        CertificateType.objects.filter(is_active=True)
        .prefetch_related("allowed_waiver_types")
        .order_by("name")
    )


def certificate_type_get(*, code: str) -> CertificateType | None:
    return certificate_type_list_active().filter(code=code).first()


# --- waivers ------------------------------------------------------------------------------


def _with_relations(qs: QuerySet[WaiverRequest]) -> QuerySet[WaiverRequest]:
    return qs.select_related("loan", "waiver_type", "certificate_type", "customer")


def waiver_request_list_for_customer(*, customer: Any) -> QuerySet[WaiverRequest]:
    """The customer's own waiver requests, newest first."""
    return _with_relations(WaiverRequest.objects.filter(customer=customer)).order_by("-created_at")


def waiver_request_get(*, waiver_request_id: Any, viewer: Any) -> WaiverRequest | None:
    """The waiver if ``viewer`` owns it or is staff who sees all waivers, else ``None``."""
    qs = _with_relations(WaiverRequest.objects.all())
    if not user_sees_all_waivers(user=viewer):
        qs = qs.filter(customer=viewer)
    return qs.filter(pk=waiver_request_id).first()


def waiver_review_queue() -> QuerySet[WaiverRequest]:
    """Waivers for the staff console: MANUAL_REVIEW then VERIFIED (oldest first within), then
    those still being verified, then decided ones newest first."""
    return _with_relations(WaiverRequest.objects.all()).annotate(
        queue_rank=Case(
            When(status=WaiverRequest.Status.MANUAL_REVIEW, then=Value(0)),
            When(status=WaiverRequest.Status.VERIFIED, then=Value(0)),
            When(status=WaiverRequest.Status.PROCESSING, then=Value(1)),
            When(status=WaiverRequest.Status.PENDING, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


#: The statuses a waiver officer decides from (the admin's review form offers approve/reject).
AWAITING_DECISION = (WaiverRequest.Status.VERIFIED, WaiverRequest.Status.MANUAL_REVIEW)


def waiver_request_count_awaiting_decision() -> int:
    """Requests waiting for a waiver officer (VERIFIED or MANUAL_REVIEW): one ``COUNT`` (the
    work-queue count of the admin index)."""
    return WaiverRequest.objects.filter(status__in=AWAITING_DECISION).count()


def _prior_claims(waiver: WaiverRequest) -> QuerySet[WaiverRequest]:
    """The other waivers that have the prior claim over ``waiver``: APPROVED, or not REJECTED
    and submitted first, oldest first. The later of two concurrent submissions loses, never
    both."""
    earlier = Q(created_at__lt=waiver.created_at) | Q(
        created_at=waiver.created_at, pk__lt=waiver.pk
    )
    return (
        WaiverRequest.objects.exclude(pk=waiver.pk)
        .exclude(status=WaiverRequest.Status.REJECTED)
        .filter(Q(status=WaiverRequest.Status.APPROVED) | earlier)
        .order_by("created_at")
    )


def _certificate_numbers(waiver: WaiverRequest, read_number: str | None) -> Q:
    """Waivers of ``waiver``'s certificate type whose typed or read number is ``waiver``'s typed
    number or the number read on its scan (``read_number``, else the stored one)."""
    read = waiver.certificate_number_read if read_number is None else read_number
    numbers = {waiver.certificate_number, read} - {""}
    return Q(certificate_type_id=waiver.certificate_type_id) & (
        Q(certificate_number__in=numbers) | Q(certificate_number_read__in=numbers)
    )


def certificate_used_elsewhere(
    *, waiver: WaiverRequest, read_number: str | None = None
) -> WaiverRequest | None:
    """Another waiver backed by the same certificate with the prior claim: the same type, and
    a number typed or read on either equal to one typed or read on the other (issue 11: a number
    read on an approved or pending certificate counts as used even when another was typed).

    ``read_number`` is the number the verification just read on ``waiver``'s scan ("" when none
    was read); ``None`` takes the stored ``certificate_number_read`` (staff approval)."""
    return _prior_claims(waiver).filter(_certificate_numbers(waiver, read_number)).first()


def document_used_elsewhere(*, waiver: WaiverRequest) -> WaiverRequest | None:
    """Another waiver with the same scan (SHA-256) with the prior claim, whatever its number."""
    return _prior_claims(waiver).filter(sha256=waiver.sha256).first()


def scans_near_elsewhere(
    *, waiver: WaiverRequest, hashed: ImageHash, max_distance: int
) -> list[NearDuplicate[WaiverRequest]]:
    """Other waivers with the prior claim whose scan's perceptual hash is within
    ``max_distance`` bits (of 256) of ``hashed``: the same scan re-saved, or a certificate of
    the same template (issue 11). Nearest first; one query."""
    return near_duplicates(_prior_claims(waiver), hashed, max_distance=max_distance)


def waiver_requests_alike(
    *, waiver: WaiverRequest, max_distance: int
) -> list[tuple[WaiverRequest, str]]:
    """For staff: every other waiver, in any status, with this certificate (its type and a typed
    or read number in common), the same file, or a scan within ``max_distance`` bits of this
    one's, oldest first, each with what it shares (``"certificate number"``, ``"same file"``,
    ``"scan N bits of 256 off"``)."""
    others = _with_relations(WaiverRequest.objects.exclude(pk=waiver.pk)).order_by("created_at")
    shared: dict[Any, list[str]] = {}
    records: dict[Any, WaiverRequest] = {}
    for other in others.filter(_certificate_numbers(waiver, None)):
        records[other.pk] = other
        shared.setdefault(other.pk, []).append("certificate number")
    for other in others.filter(sha256=waiver.sha256):
        records[other.pk] = other
        shared.setdefault(other.pk, []).append("same file")
    hashed = stored_image_hash(waiver)
    if hashed is not None:
        for near in near_duplicates(others, hashed, max_distance=max_distance):
            if "same file" in shared.get(near.record.pk, []):
                continue
            records[near.record.pk] = near.record
            shared.setdefault(near.record.pk, []).append(f"scan {near.distance} bits of 256 off")
    ordered = sorted(records.values(), key=lambda other: (other.created_at, str(other.pk)))
    return [(other, ", ".join(shared[other.pk])) for other in ordered]


def waiver_request_ocr(*, waiver: WaiverRequest) -> dict[str, Any] | None:
    """The stored OCR result (``{"text", "mean_confidence", "words"}``), for staff only."""
    if not waiver.ocr_encrypted:
        return None
    return json.loads(decrypt_text(waiver.ocr_encrypted))
