from .phone import object_to, phone_detail, phone_list, phone_nominate, vote
from .staff import SelectionListView, accept, export, nominate, reject, selection_create, selection_detail, step

__all__ = [
    "SelectionListView",
    "accept",
    "export",
    "nominate",
    "object_to",
    "phone_detail",
    "phone_list",
    "phone_nominate",
    "reject",
    "selection_create",
    "selection_detail",
    "step",
    "vote",
]
