from django.urls import path

from . import views

app_name = "owners"

urlpatterns = [
    path("", views.CommitteeListView.as_view(), name="list"),
    path("new/", views.CommitteeCreateView.as_view(), name="create"),
    path("<int:pk>/", views.committee_detail, name="detail"),
    path("<int:pk>/edit/", views.CommitteeEditView.as_view(), name="edit"),
    path("<int:pk>/seats/new/", views.seat_add, name="seat_add"),
    path("<int:pk>/seats/<int:seat_pk>/end/", views.seat_end, name="seat_end"),
]
