"""Countries by ISO 3166-1 (engine: no ORM). Data from ``pycountry`` (Debian's iso-codes).

An application's region is the country's (:func:`country_region`, one scheme for every ISO
country, kept with the country list in :mod:`smartbank.countries`), never the applicant's
choice (issue 12)."""

import pycountry

from smartbank.countries import REGIONS, country_region

__all__ = [
    "ALIASES",
    "REGIONS",
    "country_code_is_valid",
    "country_name",
    "country_region",
    "country_resolve",
]

#: Short names people write that iso-codes does not list as a name of the country.
ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "russia": "RU",
    "turkey": "TR",
    "ivory coast": "CI",
    "dr congo": "CD",
    "drc": "CD",
    "congo-kinshasa": "CD",
    "congo-brazzaville": "CG",
    "burma": "MM",
    "dprk": "KP",
    "macedonia": "MK",
    "bosnia": "BA",
    "cape verde": "CV",
    "swaziland": "SZ",
    "palestine": "PS",
    "uae": "AE",
    "holland": "NL",
    "vatican": "VA",
    "brunei": "BN",
    "east timor": "TL",
    "micronesia": "FM",
}


def country_name(code: str) -> str:
    """The everyday English name of an alpha-2 code (``"IR"`` -> ``"Iran"``); ``""`` if unknown."""
    country = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    if country is None:
        return ""
    return getattr(country, "common_name", None) or country.name


def country_resolve(value: str) -> tuple[str, str] | None:
    """``(alpha-2 code, name)`` for a country name, official name, alpha-2 or alpha-3 code
    (any case): ``"United States"``, ``"us"``, ``"USA"`` -> ``("US", "United States")``.
    Returns ``None`` for anything that is not an ISO 3166 country."""
    text = " ".join(str(value).split())
    if not text:
        return None
    code = ALIASES.get(text.casefold())
    if code is None:
        try:
            code = pycountry.countries.lookup(text).alpha_2
        except LookupError:
            return None
    return code, country_name(code)


def country_code_is_valid(code: str) -> bool:
    """True for an assigned ISO 3166-1 alpha-2 code (upper case)."""
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
