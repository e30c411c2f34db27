"""Template filters for money in INR: ``{{ amount|inr }}`` -> ``₹1,00,000.00``.

Load with ``{% load money %}``. Indian digit grouping: the last three digits of the rupees, then
groups of two (lakh, crore), as printed on Indian bank statements.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def format_inr(amount: Decimal | int | str | None, *, symbol: bool = True) -> str:
    """``Decimal("100000")`` -> ``"₹1,00,000.00"``; ``Decimal("-1234.5")`` -> ``"-₹1,234.50"``.

    Rounds to the paisa (ROUND_HALF_UP). ``None`` or a non-number gives ``""``.
    """
    if amount is None or isinstance(amount, float):
        return ""
    try:
        value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if value < 0 else ""
    rupees, paise = f"{abs(value):.2f}".split(".")
    if len(rupees) > 3:
        head, tail = rupees[:-3], rupees[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        rupees = ",".join([*groups, tail])
    return f"{sign}{'₹' if symbol else ''}{rupees}.{paise}"


@register.filter(name="inr")
def inr(amount: Decimal | None) -> str:
    """An amount as ``₹1,00,000.00`` (Indian grouping, 2 decimal places)."""
    return format_inr(amount)


@register.filter(name="inr_plain")
def inr_plain(amount: Decimal | None) -> str:
    """An amount as ``1,00,000.00`` without the rupee sign (table columns)."""
    return format_inr(amount, symbol=False)
