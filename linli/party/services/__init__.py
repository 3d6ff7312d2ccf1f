"""Every write to party data: organisations, memberships, committees, 党员中心户 and 双报到.

Keyword-only, atomic, permission-checked inside, validated before anything is saved, audited.

One module per aggregate: ``orgs``, ``members`` (with seats and 党员中心户), ``dual`` (双报到); ``common`` for what
they share. Every public name is re-exported here (``from linli.party import services`` keeps working).
"""

from .dual import (
    INSERVICE_FIELDS,
    PARTY_STATUSES,
    POST_FIELDS,
    REGISTRATION_FIELDS,
    employer_register,
    inservice_end,
    inservice_report,
    is_party_member,
    post_claim,
    post_create,
    post_release,
    post_update,
    service_record_add,
    service_record_delete,
)
from .members import (
    MEMBER_CHANGE_FIELDS,
    MEMBER_FIELDS,
    center_household_add,
    center_household_end,
    election_record,
    member_add,
    member_end,
    member_transfer,
    member_update,
    seat_add,
    seat_end,
    seat_member_allowed,
)
from .orgs import ORG_CHANGE_FIELDS, ORG_FIELDS, org_archive, org_create, org_move, org_update

__all__ = [
    "INSERVICE_FIELDS",
    "MEMBER_CHANGE_FIELDS",
    "MEMBER_FIELDS",
    "ORG_CHANGE_FIELDS",
    "ORG_FIELDS",
    "PARTY_STATUSES",
    "POST_FIELDS",
    "REGISTRATION_FIELDS",
    "center_household_add",
    "center_household_end",
    "election_record",
    "employer_register",
    "inservice_end",
    "inservice_report",
    "is_party_member",
    "member_add",
    "member_end",
    "member_transfer",
    "member_update",
    "org_archive",
    "org_create",
    "org_move",
    "org_update",
    "post_claim",
    "post_create",
    "post_release",
    "post_update",
    "seat_add",
    "seat_end",
    "seat_member_allowed",
    "service_record_add",
    "service_record_delete",
]
