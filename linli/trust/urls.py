from django.urls import path

from . import views

app_name = "trust"
urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("new/", views.account_create, name="account_create"),
    path("verify_ledger.py", views.verifier, name="verifier"),
    path("<int:pk>/", views.account_detail, name="account"),
    path("<int:pk>/ledger.csv", views.account_csv, name="account_csv"),
    path("<int:pk>/budget/", views.budget_create, name="budget_create"),
    path("<int:pk>/bill/", views.bill_run, name="bill"),
    path("<int:pk>/collect/", views.collect, name="collect"),
    path("<int:pk>/spend/", views.spend, name="spend"),
    path("<int:pk>/remuneration/", views.remuneration, name="remuneration"),
    path("<int:pk>/close/", views.close_month, name="close"),
    path("entries/<int:pk>/reverse/", views.reverse, name="reverse"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>/ledger.json", views.statement_json, name="statement_json"),
    path("budgets/<int:pk>/document/", views.budget_document, name="budget_document"),
    path("receipts/<int:pk>/", views.receipt, name="receipt"),
]
