"""Party organisations tied to the place tree, their members, committees, 党员中心户, and 在职党员 双报到.

A party member IS a ``registry.Resident``: these models point at the resident and never copy personal data.
Every row carries ``scope_path`` (a place path) so the permission chokepoint scopes it like any other row.

One module per aggregate: ``orgs``, ``members`` (with seats and 党员中心户), ``dual`` (双报到); ``common`` for what
they share. The app label stays ``party``; ``OwnRowsForResidents`` stays importable here (migration 0001 names it).
"""

from .common import OwnRowsForResidents
from .dual import EmployerRegistration, InServiceMember, PostClaim, ServicePost, ServiceRecord
from .members import CenterHousehold, CommitteeSeat, MemberStatus, PartyMember, SeatPosition
from .orgs import ALLOWED_PARENTS, BRANCH_KINDS, PLACE_LEVELS, BranchType, PartyOrg, PartyOrgKind

__all__ = [
    "ALLOWED_PARENTS",
    "BRANCH_KINDS",
    "PLACE_LEVELS",
    "BranchType",
    "CenterHousehold",
    "CommitteeSeat",
    "EmployerRegistration",
    "InServiceMember",
    "MemberStatus",
    "OwnRowsForResidents",
    "PartyMember",
    "PartyOrg",
    "PartyOrgKind",
    "PostClaim",
    "SeatPosition",
    "ServicePost",
    "ServiceRecord",
]
