from django.urls import path, re_path

from . import pickers, views

app_name = "registry"

urlpatterns = [
    path("pick/residents/", pickers.pick_residents, name="pick_residents"),
    path("pick/households/", pickers.pick_households, name="pick_households"),
    path("pick/houses/", pickers.pick_houses, name="pick_houses"),
    path("residents/", views.ResidentListView.as_view(), name="resident_list"),
    path("residents/add/", views.ResidentCreateView.as_view(), name="resident_create"),
    path("residents/<int:pk>/", views.resident_detail, name="resident_detail"),
    path("residents/<int:pk>/edit/", views.ResidentEditView.as_view(), name="resident_edit"),
    path("residents/<int:pk>/reveal/", views.resident_reveal, name="resident_reveal"),
    path("residents/<int:pk>/care-groups/add/", views.TagAssignView.as_view(), name="resident_tag_add"),
    path("residents/<int:pk>/care-groups/<int:tag_pk>/end/", views.TagEndView.as_view(), name="resident_tag_end"),
    path("households/", views.HouseholdListView.as_view(), name="household_list"),
    path("households/add/", views.HouseholdCreateView.as_view(), name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/move-in/", views.household_move_in, name="household_move_in"),
    path(
        "households/<int:pk>/members/<int:member_pk>/move-out/", views.MoveOutView.as_view(), name="household_move_out"
    ),
    re_path(r"^buildings/(?P<code>\d{1,24})/$", views.building_view, name="building_view"),
    # Excel import and export
    path("imports/", views.ImportListView.as_view(), name="import_list"),
    path("imports/new/", views.ImportCreateView.as_view(), name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("imports/templates/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("residents/export/", views.resident_export, name="resident_export"),
    path("households/export/", views.household_export, name="household_export"),
    path("organisations/export/", views.organisation_export, name="organisation_export"),
    # one person, one record: the merge tool
    path("merge/", views.duplicate_list, name="merge_list"),
    path("merge/<int:keep>/<int:drop>/", views.merge_compare, name="merge_compare"),
]
