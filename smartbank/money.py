"""Money shown to people: INR with Indian digit grouping (lakh, crore), via Babel's CLDR data.

``format_inr(Decimal("100000"))`` -> ``"₹1,00,000.00"``. Amounts are rounded to the paisa with
ROUND_HALF_UP first (banks round half up; Babel alone would round half to even).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

PAISA = Decimal("0.01")


def format_inr(amount: Decimal | int | str | None, *, symbol: bool = True) -> str:
    """``Decimal("-1234.5")`` -> ``"-₹1,234.50"``; ``symbol=False`` -> ``"-1,234.50"``.

    ``None``, a float (money is never a float here) or a non-number gives ``""``.
    """
    if amount is None or isinstance(amount, float):
        return ""
    try:
        value = Decimal(str(amount)).quantize(PAISA, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if symbol:
        return format_currency(value, "INR", locale="en_IN")
    return format_decimal(value, format="#,##,##0.00", locale="en_IN")
