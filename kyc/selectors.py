"""Reads of KYC data for views, the API, the admin and other apps."""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from smartbank.countries import HOME_COUNTRY, country_alpha_2
from smartbank.crypto import decrypt_text, keyed_hash
from smartbank.engines.face_gallery import FaceGallery, encoding_from_bytes
from smartbank.engines.image_hash import ImageHash
from smartbank.image_reuse import NearDuplicate, near_duplicates

from .face_gallery import face_gallery_for
from .models import IdType, KycCase, KycDocument, KycDocumentRule

ID_HASH_PURPOSE = "kyc-id-number"
#: Permission of KYC reviewers (group "KYC reviewers", superusers): approve, reject, resubmit.
REVIEW_PERMISSION = "kyc.review_kyccase"


def user_may_review_kyc(*, user: Any) -> bool:
    """KYC reviewers (group "KYC reviewers") and superusers."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(REVIEW_PERMISSION)
    )


#: The rules while the table holds none at all (the rows migration 0007 seeds): an emptied
#: table (a database flushed, every row deleted) falls back to these rather than turning every
#: customer away.
DEFAULT_DOCUMENT_RULES: tuple[tuple[str, str], ...] = (
    ("IN", IdType.AADHAAR),
    ("IN", IdType.PAN),
    ("IN", IdType.PASSPORT),
    (KycDocumentRule.EVERY_OTHER_COUNTRY, IdType.PASSPORT),
)


def kyc_id_types_for_country(country: str) -> list[str]:
    """The ID types (``IdType`` values, in ``IdType`` order) a resident of ``country`` (ISO
    3166-1 alpha-2 or alpha-3, any case) may verify with: the country's rows of the staff-kept
    :class:`~kyc.models.KycDocumentRule` table, else the "every other country" rows (seeded:
    IN -> AADHAAR, PAN, PASSPORT; every other country -> PASSPORT); with no row at all in the
    table, :data:`DEFAULT_DOCUMENT_RULES`. One query (two when none applies); ``[]`` only when
    staff kept rules but none that applies."""
    other = KycDocumentRule.EVERY_OTHER_COUNTRY
    code = country_alpha_2(country) or other
    rows = list(
        KycDocumentRule.objects.filter(country__in=[code, other]).values_list("country", "id_type")
    )
    if not rows and not KycDocumentRule.objects.exists():
        rows = [rule for rule in DEFAULT_DOCUMENT_RULES if rule[0] in (code, other)]
    by_country: dict[str, set[str]] = {}
    for row_country, id_type in rows:
        by_country.setdefault(row_country, set()).add(id_type)
    accepted = by_country.get(code) or by_country.get(other, set())
    return [value for value in IdType.values if value in accepted]


def kyc_customer_country(*, user: Any) -> str:
    """The customer's country of residence, ISO 3166-1 alpha-2, as their profile (app
    ``accounts``) records it; :data:`~smartbank.countries.HOME_COUNTRY` (India) for a user
    without a profile or a country (customers who registered before it was asked)."""
    profile = getattr(user, "profile", None)
    return getattr(profile, "country_of_residence", "") or HOME_COUNTRY


def kyc_customer_has_bank_account(*, user: Any) -> bool:
    """Whether the customer has asked for or holds a bank account (app ``accounts``, through
    the user's ``bank_accounts`` relation, as :func:`kyc_customer_country` reads the profile):
    a verified customer's next step is then their accounts, else opening the first one. One
    query; ``False`` for a user model without the relation."""
    accounts = getattr(user, "bank_accounts", None)
    return bool(accounts is not None and accounts.exists())


def id_number_hash(*, id_type: str, id_number: str) -> str:
    """Keyed hash of a normalised ID number, the only way ID numbers are compared."""
    return keyed_hash(f"{id_type}:{id_number}", purpose=ID_HASH_PURPOSE)


def kyc_case_count_by_status() -> dict[str, int]:
    """``{status: cases}`` over every KYC case, statuses without a case left out: one
    ``GROUP BY`` on the indexed status column (``/metrics``, ``kyc/metrics.py``)."""
    rows = KycCase.objects.order_by().values_list("status").annotate(cases=Count("id"))
    return dict(rows)


def kyc_case_count_in_review() -> int:
    """Cases waiting for a KYC reviewer (MANUAL_REVIEW): one ``COUNT`` on the indexed status
    (the work-queue count of the admin index)."""
    return KycCase.objects.filter(status=KycCase.Status.MANUAL_REVIEW).count()


@dataclass(frozen=True)
class FaceMatch:
    """Another customer's case whose selfie's face is ``distance`` from a case's (Euclidean
    distance of the 128-float dlib encodings; 0 = the same face, the duplicate band is
    ``settings.KYC_FACE_DUPLICATE_MAX``)."""

    case: KycCase
    distance: float


def kyc_cases_with_face_near(*, case: KycCase, max_distance: float) -> list[FaceMatch]:
    """Other customers' cases (VERIFIED or MANUAL_REVIEW, as the duplicate-face check
    searches) whose face is within ``max_distance`` of ``case``'s selfie, nearest first: the
    customers a ``DUPLICATE_FACE`` check matched, for the staff console. ``[]`` when the case
    has no encoding. The distance is the one :func:`smartbank.engines.faces.face_distance`
    computes (``numpy.linalg.norm`` of the difference), found in the process's face gallery
    (:mod:`kyc.face_gallery`); then one query for the matched cases."""
    if not case.face_encoding:
        return []
    gallery = face_gallery_for(user_id=case.user_id)
    near = gallery.within(encoding_from_bytes(case.face_encoding), max_distance)
    cases = KycCase.objects.select_related("user").in_bulk([key for _d, key in near])
    return [
        FaceMatch(case=cases[uuid.UUID(key)], distance=distance)
        for distance, key in near
        if uuid.UUID(key) in cases
    ]


def face_encodings_of_others_by_case(*, case: KycCase) -> FaceGallery:
    """Faces (128 floats each) of other customers' verified or pending-review cases, keyed by
    each case's id (``str``): the duplicate-face check names the matched case in its staff
    detail. A :class:`~smartbank.engines.face_gallery.FaceGallery` (a mapping backed by the
    process's float32 matrix, see :mod:`kyc.face_gallery`), searched with
    :func:`smartbank.engines.face_gallery.nearest_face` in milliseconds for 100,000 faces."""
    return face_gallery_for(user_id=case.user_id)


def kyc_case_latest(*, user: Any) -> KycCase | None:
    """The customer's most recent KYC case (their current KYC status), or ``None``."""
    return KycCase.objects.filter(user=user).order_by("-attempt").first()


def kyc_case_get(*, kyc_case_id: Any, viewer: Any) -> KycCase | None:
    """The case ``kyc_case_id`` with its checks if ``viewer`` owns it or is staff, else
    ``None`` (the API then answers 404, so other customers' case ids are not disclosed)."""
    qs = KycCase.objects.prefetch_related("checks")
    if not viewer.is_staff:
        qs = qs.filter(user=viewer)
    return qs.filter(pk=kyc_case_id).first()


def kyc_is_verified(*, user: Any) -> bool:
    """True when the customer's latest KYC case is VERIFIED (gate for accounts and loans)."""
    case = kyc_case_latest(user=user)
    return case is not None and case.status == KycCase.Status.VERIFIED


def kyc_verified_face_encoding(*, user: Any) -> list[float] | None:
    """The 128-float face encoding of the customer's selfie on their latest case when that case
    is VERIFIED, else ``None`` (no verified face to compare a step-up with). For the step-up
    check only: encodings are biometric data, never shown or logged."""
    case = kyc_case_latest(user=user)
    if case is None or case.status != KycCase.Status.VERIFIED or not case.face_encoding:
        return None
    return encoding_from_bytes(case.face_encoding)


def kyc_case_list_for_user(*, user: Any) -> QuerySet[KycCase]:
    """Every case of the customer, newest first."""
    return KycCase.objects.filter(user=user).order_by("-attempt")


def id_number_registered_to_other(*, id_type: str, id_number: str, user: Any = None) -> bool:
    """True when another customer holds a case with this ID number that was not rejected."""
    qs = KycCase.objects.filter(
        id_number_hash=id_number_hash(id_type=id_type, id_number=id_number)
    ).exclude(status=KycCase.Status.REJECTED)
    if user is not None and user.pk is not None:
        qs = qs.exclude(user=user)
    return qs.exists()


def id_number_verified_for_other(*, case: KycCase) -> bool:
    """True when the case's ID number is already VERIFIED for another customer."""
    return (
        KycCase.objects.filter(id_number_hash=case.id_number_hash, status=KycCase.Status.VERIFIED)
        .exclude(user_id=case.user_id)
        .exists()
    )


def kyc_case_id_number(*, case: KycCase) -> str:
    """The case's ID number in clear, for the pipeline only. Never log or display it."""
    return decrypt_text(case.id_number_encrypted)


def id_documents_near(
    *, case: KycCase, hashed: ImageHash, max_distance: int
) -> list[NearDuplicate[KycDocument]]:
    """ID documents of customers other than ``case``'s whose stored perceptual hash is within
    ``max_distance`` bits (of 256) of ``hashed``, nearest first, each with its case (issue 11:
    the same card re-saved in another customer's case). Documents stored before hashes were
    count when their bytes equal ``case``'s ID document's (distance 0). Cases in every status
    count: a card rejected for one customer is no better for the next. Two queries."""
    others = (
        KycDocument.objects.filter(kind=KycDocument.Kind.ID_DOCUMENT)
        .exclude(case__user_id=case.user_id)
        .select_related("case", "case__user")
        .order_by("created_at")
    )
    near = near_duplicates(others, hashed, max_distance=max_distance)
    own = case.documents.filter(kind=KycDocument.Kind.ID_DOCUMENT).values("sha256")
    unhashed_copies = others.filter(phash="", sha256__in=own)
    return [*(NearDuplicate(record=d, distance=0) for d in unhashed_copies), *near]


def kyc_review_queue() -> QuerySet[KycCase]:
    """Cases for staff, MANUAL_REVIEW and PENDING first, then newest first."""
    from django.db.models import Case, IntegerField, Value, When

    return (
        KycCase.objects.select_related("user")
        .annotate(
            queue_rank=Case(
                When(status=KycCase.Status.MANUAL_REVIEW, then=Value(0)),
                When(status=KycCase.Status.PENDING, then=Value(1)),
                When(status=KycCase.Status.PROCESSING, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("queue_rank", "-created_at")
    )
