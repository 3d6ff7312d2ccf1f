from django.urls import path

from . import views

app_name = "wishes"

urlpatterns = [
    path("", views.board, name="board"),
    path("board/<int:pk>/", views.board_detail, name="board_detail"),
    path("mine/", views.mine, name="mine"),
    path("manage/", views.wish_list, name="list"),
    path("manage/new/", views.wish_create, name="create"),
    path("manage/export/", views.wish_export, name="export"),
    path("manage/<int:pk>/", views.wish_detail, name="detail"),
    path("photo/<int:pk>/", views.photo, name="photo"),
]
