"""Template filters for money in INR: ``{{ amount|inr }}`` -> ``₹1,00,000.00``.

Load with ``{% load money %}``; formatting is :func:`smartbank.money.format_inr`.
"""

from decimal import Decimal

from django import template

from smartbank.money import format_inr

__all__ = ["format_inr", "inr", "inr_plain"]

register = template.Library()


@register.filter(name="inr")
def inr(amount: Decimal | None) -> str:
    """An amount as ``₹1,00,000.00`` (Indian grouping, 2 decimal places)."""
    return format_inr(amount)


@register.filter(name="inr_plain")
def inr_plain(amount: Decimal | None) -> str:
    """An amount as ``1,00,000.00`` without the rupee sign (table columns)."""
    return format_inr(amount, symbol=False)
