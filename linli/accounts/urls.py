from django.urls import path

from . import pickers, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("users/<int:pk>/roles/<int:binding_id>/remove/", views.role_remove, name="role_remove"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("pick/users/", pickers.pick_users, name="pick_users"),
]
