from django.urls import path

from . import views

app_name = "selections"

urlpatterns = [
    path("", views.SelectionListView.as_view(), name="list"),
    path("new/", views.selection_create, name="create"),
    path("<int:pk>/", views.selection_detail, name="detail"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/step/<slug:name>/", views.step, name="step"),
    path("<int:pk>/export/", views.export, name="export"),
    path("nominations/<int:pk>/accept/", views.accept, name="accept"),
    path("nominations/<int:pk>/reject/", views.reject, name="reject"),
    path("mine/", views.phone_list, name="phone"),
    path("mine/<int:pk>/", views.phone_detail, name="phone_detail"),
    path("mine/<int:pk>/nominate/", views.phone_nominate, name="phone_nominate"),
    path("mine/<int:pk>/vote/<int:nomination>/", views.vote, name="vote"),
    path("mine/<int:pk>/object/", views.object_to, name="object"),
]
