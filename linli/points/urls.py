from django.urls import path

from . import views

app_name = "points"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("shop/", views.shop, name="shop"),
    path("shop/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("shop/new/", views.item_edit, name="item_create"),
    path("shop/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("shop/<int:pk>/restock/", views.item_restock, name="item_restock"),
    path("orders/mine/", views.my_orders, name="my_orders"),
    path("orders/", views.orders, name="orders"),
    path("orders/export/", views.orders_export, name="orders_export"),
    path("orders/<int:pk>/<str:action>/", views.order_action, name="order_action"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/export/", views.ledger_export, name="ledger_export"),
    path("rules/", views.rules, name="rules"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
]
