"""Data-centre pages: thin — parse, read through selectors/``restrict``, write through ``services``.

Out-of-scope records answer 404 (looked up through ``restrict``); in scope but not permitted answers 403.
Personal numbers appear masked; the full value comes only from ``resident_reveal`` (a POST, audited) and only
to users with the "reveal" right.

One module per page family: ``residents``, ``households``, ``buildings`` (楼盘表), ``excel`` (import and export),
``merging`` (one person, one record); ``common`` for what they share. ``urls.py`` uses ``views.<name>``.
"""

from .buildings import OCCUPANCY_STATES, building_layout, building_view
from .common import SECTION, export_url, get_household, get_resident
from .excel import (
    ImportCreateView,
    ImportListView,
    household_export,
    import_commit,
    import_detail,
    import_discard,
    import_errors,
    import_progress,
    import_template,
    organisation_export,
    resident_export,
)
from .households import HouseholdCreateView, HouseholdListView, MoveOutView, household_detail, household_move_in
from .merging import duplicate_list, merge_compare
from .residents import (
    ResidentCreateView,
    ResidentEditView,
    ResidentFormView,
    ResidentListView,
    TagAssignView,
    TagEndView,
    resident_detail,
    resident_reveal,
)

__all__ = [
    "OCCUPANCY_STATES",
    "SECTION",
    "HouseholdCreateView",
    "HouseholdListView",
    "ImportCreateView",
    "ImportListView",
    "MoveOutView",
    "ResidentCreateView",
    "ResidentEditView",
    "ResidentFormView",
    "ResidentListView",
    "TagAssignView",
    "TagEndView",
    "building_layout",
    "building_view",
    "duplicate_list",
    "export_url",
    "get_household",
    "get_resident",
    "household_detail",
    "household_export",
    "household_move_in",
    "import_commit",
    "import_detail",
    "import_discard",
    "import_errors",
    "import_progress",
    "import_template",
    "merge_compare",
    "organisation_export",
    "resident_detail",
    "resident_export",
    "resident_reveal",
]
