from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/themes/", views.theme_add, name="theme_add"),
    path("<int:pk>/key/", views.key_target, name="key_target"),
    path("<int:pk>/start/", views.campaign_start, name="start"),
    path("<int:pk>/close/", views.campaign_close, name="close"),
    path("<int:pk>/board/", views.key_board, name="board"),
    path("<int:pk>/report/", views.campaign_report, name="report"),
    path("<int:pk>/report.xlsx", views.campaign_export, name="export"),
    path("<int:pk>/inspect/", views.inspect, name="inspect"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("findings/<int:pk>/case/", views.finding_case, name="finding_case"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("complaint-rate/", views.complaint_rate, name="complaints"),
]
