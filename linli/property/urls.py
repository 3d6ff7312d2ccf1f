from django.urls import path

from . import views

app_name = "property"

urlpatterns = [
    path("compound/<int:pk>/", views.compound, name="compound"),
    path("evaluate/<int:pk>/", views.evaluate, name="evaluate"),
    path("manage/", views.manage, name="manage"),
    path("manage/contracts/new/", views.contract_create, name="contract_create"),
    path("manage/rounds/new/", views.round_create, name="round_create"),
    path("manage/rounds/<int:pk>/", views.round_detail, name="round"),
]
