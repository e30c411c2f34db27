"""Issue 13: faces stored as float32 bytes, the per-process gallery and its exact 1:N search."""

import numpy as np
import pytest

from kyc.face_gallery import face_gallery_for
from kyc.models import KycCase
from kyc.pipeline import face_checks
from kyc.selectors import (
    face_encodings_of_others_by_case,
    kyc_cases_with_face_near,
    kyc_verified_face_encoding,
)
from kyc.services.review import kyc_case_reject
from smartbank.engines import faces
from smartbank.engines.face_gallery import (
    ENCODING_BYTES,
    FaceGallery,
    encoding_from_bytes,
    encoding_to_bytes,
    nearest_face,
)
from smartbank.engines.faces import FaceEngineError
from smartbank.tests import cards
from smartbank.tests.factories import UserFactory

from .factories import KycCaseFactory

BAND = 0.45  # settings.KYC_FACE_DUPLICATE_MAX


def _people(count: int, seed: int = 7) -> np.ndarray:
    """Encodings shaped like dlib's: norm ~1.46, ~0.8 between people (see bench/face_search.py)."""
    rng = np.random.default_rng(seed)
    return rng.normal(0, 0.115, 128) + rng.normal(0, 0.05, (count, 128))


def test_an_encoding_is_stored_as_512_bytes_and_read_back_as_the_same_floats():
    encoding = _people(1)[0]
    stored = encoding_to_bytes(encoding)

    assert len(stored) == ENCODING_BYTES == 512
    back = encoding_from_bytes(stored)
    assert back == [float(np.float32(x)) for x in encoding]
    assert max(abs(a - b) for a, b in zip(back, encoding, strict=True)) < 1e-7
    with pytest.raises(FaceEngineError):
        encoding_to_bytes([0.1] * 127)
    with pytest.raises(FaceEngineError):
        encoding_from_bytes(stored[:-4])


@pytest.mark.django_db
def test_a_case_saved_with_a_list_of_floats_reads_back_as_bytes_for_the_step_up():
    encoding = list(_people(1)[0])
    case = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=encoding)

    case.refresh_from_db()
    assert isinstance(case.face_encoding, bytes) and len(case.face_encoding) == 512
    reference = kyc_verified_face_encoding(user=case.user)
    assert reference == encoding_from_bytes(encoding_to_bytes(encoding))
    assert faces.face_distance(reference, encoding) < 1e-6


def test_the_gallery_finds_what_comparing_one_pair_at_a_time_finds():
    """Same nearest distance (bit for bit) and the same faces within the duplicate band as the
    one-pair-at-a-time loop over every face, own faces excluded."""
    people = _people(500)
    stored = np.stack([np.frombuffer(encoding_to_bytes(p), dtype="<f4") for p in people])
    keys = [f"case-{i}" for i in range(len(people))]
    rng = np.random.default_rng(1)
    for i in range(60):
        query = people[i * 7] + rng.normal(0, (0.02, 0.04, 0.06)[i % 3], 128)
        excluded = [i * 7] if i % 2 else []  # half the time the match is the customer's own
        gallery = FaceGallery(keys, stored, excluded=excluded)
        by_key = {k: list(map(float, stored[j])) for j, k in enumerate(keys) if j not in excluded}

        assert nearest_face(query, gallery) == nearest_face(query, by_key)
        one_at_a_time = sorted((faces.face_distance(query, e), k) for k, e in by_key.items())
        assert gallery.within(query, BAND) == [(d, k) for d, k in one_at_a_time if d <= BAND]
        assert faces.nearest_distance(query, gallery) == one_at_a_time[0][0]
    assert nearest_face(people[0], FaceGallery([], stored[:0])) == (None, None)


def test_the_shipped_photos_of_one_person_are_duplicates_in_the_gallery():
    """The astronaut's selfie against a gallery holding the astronaut's card photo among
    strangers: the duplicate-face check answers as it does with a plain mapping."""
    card_face = faces.analyse_id_photo(cards.face_photo("astronaut"))
    others = {f"stranger-{i}": list(map(float, p)) for i, p in enumerate(_people(200))}
    others["astronaut"] = list(card_face)
    stored = np.stack([np.frombuffer(encoding_to_bytes(e), dtype="<f4") for e in others.values()])
    gallery = FaceGallery(list(others), stored)

    selfie, card = cards.selfie_of("astronaut"), cards.face_photo("astronaut")
    with_gallery = face_checks(selfie_image=selfie, id_image=card, other_encodings=gallery)
    plain = {k: encoding_from_bytes(encoding_to_bytes(e)) for k, e in others.items()}
    with_mapping = face_checks(selfie_image=selfie, id_image=card, other_encodings=plain)

    assert with_gallery == with_mapping
    duplicate = next(c for c in with_gallery[0] if c.name == "DUPLICATE_FACE")
    assert duplicate.code == "DUPLICATE_FACE" and duplicate.detail.endswith("in case astronaut")


@pytest.mark.django_db
def test_the_gallery_picks_up_a_newly_verified_face_and_drops_a_rejected_one(reviewer):
    people = _people(4)
    searcher = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[0]))
    verified = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[1]))
    in_review = KycCaseFactory(status=KycCase.Status.MANUAL_REVIEW, face_encoding=list(people[2]))
    KycCaseFactory(status=KycCase.Status.REJECTED, face_encoding=list(people[3]))

    first = face_encodings_of_others_by_case(case=searcher)
    assert set(first) == {str(verified.pk), str(in_review.pk)}  # not their own, not rejected

    newcomer = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[3]))
    kyc_case_reject(kyc_case_id=in_review.pk, actor=reviewer, reason="Not the same person")

    second = face_encodings_of_others_by_case(case=searcher)
    assert set(second) == {str(verified.pk), str(newcomer.pk)}
    assert nearest_face(people[3], second) == pytest.approx((0.0, str(newcomer.pk)), abs=1e-6)
    assert set(first) == {str(verified.pk), str(in_review.pk)}  # a gallery handed out stays
    # The newcomer searches too: everyone else's faces, not theirs.
    assert set(face_gallery_for(user_id=newcomer.user_id)) == {str(searcher.pk), str(verified.pk)}


@pytest.mark.django_db
def test_staff_see_the_cases_whose_face_is_near_nearest_first():
    people = _people(3)
    case = KycCaseFactory(face_encoding=list(people[0]))
    twin = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[0] + 0.01))
    close = KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[0] + 0.03))
    KycCaseFactory(status=KycCase.Status.VERIFIED, face_encoding=list(people[1]))
    KycCaseFactory(user=UserFactory(), status=KycCase.Status.VERIFIED, face_encoding=None)

    near = kyc_cases_with_face_near(case=case, max_distance=BAND)

    assert [m.case for m in near] == [twin, close]
    assert near[0].distance == pytest.approx(0.01 * np.sqrt(128), abs=1e-5)
