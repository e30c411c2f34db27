"""The shared ID-card corpus (kyc/tests/corpus/): deterministic, complete, valid (no OCR)."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from stdnum.in_ import aadhaar, pan

from kyc.tests import corpus


@pytest.fixture(scope="module")
def full() -> list[corpus.CorpusCard]:
    return corpus.generate_corpus(per_cell=2)


@pytest.fixture(scope="module")
def fast() -> list[corpus.CorpusCard]:
    return corpus.fast_slice()


def _compact(number: str) -> str:
    return re.sub(r"[\s-]", "", number).upper()


def test_generation_is_deterministic(full):
    assert corpus.generate_corpus(per_cell=2) == full
    assert corpus.fast_slice() == corpus.fast_slice()
    assert corpus.generate_corpus(per_cell=2, seed=7) != full


def test_images_are_deterministic_rgb_and_card_sized(fast):
    for card in fast[:3] + [c for c in fast if c.condition == "photo_on_table"][:1]:
        first = card.image()
        corpus._damaged_cached.cache_clear()
        second = card.image()
        assert first.mode == "RGB"
        assert first.tobytes() == second.tobytes(), card.card_id
        undamaged = corpus.render(card)
        if card.layout == "eaadhaar_letter":
            assert 900 <= undamaged.width <= 1100 and 1300 <= undamaged.height <= 1600
        else:
            assert 900 <= undamaged.width <= 1100 and 570 <= undamaged.height <= 700
        assert abs(undamaged.width / undamaged.height - 1000 / 630) < 0.02 or (
            card.layout == "eaadhaar_letter"
        )


def test_image_is_a_fresh_copy(fast):
    card = fast[0]
    image = card.image()
    image.paste((0, 0, 0), (0, 0, 50, 50))
    assert card.image().getpixel((10, 10)) != (0, 0, 0)


def test_more_cells_keep_existing_cards(full):
    bigger = corpus.generate_corpus(per_cell=3)
    by_id = {card.card_id: card for card in bigger}
    for card in full:
        if card.genuine:
            assert by_id[card.card_id] == card


def test_corpus_covers_every_layout_condition_and_kind(full):
    genuine = {(c.layout, c.condition) for c in full if c.genuine}
    assert genuine == {(lay, cond) for lay in corpus.LAYOUTS for cond in corpus.CONDITIONS}
    assert {c.kind for c in full} == set(corpus.KINDS)
    for kind in corpus.IMPOSTOR_KINDS:
        assert {c.condition for c in full if c.kind == kind} == set(corpus.CONDITIONS)
        assert {c.id_type for c in full if c.kind == kind} == {"AADHAAR", "PAN"}
    assert len(corpus.LAYOUTS) >= 6
    assert len(corpus.generate_corpus(per_cell=5)) >= 200


def test_fast_slice_is_small_and_covers_everything(fast):
    assert len(fast) <= 26
    assert {c.layout for c in fast} == set(corpus.LAYOUTS)
    assert {c.condition for c in fast} == set(corpus.CONDITIONS)
    assert {c.kind for c in fast} == set(corpus.KINDS)
    assert len({c.card_id for c in fast}) == len(fast)
    assert {c.condition for c in fast if c.genuine} == set(corpus.CONDITIONS)


def test_fast_slice_genuine_cards_are_corpus_cards(fast, full):
    by_id = {card.card_id: card for card in full}
    for card in fast:
        if card.genuine:
            assert by_id[card.card_id] == card


def test_numbers_are_valid_on_genuine_cards(full):
    for card in full:
        if card.kind == "IMPOSTOR_NUMBER":
            continue
        assert _compact(card.claim.id_number) == card.printed.id_number, card.card_id
        if card.id_type == "AADHAAR":
            assert aadhaar.is_valid(card.printed.id_number), card.card_id
            assert len(card.printed.id_number) == 12
        else:
            assert pan.is_valid(card.printed.id_number), card.card_id
            assert card.printed.id_number[3] == "P"
            surname = re.sub(r"[^A-Z ]", "", card.printed.name).split()[-1]
            assert card.printed.id_number[4] == surname[0], card.card_id


def test_claimed_numbers_are_always_valid(full):
    for card in full:
        module = aadhaar if card.id_type == "AADHAAR" else pan
        assert module.is_valid(_compact(card.claim.id_number)), card.card_id


def test_impostor_number_differs_in_exactly_one_position(full):
    cases = [c for c in full if c.kind == "IMPOSTOR_NUMBER"]
    assert cases
    for card in cases:
        claimed, printed = _compact(card.claim.id_number), card.printed.id_number
        assert len(claimed) == len(printed)
        assert sum(a != b for a, b in zip(claimed, printed, strict=True)) == 1, card.card_id
        if card.id_type == "PAN":
            assert pan.is_valid(printed)  # the altered PAN still looks valid
        else:
            assert not aadhaar.is_valid(printed)  # Verhoeff catches any one-digit change


def test_faces_differ_only_for_impostor_face(full):
    for card in full:
        assert card.face in corpus.FACES and card.selfie_face in corpus.FACES
        if card.kind == "IMPOSTOR_FACE":
            assert card.face != card.selfie_face
        else:
            assert card.face == card.selfie_face


def test_selfie_is_the_selfie_face(fast):
    card = next(c for c in fast if c.kind == "IMPOSTOR_FACE")
    assert card.selfie().tobytes() == corpus.cards.selfie_of(card.selfie_face).tobytes()


def test_genuine_claims_are_the_printed_person(full):
    for card in full:
        if card.kind == "IMPOSTOR_NAME":
            continue
        assert corpus.loose_name(card.claim.full_name) == corpus.loose_name(card.printed.name)
        if card.kind != "IMPOSTOR_DOB":
            if card.year_only:
                assert card.printed.year_of_birth == card.claim.date_of_birth.year
            else:
                assert card.printed.date_of_birth == card.claim.date_of_birth


def test_impostor_name_and_dob_contradict(full):
    for card in full:
        if card.kind == "IMPOSTOR_NAME":
            claimed = set(corpus.loose_name(w) for w in card.claim.full_name.split())
            printed = set(corpus.loose_name(w) for w in card.printed.name.split())
            assert not {w for w in claimed & printed if len(w) > 1}, card.card_id
            assert card.printed.date_of_birth in (None, card.claim.date_of_birth)
        if card.kind == "IMPOSTOR_DOB":
            printed_year = card.printed.year_of_birth or card.printed.date_of_birth.year
            assert printed_year != card.claim.date_of_birth.year, card.card_id


def test_printed_fields_follow_the_layout(full):
    for card in full:
        p = card.printed
        assert card.id_type == corpus.ID_TYPE_OF_LAYOUT[card.layout]
        assert 1 <= len(p.name.split()) <= 5
        if card.id_type == "PAN":
            assert p.name == p.name.upper() and p.father_name == p.father_name.upper()
            assert p.gender is None and not card.year_only
        else:
            assert p.gender in ("MALE", "FEMALE")
        if card.layout == "aadhaar_bilingual":
            assert p.hindi_name and re.search("[\u0900-\u097f]", p.hindi_name)
        if card.year_only:
            assert card.layout in ("aadhaar_english", "aadhaar_bilingual")
            assert p.date_of_birth is None and 1940 <= p.year_of_birth <= 2006
        else:
            assert p.year_of_birth is None and 1940 <= p.date_of_birth.year <= 2006
        assert card.claim.id_type == card.id_type


def test_names_have_variety(full):
    names = [c.printed.name for c in corpus.generate_corpus(per_cell=5)]
    assert any(len(n.split()) == 1 for n in names)
    assert any(len(n.split()) == 4 for n in names)
    assert any(re.search(r"(^| )[A-Z]( |$)", n) for n in names)  # bare initial
    assert any(re.search(r"(^| )[A-Z]\.", n) for n in names)  # dotted initial
    assert any("-" in n for n in names) or any("'" in n for n in names)


@pytest.mark.parametrize("name", corpus.NAMED_CASES)
def test_named_cases(name):
    card = corpus.named_case(name)
    assert card == corpus.named_case(name)
    assert card.condition == "clean" and card.genuine
    assert corpus.loose_name(card.claim.full_name) == corpus.loose_name(card.printed.name)
    assert card.image().mode == "RGB"


def test_named_case_details():
    assert corpus.named_case("bare_initial").printed.name == "Rahul K Sharma"
    dotted = corpus.named_case("dotted_initial")
    assert (dotted.printed.name, dotted.claim.full_name) == ("K. Chandrasekhar", "K Chandrasekhar")
    assert len(corpus.named_case("four_word_name").printed.name.split()) == 4
    assert corpus.named_case("bilingual").printed.hindi_name == "प्रिया शर्मा"
    assert len(corpus.named_case("single_word_name").printed.name.split()) == 1
    year_only = corpus.named_case("year_of_birth_only")
    assert year_only.year_only and year_only.printed.date_of_birth is None
    assert year_only.printed.year_of_birth == year_only.claim.date_of_birth.year
    with pytest.raises(ValueError):
        corpus.named_case("nope")


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError):
        corpus.generate_corpus(layouts=("passport",))
    with pytest.raises(ValueError):
        corpus.damage(corpus.render(corpus.named_case("bilingual")), "fog", random.Random(1))


def test_every_generated_name_has_a_hindi_spelling():
    rng = random.Random(5)
    for _ in range(3000):
        person = corpus._random_person(rng)
        for tokens in (person.tokens, person.father):
            hindi = corpus.format_name(tokens, "dot", hindi=True)
            assert re.fullmatch(r"[\u0900-\u097f .\-]+", hindi), hindi


# --- passport data pages (PASSPORT_LAYOUTS, drawn by smartbank.tests.passports) -------------


@pytest.fixture(scope="module")
def with_passports() -> list[corpus.CorpusCard]:
    return corpus.generate_corpus(per_cell=2, layouts=corpus.ALL_LAYOUTS)


def test_adding_the_passports_keeps_every_card(full, with_passports):
    assert corpus.generate_corpus(per_cell=2) == full  # the default is the ID cards only
    assert [c for c in with_passports if c.id_type != "PASSPORT"] == full
    assert set(corpus.ALL_LAYOUTS) == set(corpus.LAYOUTS) | set(corpus.PASSPORT_LAYOUTS)


def test_passport_pages_cover_every_layout_condition_and_kind(with_passports):
    pages = [c for c in with_passports if c.id_type == "PASSPORT"]
    genuine = {(c.layout, c.condition) for c in pages if c.genuine}
    assert genuine == {(lay, cond) for lay in corpus.PASSPORT_LAYOUTS for cond in corpus.CONDITIONS}
    assert {c.kind for c in pages} == set(corpus.KINDS)
    assert {c.layout for c in pages} == set(corpus.PASSPORT_LAYOUTS)
    for card in pages[::9]:
        image = card.image()
        assert image.mode == "RGB"
        assert corpus.render(card).size == (1250, 880)


def test_passport_pages_print_what_the_claim_and_the_mrz_say(with_passports):
    from mrz.checker.td3 import TD3CodeChecker

    from kyc.tests.corpus.passport import passport_holder
    from smartbank.engines import documents
    from smartbank.engines.documents.passport_claims import icao_name
    from smartbank.tests import passports

    for card in (c for c in with_passports if c.id_type == "PASSPORT"):
        p, claim = card.printed, card.claim
        assert p.name == p.name.upper() and p.name.split()[-1] == p.surname
        assert p.gender in ("MALE", "FEMALE") and not card.year_only and p.hindi_name is None
        assert documents.validate_id_number("PASSPORT", claim.id_number) == (True, None)
        assert re.fullmatch(r"[A-Z][1-9][0-9]{6}", p.id_number), card.card_id
        assert (claim.nationality, claim.expiry) == (p.issuing_state or "IND", p.expiry)
        anniversary = (
            p.issued.replace(day=min(p.issued.day, 28)) if p.issued.month == 2 else p.issued
        )
        assert p.expiry == anniversary.replace(year=p.issued.year + 10) - datetime.timedelta(days=1)
        assert p.expiry > datetime.date(2030, 1, 1)
        if card.kind == "IMPOSTOR_NUMBER":
            claimed = _compact(claim.id_number)
            assert sum(a != b for a, b in zip(claimed, p.id_number, strict=True)) == 1
        else:
            assert _compact(claim.id_number) == p.id_number, card.card_id
        holder = passport_holder(card, random.Random(1))
        first, second = passports.mrz_lines(holder)
        checker = TD3CodeChecker(f"{first}\n{second}")
        assert bool(checker), card.card_id  # every check digit valid
        fields = checker.fields()
        assert fields.document_number == p.id_number
        assert fields.birth_date == f"{p.date_of_birth:%y%m%d}"
        mrz_name = f"{fields.name} {fields.surname}"
        # Another state's MRZ transliterates what it cannot hold (ICAO 9303: Ä is AE).
        assert corpus.loose_name(mrz_name) == corpus.loose_name(icao_name(p.name)), mrz_name
