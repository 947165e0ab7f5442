"""Where a scan happened -> its IANA time zone, as data, for carrier times printed without an offset.

US states: the zone of each state (tz database, `zone1970.tab`); for states that span two zones the table
holds the zone most of the state keeps, and the ZIP code decides (the `zipcodes` package's dataset gives
each ZIP's zone). Countries: only those that keep one zone everywhere; China, Hong Kong, Macau and Taiwan
each keep their own. A zone found for a split state without a known ZIP is flagged as a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import zipcodes

_US_ZONES: dict[str, tuple[str, ...]] = {
    "America/New_York": ("CT", "DC", "DE", "GA", "MA", "MD", "ME", "NC", "NH", "NJ", "NY", "OH", "PA", "RI",
                         "SC", "VA", "VT", "WV",
                         "FL", "KY", "MI", "IN"),  # split: the panhandle, western KY, the UP's west, NW/SW IN
    "America/Chicago": ("AL", "AR", "IA", "IL", "LA", "MN", "MO", "MS", "OK", "WI",
                        "KS", "ND", "NE", "SD", "TN", "TX"),  # split: their western or eastern edges
    "America/Denver": ("CO", "MT", "NM", "UT", "WY", "ID"),  # ID: the panhandle is Pacific
    "America/Phoenix": ("AZ",),  # no DST, except the Navajo Nation (ZIP decides)
    "America/Los_Angeles": ("CA", "NV", "WA", "OR"),  # OR: Malheur County is Mountain
    "America/Anchorage": ("AK",),  # the western Aleutians keep America/Adak
    "Pacific/Honolulu": ("HI",),
    "America/Puerto_Rico": ("PR", "VI"),
    "Pacific/Guam": ("GU", "MP"),
    "Pacific/Pago_Pago": ("AS",),
}
US_STATE_ZONES: dict[str, str] = {state: zone for zone, states in _US_ZONES.items() for state in states}
SPLIT_STATES: frozenset[str] = frozenset({"AK", "AZ", "FL", "ID", "IN", "KS", "KY", "MI", "ND", "NE", "OR", "SD",
                                          "TN", "TX"})

# Countries (ISO 3166 alpha-2) that keep a single zone, among those a China -> US parcel may pass through.
COUNTRY_ZONES: dict[str, str] = {
    "CN": "Asia/Shanghai", "HK": "Asia/Hong_Kong", "MO": "Asia/Macau", "TW": "Asia/Taipei",
    "JP": "Asia/Tokyo", "KR": "Asia/Seoul", "SG": "Asia/Singapore", "PH": "Asia/Manila", "TH": "Asia/Bangkok",
    "VN": "Asia/Ho_Chi_Minh", "IN": "Asia/Kolkata", "AE": "Asia/Dubai", "QA": "Asia/Qatar",
    "GB": "Europe/London", "IE": "Europe/Dublin", "DE": "Europe/Berlin", "FR": "Europe/Paris",
    "NL": "Europe/Amsterdam", "BE": "Europe/Brussels", "IT": "Europe/Rome", "PL": "Europe/Warsaw",
    "PR": "America/Puerto_Rico",
}
# Country names UPS prints in `country` when `countryCode` is absent.
COUNTRY_NAMES: dict[str, str] = {"UNITED STATES": "US", "USA": "US", "CHINA": "CN", "HONG KONG": "HK",
                                 "TAIWAN": "TW", "MACAU": "MO", "MACAO": "MO"}


@dataclass(frozen=True)
class ZoneGuess:
    zone: str  # IANA name
    exact: bool  # False: a split state's main zone, for want of a ZIP


def zone_of(country: str | None, region: str | None, postal_code: str | None) -> ZoneGuess | None:
    """The zone of a scan location, or None when its parts name no zone we know."""
    code = _country(country)
    state = (region or "").strip().upper()
    if code == "US" or (code is None and state in US_STATE_ZONES):
        return _us_zone(state, postal_code)
    zone = COUNTRY_ZONES.get(code or "")
    return ZoneGuess(zone, exact=True) if zone else None


def _us_zone(state: str, postal_code: str | None) -> ZoneGuess | None:
    by_zip = zip_zone(postal_code)
    if by_zip:
        return ZoneGuess(by_zip, exact=True)
    zone = US_STATE_ZONES.get(state)
    return ZoneGuess(zone, exact=state not in SPLIT_STATES) if zone else None


def zip_zone(postal_code: str | None) -> str | None:
    """The zone of a 5-digit US ZIP (ZIP+4 accepted) from the `zipcodes` dataset; None if it is unknown."""
    digits = (postal_code or "").strip()[:5]
    return _zip5_zone(digits) if len(digits) == 5 and digits.isdigit() else None


@lru_cache(maxsize=8192)
def _zip5_zone(digits: str) -> str | None:
    # Cached: `matching` scans the dataset (1-60 ms a call on this machine), and hubs and addresses repeat.
    matches = zipcodes.matching(digits)
    return (matches[0].get("timezone") or None) if matches else None


def _country(value: str | None) -> str | None:
    text = (value or "").strip().upper()
    if not text:
        return None
    return COUNTRY_NAMES.get(text, text if len(text) == 2 else None)
