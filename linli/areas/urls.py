from django.urls import path, re_path

from . import pickers, views

app_name = "areas"

# Place codes are digits only, so "add" and "grids" never collide with them.
CODE = r"(?P<code>\d{1,24})"

urlpatterns = [
    path("", views.PlaceListView.as_view(), name="place_list"),
    path("add/", views.PlaceCreateView.as_view(), name="place_create"),
    path("pick/", pickers.pick_places, name="pick_places"),
    path("pick/grids/", pickers.pick_grids, name="pick_grids"),
    path("grids/", views.GridListView.as_view(), name="grid_list"),
    path("grids/add/", views.GridCreateView.as_view(), name="grid_create"),
    path("grids/<str:code>/", views.grid_detail, name="grid_detail"),
    path("grids/<str:code>/edit/", views.GridEditView.as_view(), name="grid_edit"),
    path("grids/<str:code>/buildings/", views.grid_buildings, name="grid_buildings"),
    re_path(
        r"^grids/(?P<code>[^/]+)/buildings/(?P<building_code>\d{1,24})/remove/$",
        views.grid_building_remove,
        name="grid_building_remove",
    ),
    re_path(rf"^{CODE}/$", views.place_detail, name="place_detail"),
    re_path(rf"^{CODE}/add/$", views.PlaceCreateView.as_view(), name="place_create"),
    re_path(rf"^{CODE}/edit/$", views.PlaceEditView.as_view(), name="place_edit"),
    re_path(rf"^{CODE}/move/$", views.PlaceMoveView.as_view(), name="place_move"),
    re_path(rf"^{CODE}/archive/$", views.PlaceArchiveView.as_view(), name="place_archive"),
]
