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


# --- Regions (issue 12: the region follows from the country, nobody types it) -----------------
#: The bank's one region scheme: every ISO 3166-1 country is in exactly one of these three.
#: They are three of seed 001's region codes (its others, NA, SA, EU, ASIA and MEA, overlap
#: these and are accepted from integrators but never stored).
REGIONS = ("APAC", "EMEA", "AMERICAS")
#: North, Central and South America, the Caribbean, Greenland and the South Atlantic islands.
_AMERICAS = frozenset(
    "AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN "
    "HT JM KN KY LC MF MQ MS MX NI PA PE PM PR PY SR SV SX TC TT US UY VC VE VG VI".split()
)
#: South, South-East and East Asia (Afghanistan included, as UN M49's Southern Asia), Oceania
#: and the Pacific and Indian Ocean territories of Asia-Pacific states.
_APAC = frozenset(
    "AF AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN IO JP KH KI KP KR LA LK MH MM MN MO MP "
    "MV MY NC NF NP NR NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW UM VN VU WF WS".split()
)
#: alpha-2 -> region for every country pycountry lists: Europe, the Middle East (Iran and
#: Turkey included), Africa, Russia, the Caucasus and Central Asia (as in most banks' EMEA),
#: Antarctica and the remaining southern islands are EMEA.
REGION_BY_COUNTRY: dict[str, str] = {
    country.alpha_2: (
        "AMERICAS"
        if country.alpha_2 in _AMERICAS
        else "APAC"
        if country.alpha_2 in _APAC
        else "EMEA"
    )
    for country in pycountry.countries
}


def country_region(alpha_2: str | None) -> str | None:
    """The region (:data:`REGIONS`) of an ISO 3166-1 alpha-2 code (any case): ``"IN"`` ->
    ``"APAC"``, ``"US"`` -> ``"AMERICAS"``, ``"AE"`` -> ``"EMEA"``; ``None`` for a code
    pycountry does not list."""
    return REGION_BY_COUNTRY.get((alpha_2 or "").strip().upper())
