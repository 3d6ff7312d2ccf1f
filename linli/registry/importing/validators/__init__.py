"""Checking every row of an import, in batches: cell formats, then what the database and the rights say.

A validator turns ``Row``s into ``Result``s: the row's errors by column (codes and parameters, see
``messages``) and, when it has none, the parsed values the committer writes. Lookups are batched (one query
per batch for houses, records, duplicate numbers), so checking 100,000 rows costs a few hundred queries.

Rights are those of the uploader, read through the chokepoint: a house the uploader cannot see is an unknown
house code (nothing leaks), a visible house where they may not add people is refused as such; an update row
names a record the uploader may change.

One module per kind of sheet (``residents``, ``households``, ``organisations``) over ``base``; ``VALIDATORS``
maps a sheet kind to its validator.
"""

from ..columns import HOUSEHOLDS, ORGANISATIONS, RESIDENTS
from .base import BATCH, BaseValidator, Result, batches, shown
from .households import HouseholdValidator
from .organisations import OrganisationValidator
from .residents import ResidentValidator

VALIDATORS = {
    RESIDENTS.kind: ResidentValidator,
    HOUSEHOLDS.kind: HouseholdValidator,
    ORGANISATIONS.kind: OrganisationValidator,
}

__all__ = [
    "BATCH",
    "VALIDATORS",
    "BaseValidator",
    "HouseholdValidator",
    "OrganisationValidator",
    "ResidentValidator",
    "Result",
    "batches",
    "shown",
]
