"""The demo district's people: residents, households, owners and tenants, care groups (``seed_demo``).

Planned in pure Python from a fixed random seed, then bulk-inserted by ``write_people``. The shape follows
a Chinese city district (七普-like): about one in five residents is 60 or older and about one in
seven is a child under 15, most adults are 30–60, and households average about 2.6 people — old people
living alone or as couples (空巢), young couples, nuclear families, three generations under one roof,
and grandparents raising a grandchild whose parents work elsewhere (留守儿童).

* Every resident is fictitious (Faker zh_CN names). ID card numbers carry the district's area code
  340504, the birth date and gender of the person and a valid GB 11643 check character; they are sealed
  exactly like ``linli.registry.identity`` does (Fernet cipher, keyed hash, mask, last four) — no
  plaintext reaches the database.
* About 5 % of the houses are left UNSOLD: they have no owner record at all. Every other house has
  owners whose shares add up to exactly 1 — an owner (1/1) or two co-owners (1/2 each). Most sold
  homes are lived in by their owners' household; some are let to tenants (the tenant holds an
  occupancy of kind tenant, the landlord lives elsewhere in the district); the rest stand empty or
  are shops owned by someone living in the district.
* Care groups (独居老人 for people of 60+ living alone, 空巢老人 for old couples on their own, 高龄老人
  for 80+, 留守儿童 for children raised by grandparents, a few 低保/特困/残疾人/优抚对象/重点关注) use the
  registry's default catalogue (``linli.registry.care_tags``).
* A handful of planted duplicates (the same name, birth date and home, no ID number) give the
  merge tool something to find.

``plan`` makes the plan, ``write`` writes it; every public name is re-exported here.
"""

from .plan import (
    ALONE_BANDS,
    AREA_CODE,
    CO_OWNED_SHARE,
    DUPLICATE_EVERY,
    EDUCATION_BY_AGE,
    ELDER_BANDS,
    ETHNICITIES,
    HOUSEHOLD_KINDS,
    MOBILE_PREFIXES,
    OCCUPIED_SHARE,
    RENTED_SHARE,
    UNSOLD_SHARE,
    Holding,
    HouseholdPlan,
    HouseRow,
    PeoplePlan,
    PersonPlan,
    Planner,
    years_before,
)
from .write import age_bands, care_tags, house_rows, write_people

__all__ = [
    "ALONE_BANDS",
    "AREA_CODE",
    "CO_OWNED_SHARE",
    "DUPLICATE_EVERY",
    "EDUCATION_BY_AGE",
    "ELDER_BANDS",
    "ETHNICITIES",
    "HOUSEHOLD_KINDS",
    "MOBILE_PREFIXES",
    "OCCUPIED_SHARE",
    "RENTED_SHARE",
    "UNSOLD_SHARE",
    "Holding",
    "HouseRow",
    "HouseholdPlan",
    "PeoplePlan",
    "PersonPlan",
    "Planner",
    "age_bands",
    "care_tags",
    "house_rows",
    "write_people",
    "years_before",
]
