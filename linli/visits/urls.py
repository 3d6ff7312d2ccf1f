from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.due, name="due"),
    path("done/", views.due_done, name="due_done"),
    path("log/", views.visit_list, name="list"),
    path("log/new/", views.visit_create, name="create"),
    path("log/<int:pk>/", views.visit_detail, name="detail"),
    path("needs/<int:pk>/<str:action>/", views.need_action, name="need_action"),
    path("pairings/", views.pairing_list, name="pairings"),
    path("pairings/new/", views.pairing_create, name="pairing_create"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("events/new/", views.event_create, name="event_create"),
    path("errands/", views.errand_list, name="errands"),
    path("errands/export/", views.errands_export, name="errands_export"),
    path("log/export/", views.visits_export, name="export"),
    path("rules/", views.rules, name="rules"),
    path("errands/new/", views.errand_create, name="errand_create"),
]
