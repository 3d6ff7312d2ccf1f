from django.urls import path

from . import views

app_name = "scorecards"

urlpatterns = [
    path("", views.RunListView.as_view(), name="list"),
    path("new/", views.RunCreateView.as_view(), name="create"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export/", views.run_export, name="export"),
    path("runs/<int:pk>/<slug:action>/", views.run_action, name="run_action"),
    path("cards/<int:pk>/", views.card_detail, name="card"),
    path("cards/<int:pk>/certificate/", views.card_certificate, name="certificate"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="answer"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/indicators/<int:pk>/", views.IndicatorEditView.as_view(), name="indicator"),
    path("settings/<slug:card_type>/", views.SettingsEditView.as_view(), name="card_settings"),
]
