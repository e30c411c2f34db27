"""EMI and amortisation (Decimal, half-up to paise)."""

from decimal import Decimal

import pytest

from loans.emi import amortisation_schedule, emi, total_interest

D = Decimal


def test_emi_of_ten_lakh_at_8_5_percent_over_20_years():
    # P*r*(1+r)^n/((1+r)^n-1) with r = 8.5/1200, n = 240 is 8678.2323...
    assert emi(principal=D("1000000"), annual_rate_percent=D("8.5"), tenure_months=240) == D(
        "8678.23"
    )


def test_emi_of_one_lakh_at_12_percent_over_a_year():
    # r = 1 % a month: 100000 * 0.01 * 1.01^12 / (1.01^12 - 1) = 8884.8788...
    assert emi(principal=D("100000"), annual_rate_percent=D("12"), tenure_months=12) == D("8884.88")


def test_zero_rate_divides_the_principal():
    assert emi(principal=D("1200"), annual_rate_percent=D("0"), tenure_months=12) == D("100.00")


def test_schedule_rows_add_up_and_close_at_zero():
    rows = amortisation_schedule(
        principal=D("1000000"), annual_rate_percent=D("8.5"), tenure_months=240
    )

    assert len(rows) == 240
    first, last = rows[0], rows[-1]
    assert (first.opening_balance, first.emi, first.interest, first.principal) == (
        D("1000000.00"),
        D("8678.23"),
        D("7083.33"),
        D("1594.90"),
    )
    assert first.closing_balance == D("998405.10")
    for previous, row in zip(rows, rows[1:], strict=False):
        assert row.opening_balance == previous.closing_balance
    for row in rows:
        assert row.interest + row.principal == row.emi
        assert row.opening_balance - row.principal == row.closing_balance
    assert last.closing_balance == D("0.00")
    assert sum(r.principal for r in rows) == D("1000000.00")
    # The last row absorbs the rounding of the 239 before it.
    assert last.emi == D("8679.66")
    assert all(r.emi == D("8678.23") for r in rows[:-1])
    assert total_interest(schedule=rows) == D("1082776.63")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal": D("0"), "annual_rate_percent": D("8"), "tenure_months": 12},
        {"principal": D("1000"), "annual_rate_percent": D("-1"), "tenure_months": 12},
        {"principal": D("1000"), "annual_rate_percent": D("8"), "tenure_months": 0},
    ],
)
def test_bad_terms_are_refused(kwargs):
    with pytest.raises(ValueError):
        emi(**kwargs)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        emi(principal=1000.0, annual_rate_percent=D("8"), tenure_months=12)
