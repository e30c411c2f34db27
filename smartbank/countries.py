"""Countries by ISO 3166-1 code (pycountry): normalising a code, its name, choices for forms."""

import pycountry

#: The bank's home country (ISO 3166-1 alpha-2): the residence of customers who registered
#: before the country of residence was asked (issue 11, "documents by country").
HOME_COUNTRY = "IN"


def country_alpha_2(code: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of ``code`` (alpha-2 or alpha-3, any case, spaces
    stripped), or ``None`` when pycountry knows no such country."""
    code = (code or "").strip().upper()
    if len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    else:
        country = None
    return country.alpha_2 if country is not None else None


def country_name(alpha_2: str) -> str:
    """The country's everyday name ("Bolivia", not "Bolivia, Plurinational State of"), or the
    code itself when unknown."""
    country = pycountry.countries.get(alpha_2=(alpha_2 or "").upper())
    if country is None:
        return alpha_2
    return getattr(country, "common_name", country.name)


def country_choices() -> list[tuple[str, str]]:
    """``(alpha-2, name)`` of every ISO 3166-1 country, sorted by name, for a select."""
    names = ((country.alpha_2, country_name(country.alpha_2)) for country in pycountry.countries)
    return sorted(names, key=lambda choice: choice[1])
