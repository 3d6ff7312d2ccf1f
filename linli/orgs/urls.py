from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganisationListView.as_view(), name="list"),
    path("add/", views.OrganisationCreateView.as_view(), name="create"),
    path("<int:pk>/", views.OrganisationDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OrganisationEditView.as_view(), name="edit"),
]
