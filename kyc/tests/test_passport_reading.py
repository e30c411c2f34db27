"""Reading passports (issue 11) with real Tesseract: the MRZ located, read, repaired by
position and checked with the ``mrz`` library, the claim checked against the MRZ and the
visual zone, and the passport's pure decisions. No database.

The data pages are :mod:`smartbank.tests.passports` (Pillow, the MRZ from the library's
TD3CodeGenerator, drawn in DejaVu Sans Mono since no OCR-B font is packaged).
"""

import datetime

import pytest

from kyc import passport_checks
from kyc.models import KycCheck
from smartbank.engines.documents import passport
from smartbank.engines.documents.passport_claims import PassportClaim, read_passport
from smartbank.tests import cards, passports

TODAY = datetime.date.today()


def page(person: passports.PassportHolder, condition: str = "clean", **options: object):
    drawn = passports.render_passport(person, photo=cards.face_photo("astronaut"), **options)
    return passports.damage(drawn, condition)


def claim_of(person: passports.PassportHolder, **changes: object) -> PassportClaim:
    fields = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "number": person.number,
        "nationality": person.nationality,
        "expiry": person.expiry,
    }
    fields.update(changes)
    return PassportClaim(**fields)


@pytest.mark.parametrize("condition", passports.DAMAGE_CONDITIONS)
def test_the_mrz_is_read_exactly_and_every_check_digit_holds(condition):
    person = passports.holder()
    result = passport.read_mrz(page(person, condition))

    first, second = passports.mrz_lines(person)
    assert result.mrz is not None and result.mrz.valid, result.passes()
    assert (result.reading.first, result.reading.second) == (first, second)
    assert result.mrz.document_number == "K1234567"
    assert result.mrz.nationality == "IND" and result.mrz.sex == "M"
    assert result.mrz.date_of_birth == person.date_of_birth
    assert result.mrz.expiry == person.expiry
    assert (result.mrz.surname, result.mrz.given_names) == ("ARMSTRONG", "NEIL")


def test_a_letter_o_in_the_number_is_chosen_by_the_check_digits():
    # The eng model reads a monospace O as 0; only O makes the check digits hold.
    person = passports.holder(number="Z8O03961", surname="DSOUZA", given_names="MARY ANN")
    result = passport.read_mrz(page(person, "jpeg50"))
    assert result.mrz.valid and result.mrz.document_number == "Z8O03961"


def test_a_tampered_check_digit_read_with_confidence_fails_the_mrz_check():
    person = passports.holder()
    first, second = passports.mrz_lines(person)
    tampered = passports.tamper(second, 19)  # the date of birth's check digit
    result = passport.read_mrz(page(person, mrz=(first, tampered)))

    assert result.reading.second == tampered
    assert result.mrz.failed_checks == ["date_of_birth", "composite"]
    assert result.confirmations >= 2
    check = passport_checks.mrz_check(result, high_confidence=80)
    assert (check.status, check.code) == (KycCheck.Status.FAILED, "MRZ_CHECKSUM_INVALID")


def test_position_repairs_turn_letters_into_digits_in_numeric_fields_only():
    first, second, repairs = passport.repair_lines(
        "P<1NDARMSTRONG<<NEIL<<<<<<<<<<<<<<K<<<<<<<<<",
        "K1234567<61ND9OO8O54M3111301<<<<<<<<<<<<<<Q2",
    )
    assert first == "P<INDARMSTRONG<<NEIL<<<<<<<<<<<<<<<<<<<<<<<<"
    assert second == "K1234567<6IND9008054M3111301<<<<<<<<<<<<<<02"
    assert "line 2 position 43: Q→0" in repairs


def test_check_digits_never_change_a_confident_digit_and_flag_ambiguity():
    _, second = passports.mrz_lines(passports.holder())
    tampered = passports.tamper(second, 27)  # 1 -> 4, a look-alike of 1
    confident = passport.correct_line(tampered, [99.0] * 44)
    assert confident.line == tampered and confident.repair is None

    doubtful = [99.0] * 44
    doubtful[27] = 40.0
    corrected = passport.correct_line(tampered, doubtful)
    assert corrected.line == second and "position 28" in corrected.repair
    # A digit put over another digit is what a tampered digit would look like: flagged.
    assert corrected.restored == (27,)

    # One unread digit of the birth date: one digit makes its check digit hold.
    unread = [99.0] * 44
    unread[15] = 0.0
    restored = passport.correct_line(second[:15] + "<" + second[16:], unread)
    assert (restored.line, restored.restored) == (second, (15,))
    # One unread character of the number (letters or digits): 1, B, L and V all fit.
    unread = [99.0] * 44
    unread[1] = 0.0
    assert passport.correct_line(second[:1] + "<" + second[2:], unread).ambiguous


def test_the_claim_matches_the_mrz_and_the_visual_zone_in_either_name_order():
    person = passports.holder()
    image = page(person)
    for typed in ("Neil Armstrong", "ARMSTRONG NEIL"):
        reading = read_passport(image, claim_of(person, full_name=typed))
        assert {f: c.support for f, c in reading.fields.items()} == dict.fromkeys(
            ("name", "mrz_name", "id_number", "date_of_birth", "expiry", "nationality"), "MATCH"
        ), typed
    assert reading.viz_name == "NEIL ARMSTRONG"


def test_entered_values_the_passport_contradicts_are_confirmed_contradictions():
    person = passports.holder()
    reading = read_passport(
        page(person),
        claim_of(
            person,
            full_name="Buzz Aldrin",
            number="L7654321",
            date_of_birth=datetime.date(1991, 3, 14),
            nationality="USA",
        ),
    )
    found = {field: (check.support, check.code) for field, check in reading.fields.items()}
    assert found == {
        "name": ("CONTRADICTED", "NAME_MISMATCH"),
        "mrz_name": ("CONTRADICTED", "NAME_MISMATCH"),
        "id_number": ("CONTRADICTED", "ID_NUMBER_MISMATCH"),
        "date_of_birth": ("CONTRADICTED", "DOB_MISMATCH"),
        "expiry": ("MATCH", ""),
        "nationality": ("CONTRADICTED", "NATIONALITY_MISMATCH"),
    }
    assert reading.mrz.confirmations >= 2


def test_a_single_look_alike_digit_in_the_entered_number_only_differs():
    person = passports.holder()
    reading = read_passport(page(person), claim_of(person, number="K1234561"))  # 7 -> 1
    assert reading.fields["id_number"].support == "DIFFERS"
    assert reading.fields["id_number"].code == "ID_NUMBER_UNCERTAIN"


def _mrz_with_expiry(expiry: datetime.date) -> passport.MrzResult:
    first, second = passports.mrz_lines(passports.holder(expiry=expiry))
    reading = passport.MrzReading("band", first, second, (99.0,) * 88)
    return passport.result_of([reading], today=TODAY)


@pytest.mark.parametrize(
    ("days", "status", "code"),
    [
        (-1, KycCheck.Status.FAILED, "DOCUMENT_EXPIRED"),
        (0, KycCheck.Status.PASSED, "DOCUMENT_EXPIRING_SOON"),
        (30, KycCheck.Status.PASSED, "DOCUMENT_EXPIRING_SOON"),
        (31, KycCheck.Status.PASSED, ""),
    ],
)
def test_expiry_on_the_day_of_the_check(days, status, code):
    expiry = TODAY + datetime.timedelta(days=days)
    check = passport_checks.expiry_check(
        _mrz_with_expiry(expiry), entered=expiry, today=TODAY, warning_days=30
    )
    assert (check.status, check.code) == (status, code)


def test_a_passport_valid_at_submission_is_expired_when_checked_the_day_after():
    expiry = TODAY
    check = passport_checks.expiry_check(
        _mrz_with_expiry(expiry),
        entered=expiry,
        today=TODAY + datetime.timedelta(days=1),
        warning_days=30,
    )
    assert (check.status, check.code) == (KycCheck.Status.FAILED, "DOCUMENT_EXPIRED")


def test_a_check_digit_failure_read_without_confidence_goes_to_review():
    first, second = passports.mrz_lines(passports.holder())
    tampered = passports.tamper(second, 19)
    weak = [99.0] * 88
    weak[44 + 15] = 45.0  # a doubtful birth-date digit
    readings = [passport.MrzReading(n, first, tampered, tuple(weak)) for n in ("band", "lines")]
    check = passport_checks.mrz_check(passport.result_of(readings), high_confidence=80)
    assert (check.status, check.code) == (KycCheck.Status.REVIEW, "MRZ_UNCERTAIN")

    lone = passport.result_of([passport.MrzReading("band", first, tampered, (99.0,) * 88)])
    check = passport_checks.mrz_check(lone, high_confidence=80)
    assert check.status == KycCheck.Status.REVIEW  # one reading never rejects


def test_check_digits_that_add_up_only_with_a_digit_no_reading_showed_go_to_review():
    # A check digit merged into the chevrons after it (read "<"): the arithmetic restores
    # it, as it would restore the original of a tampered digit, so staff look.
    first, second = passports.mrz_lines(passports.holder())
    unread = second[:27] + "<" + second[28:]
    scores = [99.0] * 88
    scores[44 + 27] = 41.0
    result = passport.result_of([passport.MrzReading("band", first, unread, tuple(scores))])
    assert result.mrz.valid and result.reading.restored == (27,)
    check = passport_checks.mrz_check(result, high_confidence=80)
    assert (check.status, check.code) == (KycCheck.Status.REVIEW, "MRZ_UNCERTAIN")
    assert "position(s) 28" in check.detail


def test_a_check_digit_lost_in_the_chevrons_passes_when_its_field_is_what_was_entered():
    # The same merged check digit, on a page whose expiry the customer entered as printed:
    # the claim confirms what the lost digit would have checked, and the composite holds.
    person = passports.holder()
    first, second = passports.mrz_lines(person)
    scores = [99.0] * 88
    scores[44 + 27] = 41.0
    unread = passport.result_of(
        [passport.MrzReading("band", first, second[:27] + "<" + second[28:], tuple(scores))]
    )
    assert unread.reading.erased == (27,)
    check = passport_checks.mrz_check(
        unread, high_confidence=80, entered_fields=frozenset({"expiry_date"})
    )
    assert check.status == KycCheck.Status.PASSED and "expiry date" in check.detail
    # Another field entered as printed says nothing of the expiry's digit.
    other = passport_checks.mrz_check(
        unread, high_confidence=80, entered_fields=frozenset({"date_of_birth"})
    )
    assert (other.status, other.code) == (KycCheck.Status.REVIEW, "MRZ_UNCERTAIN")
    # A digit read over another one (a tampered digit looks so) still goes to staff.
    scores[44 + 27] = 40.0
    overwritten = passport.result_of(
        [passport.MrzReading("band", first, passports.tamper(second, 27), tuple(scores))]
    )
    assert overwritten.reading.restored == (27,) and overwritten.reading.erased == ()
    check = passport_checks.mrz_check(
        overwritten, high_confidence=80, entered_fields=frozenset({"expiry_date"})
    )
    assert (check.status, check.code) == (KycCheck.Status.REVIEW, "MRZ_UNCERTAIN")


def test_a_digit_one_reading_of_four_saw_where_the_others_saw_fillers_is_doubted():
    # The monospace "7" of the expiry's check digit read "<" by three readings and "1" by
    # one (a French page, rotated): the lone "1" is no majority, so the digit is one no
    # reading could see, and the expiry entered as printed passes as for a lost digit.
    first, second = passports.mrz_lines(passports.holder())
    scores = (99.0,) * 88
    lost = second[:27] + "<" + second[28:]
    misread = passports.tamper(second, 27)
    readings = [
        passport.MrzReading(name, first, line, scores)
        for name, line in (("band", lost), ("lines", lost), ("band_otsu", misread), ("x2", lost))
    ]
    result = passport.result_of(readings)
    assert result.mrz.valid and result.reading.erased == (27,)
    check = passport_checks.mrz_check(
        result, high_confidence=80, entered_fields=frozenset({"expiry_date"})
    )
    assert check.status == KycCheck.Status.PASSED
    # Three readings of four showing the other digit are a digit read over the printed one.
    readings = [
        passport.MrzReading(name, first, line, scores)
        for name, line in (("band", misread), ("lines", misread), ("band_otsu", misread),
                           ("x2", lost))
    ]  # fmt: skip
    result = passport.result_of(readings)
    assert result.reading.erased == ()
    check = passport_checks.mrz_check(
        result, high_confidence=80, entered_fields=frozenset({"expiry_date"})
    )
    assert check.status != KycCheck.Status.PASSED


def test_the_check_digits_choose_the_entered_value_of_a_field_read_a_digit_off():
    # Four readings alike, all confident, read the expiry's 7 as 0: the entered expiry makes
    # its check digit and the composite hold as read, so it is the printed value.
    from smartbank.engines.documents.passport_claims import _claim_repaired

    person = passports.holder(expiry=datetime.date(2032, 1, 7))
    first, second = passports.mrz_lines(person)
    misread = second[:21] + "320100" + second[27:]
    readings = [passport.MrzReading(n, first, misread, (97.0,) * 88) for n in "abcd"]
    result = passport.result_of(readings)
    assert result.mrz.failed_checks == ["expiry_date", "composite"]

    repaired = _claim_repaired(result, claim_of(person), today=TODAY)
    assert repaired.mrz.valid and repaired.reading.second == second
    check = passport_checks.mrz_check(repaired, high_confidence=80)
    assert check.status == KycCheck.Status.PASSED and "entered value" in check.detail
    # Another expiry entered (one day later) holds with no check digit: nothing changes.
    later = claim_of(person, expiry=datetime.date(2032, 1, 8))
    assert _claim_repaired(result, later, today=TODAY) is result
    # Nothing entered for the field: nothing is chosen.
    assert passport.claim_repair(misread, ["expiry_date", "composite"], {}) is None


def test_an_empty_personal_numbers_check_digit_restored_passes_and_a_real_ones_does_not():
    from mrz.generator.td3 import TD3CodeGenerator

    first, second = passports.mrz_lines(passports.holder())
    assert second[28:42] == "<" * 14 and second[42] in "0<"
    scores = [99.0] * 88
    scores[44 + 42] = 40.0
    misread = second[:42] + "9" + second[43:]  # a speck made the filler's 0 a 9
    result = passport.result_of([passport.MrzReading("band", first, misread, tuple(scores))])
    assert result.mrz.valid and result.reading.restored == (42,)
    check = passport_checks.mrz_check(result, high_confidence=80)
    assert check.status == KycCheck.Status.PASSED and "personal number" in check.detail

    # A personal number printed: its check digit guards data, so staff look.
    person = passports.holder()
    code = TD3CodeGenerator(
        "P", "IND", "ARMSTRONG", "NEIL", person.number, "IND",
        f"{person.date_of_birth:%y%m%d}", "M", f"{person.expiry:%y%m%d}", "AB1234567",
    )  # fmt: skip
    first, second = str(code).splitlines()
    unread = [99.0] * 88
    unread[44 + 42] = 0.0  # nothing legible in the slot: the check digits restore it
    result = passport.result_of(
        [passport.MrzReading("band", first, second[:42] + "<" + second[43:], tuple(unread))]
    )
    assert result.mrz.valid and result.reading.restored == (42,)
    check = passport_checks.mrz_check(result, high_confidence=80)
    assert (check.status, check.code) == (KycCheck.Status.REVIEW, "MRZ_UNCERTAIN")


def test_a_date_that_is_no_calendar_date_never_satisfies_a_check_digit():
    # A 0/6 swap can make the check digit hold on month 69: the check digits must not choose it
    assert passport._well_formed("expiry_date", "270906")
    assert not passport._well_formed("expiry_date", "276900")
    assert not passport._well_formed("date_of_birth", "900231")
    assert passport._well_formed("date_of_birth", "920229")  # YYMMDD leaves the century open


def test_a_chevron_run_read_inside_the_names_still_gives_both_names():
    person = passports.holder(surname="QURESHI", given_names="HABANA")
    first, second = passports.mrz_lines(person)
    misread = first.replace("QURESHI<<HABANA", "QURESHI<<<<HABANA")[:44]
    mrz = passport.parse_td3(misread, second)
    assert (mrz.surname, mrz.given_names) == ("QURESHI", "HABANA")


def test_an_mrz_misread_the_visual_zone_explains_is_repaired_and_a_tampered_one_is_not():
    person = passports.holder()
    first, second = passports.mrz_lines(person)
    expiry = person.expiry.strftime("%y%m%d")
    viz = (
        f"Date of expiry\n{person.expiry:%d/%m/%Y}\nDate of birth\n{person.date_of_birth:%d/%m/%Y}"
    )
    start = second.index(expiry)
    wrong_digit = "0" if expiry[-1] != "0" else "6"
    misread = second[:start] + expiry[:-1] + wrong_digit + second[start + 6 :]

    # A digit of the expiry misread in the MRZ: the visual zone's date makes every check hold
    assert passport.viz_repair(misread, ["expiry_date", "composite"], viz) == second
    # A check digit changed in the MRZ alone: the visual zone agrees with the MRZ, no repair
    tampered = passports.tamper(second, 19)
    assert passport.viz_repair(tampered, ["date_of_birth", "composite"], viz) is None


def test_captions_misread_are_still_captions_and_names_like_captions_stay_names():
    from smartbank.engines.documents import passport_claims as pc
    from smartbank.engines.documents.lines import Line, Word

    def line(index: int, *words: str) -> Line:
        return Line(index, tuple(Word(word, 90.0) for word in words))

    # "Sumame" and "Neme(s)": captions read with OCR's look-alikes
    assert pc._label_like("Sumame", pc._SURNAME)
    misread = pc._value_after([line(0, "Given", "Neme(s)", "SHARMA")], 0, pc._GIVEN_RE, pc._GIVEN)
    assert misread.text == "SHARMA"
    # A holder named JAMES (one letter off "names") or BIRCH ("birth") keeps the name
    given = pc._value_after([line(0, "Given", "names", "JAMES")], 0, pc._GIVEN_RE, pc._GIVEN)
    assert given.text == "JAMES"
    assert not pc._label_like("BIRCH", sorted(pc._LABEL_WORDS))


# --- the visual zone's name checked against the MRZ's (what the bench's misses showed) ------


def _name_check(support: str, read: str, *, distance: int, confidence: float, value=None):
    from smartbank.engines.documents.claims import FieldCheck

    return FieldCheck(
        "name", support, read=read, distance=distance, confidence=confidence, value=value
    )


def test_a_visual_zone_slip_takes_the_claimed_spelling_the_mrz_shows_exactly():
    from smartbank.engines.documents.passport_claims import viz_name_value

    # The corpus's DejaVu bold read "T N" as "™N"; the MRZ read T<N<<MEENAKSHI.
    viz = _name_check("MATCH", "™N MEENAKSHI", distance=2, confidence=87.0)
    mrz = _name_check("MATCH", "T N MEENAKSHI", distance=0, confidence=98.7, value="T.N. Meenakshi")
    assert viz_name_value(viz, mrz) == "T.N. Meenakshi"
    # Without the MRZ's exact agreement the reading stays what it was.
    unsure = _name_check("MATCH", "T M MEENAKSHI", distance=1, confidence=60.0)
    assert viz_name_value(viz, unsure) == "™N MEENAKSHI"


def test_a_word_one_letter_off_its_mrz_word_takes_the_mrz_letters_accents_kept():
    from smartbank.engines.documents.passport_claims import viz_name_value

    # Another holder's page (an impostor's claim): the decision rests on the support, but
    # the name the page shows is the MRZ-checked one, accents where the MRZ has none.
    viz = _name_check("CONTRADICTED", "José TYENGAR", distance=12, confidence=80.5)
    mrz = _name_check("CONTRADICTED", "JOSE IYENGAR", distance=12, confidence=98.9)
    assert viz_name_value(viz, mrz) == "José IYENGAR"
    # A less confident MRZ, another word count or two letters off: the visual zone's own.
    assert (
        viz_name_value(
            viz, _name_check("CONTRADICTED", "JOSE IYENGAR", distance=12, confidence=70.0)
        )
        == "José TYENGAR"
    )
    assert (
        viz_name_value(
            viz, _name_check("CONTRADICTED", "JOSE K IYENGAR", distance=12, confidence=99.0)
        )
        == "José TYENGAR"
    )
    assert (
        viz_name_value(
            viz, _name_check("CONTRADICTED", "JOSE IYENGER", distance=12, confidence=99.0)
        )
        == "José TYENGAR"
    )
